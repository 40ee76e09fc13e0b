import { sql, type Kysely, type Transaction } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Actor, ConversationStatus } from '../engine/types.js';
import { prepare, type Param } from './prepared.js';
import type { Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Whose turn it is, and (for platforms whose replies can be lost) how old an undelivered receipt must be. */
export interface MemberRead {
  key: Actor;
  /** Undefined: the platform does not track delivery, so nothing of theirs can be lost. */
  lostAfterMs: number | undefined;
}

export type MemberRow = NonNullable<Awaited<ReturnType<typeof readQuery.takeFirst>>>;

interface Key {
  ord: number;
  platform: string;
  workspace_id: string;
  user_id: string;
  lost_after: number | null;
}

/**
 * Each person's member row and open conversation, and their oldest receipt whose replies were never
 * marked delivered once it is older than a delivery takes (the person has not seen that question; an
 * index probe, nearly always empty). Many people in one statement: see batcher.ts.
 */
const readQuery = prepare('load_members', (db, $: Param<{ keys: string }>) => {
  // batch_rows (a migration) rather than jsonb_to_recordset: with its guess of 100 rows, Postgres
  // would find the members by scanning the table instead of through its index.
  const k = sql<Key>`(select r.* from batch_rows(${$('keys')}::jsonb) e,
    jsonb_to_record(e) as r(ord int, platform text, workspace_id text, user_id text, lost_after float8))`.as('k');
  return db
    .selectFrom(k)
    .innerJoin('members as m', (j) =>
      j.onRef('m.platform', '=', 'k.platform').onRef('m.workspace_id', '=', 'k.workspace_id').onRef('m.user_id', '=', 'k.user_id'),
    )
    // The statuses are literals, not parameters: a prepared statement's generic plan must see them to
    // use the partial index of open conversations.
    .leftJoin('conversations as c', (j) =>
      j.onRef('c.member_id', '=', 'm.id').on('c.status', 'in', [sql.lit<ConversationStatus>('active'), sql.lit<ConversationStatus>('paused')]),
    )
    .select(['k.ord', 'm.id as member_id', 'm.time_zone as member_time_zone'])
    .select(['c.id', 'c.flow', 'c.status', 'c.step', 'c.state', 'c.seq', 'c.version', 'c.created_at', 'c.updated_at'])
    .select((eb) =>
      jsonObjectFrom(
        eb
          .selectFrom('inbound_events as e')
          .select(['e.event_id', 'e.result'])
          .whereRef('e.member_id', '=', 'm.id')
          .where(sql<boolean>`k.lost_after is not null`)
          .where('e.delivered_at', 'is', null)
          .where('e.created_at', '<', sql<Date>`now() - make_interval(secs => k.lost_after)`)
          .orderBy('e.created_at')
          .limit(sql.lit(1)),
      ).as('lost'),
    );
});

/** One row per read, in order; undefined for a person not yet a member. */
export async function readMembers(db: Db, reads: readonly MemberRead[]): Promise<(MemberRow | undefined)[]> {
  const keys: Key[] = reads.map((r, ord) => ({
    ord,
    platform: r.key.platform,
    workspace_id: r.key.workspaceId,
    user_id: r.key.userId,
    lost_after: r.lostAfterMs === undefined ? null : r.lostAfterMs / 1000,
  }));
  const out = new Array<MemberRow | undefined>(reads.length);
  for (const row of (await readQuery.execute(db, { keys: JSON.stringify(keys) })).rows) out[row.ord] = row;
  return out;
}
