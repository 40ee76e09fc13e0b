import { sql, type Kysely } from 'kysely';
import { inCommunity } from './member-communities.js';
import type { Database } from './types.js';

/**
 * A community's month in counts only, for the digest: members who debriefed, debriefs, outcomes, the
 * three most named tags of each kind and the next steps done. Nothing beyond the totals is read when
 * fewer than `minMembers` took part.
 */
export async function communityMonthCounts(
  trx: Kysely<Database>,
  community: { platform: string; workspaceId: string },
  from: Date,
  to: Date,
  minMembers: number,
) {
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
    figures: { totals, byOutcome, strengths: await tagCounts('strength_tags'), growth: await tagCounts('growth_tags'), done: done.n },
  };
}
