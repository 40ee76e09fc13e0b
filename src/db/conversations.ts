import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor, ConversationState, InboundTurn, RecordedAnswer, StoredReceipt } from '../engine/types.js';
import type { Undelivered } from './deliveries.js';
import { claimInboundEvent, inboundExists } from './inbound-events.js';
import type { ConversationRow, Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MemberAndConversation {
  memberId: string;
  conversation: ConversationState | null;
  /** The open conversation's row version, which the turn's write is conditional on. */
  version: number;
  /** An earlier turn of theirs whose replies never reached them (the process died before posting). */
  lost?: Undelivered;
}

/**
 * Finds (or creates) the member and reads their open conversation, in one round trip when they are
 * known. Nothing is locked: the turn's write is conditional on the conversation's row `version` (see
 * writeTurnAtomic), so of two turns of one person racing, the second finds it changed and runs again.
 */
export async function loadMember(
  trx: Db,
  actor: Actor,
  newId: string,
  timeZone?: string,
  lostAfterMs?: number,
): Promise<MemberAndConversation> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const row = await trx
      .selectFrom('members as m')
      .leftJoin('conversations as c', (j) => j.onRef('c.member_id', '=', 'm.id').on('c.status', 'in', ['active', 'paused']))
      .select(['m.id as member_id', 'm.time_zone as member_time_zone'])
      .select(['c.id', 'c.flow', 'c.status', 'c.step', 'c.state', 'c.seq', 'c.version', 'c.created_at', 'c.updated_at'])
      // The oldest receipt of this member whose replies were never marked delivered, once it is older
      // than a delivery takes: the person has not seen that question (an index probe, nearly always empty).
      .$if(lostAfterMs !== undefined, (q) =>
        q.select(
          sql<{ event_id: string; result: StoredReceipt } | null>`(select jsonb_build_object('event_id', e.event_id, 'result', e.result)
            from inbound_events e where e.member_id = m.id and e.delivered_at is null
              and e.created_at < now() - make_interval(secs => ${(lostAfterMs ?? 0) / 1000})
            order by e.created_at limit 1)`.as('lost'),
        ),
      )
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
      const lost = 'lost' in row && row.lost ? { platform: actor.platform, workspaceId: actor.workspaceId, userId: actor.userId, eventId: row.lost.event_id, receipt: row.lost.result } : undefined;
      return { memberId: row.member_id, conversation, version: row.version ?? 0, ...(lost ? { lost } : {}) };
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

interface StoredState {
  answers: Record<string, unknown>;
  trail: string[];
  misses: number;
  pending: ConversationState['pending'];
  startWanted?: { flow: string; arg?: string } | null;
  held?: ConversationState['held'];
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
    held: s.held ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Inserts or updates each conversation the turn touched, in order. */
export async function saveConversations(
  trx: Transaction<Database>,
  memberId: string,
  states: ConversationState[],
  current: { id: string; version: number } | undefined,
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
        .set({ status: s.status, step: s.step, seq: s.seq, state, updated_at: now, ended_at: ended, version: sql`version + 1` })
        .where('id', '=', s.id)
        .where('version', '=', current.version)
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

const answerValue = (a: RecordedAnswer) => (a.value === null || a.value === undefined ? null : JSON.stringify(a.value));

function answerRows(answers: RecordedAnswer[], inboundId: string) {
  return answers.map((a) => ({
    conversation_id: a.conversationId,
    step: a.step,
    value: answerValue(a),
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
    ...(s.held ? { held: s.held } : {}),
  });
}

export interface TurnWrites {
  memberId: string;
  /** The open conversation as read at the start of the turn, with its row version. */
  current: { id: string; version: number } | undefined;
  writes: ConversationState[];
  answers: RecordedAnswer[];
  inbound: { turn: InboundTurn; result: StoredReceipt };
  now: Date;
}

/**
 * Whether the turn's writes fit one statement: at most one conversation touched (the open one, or a
 * new one when none was open) and at most one answer. That is nearly every turn; the rest (a restart
 * closing one conversation and opening another, a completion writing its debrief) use a transaction.
 */
export function fitsOneStatement(w: Omit<TurnWrites, 'inbound' | 'now'>): boolean {
  const writes = new Map(w.writes.map((s) => [s.id, s]));
  if (writes.size > 1 || w.answers.length > 1) return false;
  const only = [...writes.values()][0];
  if (!only) return w.answers.length === 0;
  return only.id === w.current?.id || (w.current === undefined && w.answers.length === 0);
}

export type AtomicOutcome = 'written' | 'duplicate' | 'race';

/**
 * Writes a turn in one statement, outside any transaction: the conversation (only if its version is
 * still the one the turn read, and only if this event was never recorded), its answer and the
 * event's receipt, the last two only if the conversation was written. A statement is atomic, so a
 * crash leaves all of it or none; a lost race or a redelivery writes nothing at all.
 */
export async function writeTurnAtomic(db: Kysely<Database>, w: TurnWrites): Promise<AtomicOutcome> {
  const only = w.writes.at(-1);
  const { turn } = w.inbound;
  const receipt = JSON.stringify(w.inbound.result);
  if (!only) return (await claimInboundEvent(db, turn, w.memberId, w.inbound.result)) ? 'written' : 'duplicate';
  const ended = only.status === 'active' || only.status === 'paused' ? null : w.now;
  const fresh = sql`not exists (select 1 from inbound_events where platform = ${turn.platform} and workspace_id = ${turn.workspaceId} and event_id = ${turn.eventId})`;
  const conv =
    only.id === w.current?.id
      ? sql`update conversations
          set status = ${only.status}, step = ${only.step}, seq = ${only.seq}, state = ${stateJson(only)}::jsonb,
              updated_at = ${w.now}, ended_at = ${ended}, version = version + 1
          where id = ${only.id} and version = ${w.current.version} and ${fresh}
          returning id`
      : sql`insert into conversations (id, member_id, flow, status, step, seq, state, version, created_at, updated_at, ended_at)
          select ${only.id}, ${w.memberId}, ${only.flow}, ${only.status}, ${only.step}, ${only.seq}, ${stateJson(only)}::jsonb,
                 0, ${w.now}, ${w.now}, ${ended}
          where ${fresh}
          returning id`;
  const a = w.answers[0];
  const answer = a
    ? sql`, ans as (
        insert into answers (conversation_id, step, value, skipped, inbound_id)
        select ${a.conversationId}, ${a.step}, ${answerValue(a)}::jsonb, ${a.skipped}, ${turn.eventId} from conv
        returning id)`
    : sql``;
  const { rows } = await sql<{ written: number; claimed: number }>`
    with conv as (${conv})${answer},
    ev as (
      insert into inbound_events (platform, workspace_id, event_id, member_id, result)
      select ${turn.platform}, ${turn.workspaceId}, ${turn.eventId}, ${w.memberId}, ${receipt}::jsonb from conv
      on conflict do nothing
      returning event_id)
    select (select count(*) from conv)::int as written, (select count(*) from ev)::int as claimed`.execute(db);
  const { written, claimed } = rows[0]!;
  if (written === 1) return claimed === 1 ? 'written' : 'duplicate';
  // Nothing was written: either this event was recorded before, or another turn moved on first.
  return (await inboundExists(db, turn)) ? 'duplicate' : 'race';
}

/**
 * The general case, inside the caller's transaction: every conversation the turn touched (the open
 * one only at the version the turn read), its answers, and the receipt. Returns false for a
 * redelivery; the caller rolls back.
 */
export async function writeTurnInTransaction(trx: Transaction<Database>, w: TurnWrites): Promise<boolean> {
  await saveConversations(trx, w.memberId, w.writes, w.current, w.now);
  await recordAnswers(trx, w.answers, w.inbound.turn.eventId);
  return claimInboundEvent(trx, w.inbound.turn, w.memberId, w.inbound.result);
}
