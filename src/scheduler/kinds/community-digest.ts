import type { SchedulerConfig } from '../../config.js';
import { communityMonthCounts } from '../../db/digest.js';
import { digestLedger } from '../../db/due-runs.js';
import { growthTags, outcomes, strengthTags } from '../../flows/debrief.js';
import { communityDigest as digestWords, type DigestFigures } from '../../flows/invitations.js';
import type { ScheduledKind } from '../kind.js';

/**
 * The monthly community digest: what the community learned together over the month since the previous
 * slot, in counts only. It never names or quotes anyone, and a group smaller than the minimum gets no
 * figures at all (the run is recorded as too small), since in a small group a count can point at a person.
 */
export const communityDigest = (config: Pick<SchedulerConfig, 'digestCron' | 'digestMinMembers'>): ScheduledKind<{ members: number }> => ({
  name: 'digest',
  audience: 'communities',
  cron: () => config.digestCron,
  compose: async ({ trx, subject, slot, previousSlot }) => {
    const from = previousSlot();
    const counts = await communityMonthCounts(trx, { platform: subject.platform, workspaceId: subject.workspaceId }, from, slot, config.digestMinMembers);
    if (!counts.figures) return { withheld: true, detail: { members: counts.members } };
    const month = from.toLocaleString('en-GB', { month: 'long', timeZone: subject.timeZone });
    return { replies: [digestWords(figuresOf(counts.figures), month)], detail: { members: counts.members } };
  },
  ledger: digestLedger,
  batch: 50,
});

type Counts = NonNullable<Awaited<ReturnType<typeof communityMonthCounts>>['figures']>;

const label = (options: readonly { id: string; label: string }[], id: string) => options.find((o) => o.id === id)?.label ?? id;

function figuresOf({ totals, byOutcome, strengths, growth, done }: Counts): DigestFigures {
  return {
    members: totals.members,
    debriefs: totals.debriefs,
    outcomes: byOutcome.map((o) => ({ label: label(outcomes, o.outcome), count: o.n })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
    strengths: strengths.map((t) => ({ label: label(strengthTags, t.tag), count: t.n })),
    growth: growth.map((t) => ({ label: label(growthTags, t.tag), count: t.n })),
    feedbackAsked: totals.asked,
    feedbackApplicable: totals.applicable,
    stepsDone: done,
  };
}
