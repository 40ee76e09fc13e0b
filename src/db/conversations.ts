import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../engine/types.js';
import type { ConversationState, RecordedAnswer } from '../engine/machine.js';
import type { ConversationRow, Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Finds or creates the member and locks their row for the rest of the transaction. Every turn of
 * one person therefore runs one at a time, while different people never wait on each other.
 */
export async function lockMember(
  trx: Transaction<Database>,
  actor: Actor,
  memberId: string,
  timeZone?: string,
): Promise<string> {
  const row = await trx
    .insertInto('members')
    .values({
      id: memberId,
      platform: actor.platform,
      workspace_id: actor.workspaceId,
      user_id: actor.userId,
      time_zone: timeZone ?? null,
    })
    .onConflict((oc) =>
      oc.constraint('members_platform_user_unique').doUpdateSet({
        last_seen_at: sql`now()`,
        // The platform's profile zone wins when given; otherwise keep what we know.
        time_zone: sql`coalesce(excluded.time_zone, members.time_zone)`,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMemberId(db: Db, actor: Actor): Promise<string | undefined> {
  const row = await db
    .selectFrom('members')
    .select('id')
    .where('platform', '=', actor.platform)
    .where('workspace_id', '=', actor.workspaceId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  return row?.id;
}

export async function loadOpenConversation(db: Db, memberId: string): Promise<ConversationState | null> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('member_id', '=', memberId)
    .where('status', 'in', ['active', 'paused'])
    .executeTakeFirst();
  return row ? toState(row) : null;
}

interface StoredState {
  answers: Record<string, unknown>;
  trail: string[];
  misses: number;
  pending: 'resume' | null;
  startWanted?: { flow: string; arg?: string } | null;
}

export function toState(row: ConversationRow): ConversationState {
  const s = row.state as unknown as StoredState;
  return {
    id: row.id,
    flow: row.flow,
    status: row.status,
    step: row.step ?? '',
    seq: row.seq,
    answers: s.answers ?? {},
    trail: s.trail ?? [],
    misses: s.misses ?? 0,
    pending: s.pending ?? null,
    startWanted: s.startWanted ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Inserts or updates each conversation the turn touched, in order. */
export async function saveConversations(
  trx: Transaction<Database>,
  memberId: string,
  states: ConversationState[],
  existingIds: ReadonlySet<string>,
  now: Date,
): Promise<void> {
  // The same conversation can appear more than once (expired, then replaced); the last write wins.
  const last = new Map(states.map((s) => [s.id, s]));
  const ordered = [...last.values()].sort((a, b) => rank(a) - rank(b));
  for (const s of ordered) {
    const state = JSON.stringify({
      answers: s.answers,
      trail: s.trail,
      misses: s.misses,
      pending: s.pending,
      ...(s.startWanted ? { startWanted: s.startWanted } : {}),
    });
    const ended = s.status === 'active' || s.status === 'paused' ? null : now;
    if (existingIds.has(s.id)) {
      await trx
        .updateTable('conversations')
        .set({ status: s.status, step: s.step, seq: s.seq, state, updated_at: now, ended_at: ended })
        .where('id', '=', s.id)
        .execute();
    } else {
      await trx
        .insertInto('conversations')
        .values({
          id: s.id,
          member_id: memberId,
          flow: s.flow,
          status: s.status,
          step: s.step,
          seq: s.seq,
          state,
          created_at: now,
          updated_at: now,
          ended_at: ended,
        })
        .execute();
    }
  }
}

/** Closed conversations first, so the one-open-conversation index never sees two at once. */
function rank(s: ConversationState): number {
  return s.status === 'active' || s.status === 'paused' ? 1 : 0;
}

export async function recordAnswers(trx: Transaction<Database>, answers: RecordedAnswer[], inboundId: string) {
  if (answers.length === 0) return;
  await trx
    .insertInto('answers')
    .values(
      answers.map((a) => ({
        conversation_id: a.conversationId,
        step: a.step,
        value: a.value === null || a.value === undefined ? null : JSON.stringify(a.value),
        skipped: a.skipped,
        inbound_id: inboundId,
      })),
    )
    .execute();
}
