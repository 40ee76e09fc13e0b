import { sql, type Transaction } from 'kysely';
import { inCommunity } from '../db/member-communities.js';
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
  // Slack members belong to their workspace; Discord members to the servers they came from.
  const member = inCommunity({ id: 'm.id', platform: 'm.platform', workspaceId: 'm.workspace_id' }, { platform: community.platform, communityId: community.workspaceId });
  const inMonth = trx
    .selectFrom('debriefs as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .where(member)
    .where('d.created_at', '>=', from)
    .where('d.created_at', '<', to);
  const totals = await inMonth
    .select([
      sql<number>`count(distinct d.member_id)::int`.as('members'),
      sql<number>`count(*)::int`.as('debriefs'),
      sql<number>`count(*) filter (where d.feedback_status in ('received', 'asked'))::int`.as('asked'),
      sql<number>`count(*) filter (where d.outcome in ('rejected', 'no_response'))::int`.as('applicable'),
    ])
    .executeTakeFirstOrThrow();
  if (totals.members < minMembers) return { members: totals.members, figures: undefined };

  const byOutcome = await inMonth.select(['d.outcome', sql<number>`count(*)::int`.as('n')]).groupBy('d.outcome').execute();
  const tagCounts = async (column: 'strength_tags' | 'growth_tags') =>
    (
      await sql<{ tag: string; n: number }>`
        select t.tag, count(*)::int as n
        from debriefs d join members m on m.id = d.member_id
        cross join lateral jsonb_array_elements_text(d.${sql.ref(column)}) as t(tag)
        where ${member}
          and d.created_at >= ${from} and d.created_at < ${to}
        group by t.tag order by n desc, t.tag limit 3`.execute(trx)
    ).rows;
  const done = await trx
    .selectFrom('action_items as a')
    .innerJoin('members as m', 'm.id', 'a.member_id')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(member)
    .where('a.status', '=', 'done')
    .where('a.updated_at', '>=', from)
    .where('a.updated_at', '<', to)
    .executeTakeFirstOrThrow();
  return {
    members: totals.members,
    figures: {
      members: totals.members,
      debriefs: totals.debriefs,
      outcomes: byOutcome.map((o) => ({ label: label(outcomes, o.outcome), count: o.n })).sort((a, b) => b.count - a.count || a.label.localeCompare(b.label)),
      strengths: (await tagCounts('strength_tags')).map((t) => ({ label: label(strengthTags, t.tag), count: t.n })),
      growth: (await tagCounts('growth_tags')).map((t) => ({ label: label(growthTags, t.tag), count: t.n })),
      feedbackAsked: totals.asked,
      feedbackApplicable: totals.applicable,
      stepsDone: done.n,
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
