import { sql, type Kysely, type QueryCreator, type Transaction } from 'kysely';
import type { Actor, InboundTurn } from '../engine/types.js';
import { claimInboundEvent, inboundRow } from './inbound-events.js';
import type { ConversationState, RecordedAnswer } from '../engine/machine.js';
import type { ConversationRow, Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MemberAndConversation {
  memberId: string;
  conversation: ConversationState | null;
}

/**
 * Finds (or creates) the member and reads their open conversation, in one round trip when they are
 * known. Nothing is locked: the turn's write is conditional on the conversation's `seq` (see
 * writeTurn), so of two turns of one person racing, the second finds it changed and is run again.
 */
export async function loadMember(
  trx: Transaction<Database>,
  actor: Actor,
  newId: string,
  timeZone?: string,
): Promise<MemberAndConversation> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const row = await trx
      .selectFrom('members as m')
      .leftJoin('conversations as c', (j) => j.onRef('c.member_id', '=', 'm.id').on('c.status', 'in', ['active', 'paused']))
      .select(['m.id as member_id', 'm.time_zone as member_time_zone'])
      .select(['c.id', 'c.flow', 'c.status', 'c.step', 'c.state', 'c.seq', 'c.created_at', 'c.updated_at'])
      .where('m.platform', '=', actor.platform)
      .where('m.workspace_id', '=', actor.workspaceId)
      .where('m.user_id', '=', actor.userId)
      .executeTakeFirst();
    if (row) {
      // The platform's profile zone wins when given; otherwise keep what we know.
      if (timeZone && timeZone !== row.member_time_zone)
        await trx.updateTable('members').set({ time_zone: timeZone }).where('id', '=', row.member_id).execute();
      const conversation = row.id
        ? toState({ ...(row as unknown as ConversationRow), id: row.id, member_id: row.member_id, ended_at: null })
        : null;
      return { memberId: row.member_id, conversation };
    }
    // First turn of this person. Two first turns at once: one inserts, the other finds it next loop.
    await trx
      .insertInto('members')
      .values({ id: newId, platform: actor.platform, workspace_id: actor.workspaceId, user_id: actor.userId, time_zone: timeZone ?? null })
      .onConflict((oc) => oc.constraint('members_platform_user_unique').doNothing())
      .execute();
  }
  throw new Error('member row vanished while reading it');
}

/** Another turn of the same conversation got there first: the caller runs the turn again. */
export class ConcurrentTurn extends Error {
  override name = 'ConcurrentTurn';
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
  current: { id: string; seq: number } | undefined,
  now: Date,
): Promise<void> {
  // The same conversation can appear more than once (expired, then replaced); the last write wins.
  const last = new Map(states.map((s) => [s.id, s]));
  const ordered = [...last.values()].sort((a, b) => rank(a) - rank(b));
  for (const s of ordered) {
    const state = stateJson(s);
    const ended = s.status === 'active' || s.status === 'paused' ? null : now;
    if (s.id === current?.id) {
      const r = await trx
        .updateTable('conversations')
        .set({ status: s.status, step: s.step, seq: s.seq, state, updated_at: now, ended_at: ended })
        .where('id', '=', s.id)
        .where('seq', '=', current.seq)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new ConcurrentTurn();
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
  await trx.insertInto('answers').values(answerRows(answers, inboundId)).execute();
}

function answerRows(answers: RecordedAnswer[], inboundId: string) {
  return answers.map((a) => ({
    conversation_id: a.conversationId,
    step: a.step,
    value: a.value === null || a.value === undefined ? null : JSON.stringify(a.value),
    skipped: a.skipped,
    inbound_id: inboundId,
  }));
}

function stateJson(s: ConversationState): string {
  return JSON.stringify({
    answers: s.answers,
    trail: s.trail,
    misses: s.misses,
    pending: s.pending,
    ...(s.startWanted ? { startWanted: s.startWanted } : {}),
  });
}

export interface TurnWrites {
  memberId: string;
  /** The open conversation as read at the start of the turn. */
  current: { id: string; seq: number } | undefined;
  writes: ConversationState[];
  answers: RecordedAnswer[];
  inbound: { turn: InboundTurn; result: Record<string, unknown> };
  now: Date;
}

/**
 * Writes what a turn decided and records its inbound event, returning false if the event was
 * already recorded (a redelivery: the caller rolls back). The usual turn (one conversation updated,
 * one answer) is a single statement with writable CTEs, so a turn costs the same round trips as the
 * least durable work it could do; anything else (a restart closing one conversation and opening
 * another) goes statement by statement, in the order the one-open-conversation index needs.
 */
export async function writeTurn(trx: Transaction<Database>, w: TurnWrites): Promise<boolean> {
  const writes = [...new Map(w.writes.map((s) => [s.id, s])).values()];
  const only = writes[0];
  const single =
    writes.length === 0 ||
    (writes.length === 1 && (only!.id === w.current?.id || (w.current === undefined && w.answers.length === 0)));
  if (!single) {
    await saveConversations(trx, w.memberId, writes, w.current, w.now);
    await recordAnswers(trx, w.answers, w.inbound.turn.eventId);
    return claimInboundEvent(trx, w.inbound.turn, w.memberId, w.inbound.result);
  }
  // Each CTE changes the builder's type; the names are never read back, so the type stays plain.
  let q: QueryCreator<Database> = trx;
  if (only) {
    const ended = only.status === 'active' || only.status === 'paused' ? null : w.now;
    q =
      only.id === w.current?.id
        ? (q.with('conv', (db) =>
            db
              .updateTable('conversations')
              .set({ status: only.status, step: only.step, seq: only.seq, state: stateJson(only), updated_at: w.now, ended_at: ended })
              .where('id', '=', only.id)
              .where('seq', '=', w.current!.seq)
              .returning('id'),
          ) as unknown as QueryCreator<Database>)
        : (q.with('conv', (db) =>
            db
              .insertInto('conversations')
              .values({
                id: only.id,
                member_id: w.memberId,
                flow: only.flow,
                status: only.status,
                step: only.step,
                seq: only.seq,
                state: stateJson(only),
                created_at: w.now,
                updated_at: w.now,
                ended_at: ended,
              })
              .returning('id'),
          ) as unknown as QueryCreator<Database>);
  }
  if (w.answers.length > 0)
    q = q.with('ans', (db) =>
      db.insertInto('answers').values(answerRows(w.answers, w.inbound.turn.eventId)).returning('id'),
    ) as unknown as QueryCreator<Database>;
  const row = await q
    .with('ev', (db) =>
      db
        .insertInto('inbound_events')
        .values(inboundRow(w.inbound.turn, w.memberId, w.inbound.result))
        .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'event_id']).doNothing())
        .returning('event_id'),
    )
    .selectNoFrom([
      sql<number>`(select count(*) from ev)::int`.as('claimed'),
      sql<number>`${only ? sql`(select count(*) from conv)::int` : sql`1`}`.as('written'),
    ])
    .executeTakeFirstOrThrow();
  // A redelivery is reported first: its twin's write is why the conversation moved on.
  if (row.claimed === 0) return false;
  if (row.written === 0) throw new ConcurrentTurn();
  return true;
}
