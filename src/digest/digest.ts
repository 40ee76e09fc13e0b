import type { Transaction } from 'kysely';
import { communityMonthCounts } from '../db/digest.js';
import type { Database } from '../db/types.js';
import { choiceIds, encodePrompt } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { growthTags, outcomes, strengthTags } from '../flows/debrief.js';

/**
 * The monthly community digest: what the community learned together, in counts only. It never names
 * or quotes anyone, and a group smaller than the minimum gets no figures at all, since in a small
 * group a count can point at a person.
 */

export interface DigestFigures {
  members: number;
  debriefs: number;
  outcomes: { label: string; count: number }[];
  strengths: { label: string; count: number }[];
  growth: { label: string; count: number }[];
  feedbackAsked: number;
  feedbackApplicable: number;
  stepsDone: number;
}

const label = (options: readonly { id: string; label: string }[], id: string) => options.find((o) => o.id === id)?.label ?? id;

/** Figures for one community's members over [from, to); undefined when the group is below `minMembers`. */
export async function digestFigures(
  trx: Transaction<Database>,
  community: { platform: string; workspaceId: string },
  from: Date,
  to: Date,
  minMembers: number,
): Promise<{ members: number; figures: DigestFigures | undefined }> {
  const counts = await communityMonthCounts(trx, community, from, to, minMembers);
  if (!counts.figures) return { members: counts.members, figures: undefined };
  const { totals, byOutcome, strengths, growth, done } = counts.figures;
  return {
    members: totals.members,
    figures: {
      members: totals.members,
      debriefs: totals.debriefs,
      outcomes: byOutcome.map((o) => ({ label: label(outcomes, o.outcome), count: o.n })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
      strengths: strengths.map((t) => ({ label: label(strengthTags, t.tag), count: t.n })),
      growth: growth.map((t) => ({ label: label(growthTags, t.tag), count: t.n })),
      feedbackAsked: totals.asked,
      feedbackApplicable: totals.applicable,
      stepsDone: done,
    },
  };
}

export function digestReply(f: DigestFigures, monthName: string): Reply {
  const list = (xs: { label: string; count: number }[]) => xs.map((x) => `${x.label} (${x.count})`).join(', ') || 'none named';
  return {
    text: [
      `*${monthName} in this community*`,
      `${f.members} members looked back on ${f.debriefs} interviews with Debrief.`,
      `• Outcomes: ${list(f.outcomes)}`,
      `• Strengths named most: ${list(f.strengths)}`,
      `• What people are working on: ${list(f.growth)}`,
      `• Feedback asked for after ${f.feedbackAsked} of ${f.feedbackApplicable} interviews that didn't end in a yes or a wait`,
      `• Next steps completed: ${f.stepsDone}`,
      '',
      "Every no is practice for the next yes. `/debrief` is here when you've had an interview.",
    ].join('\n'),
    choices: [{ id: choiceIds.start('debrief'), label: 'Debrief an interview' }],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}
