import { sql, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { Actor, ConversationState, ConversationStatus, InboundTurn, RecordedAnswer, StoredReceipt } from '../engine/types.js';
import type { Undelivered } from './deliveries.js';
import { claimInboundEvent, inboundExists } from './inbound-events.js';
import { prepare, type Param } from './prepared.js';
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
  const key = { platform: actor.platform, workspaceId: actor.workspaceId, userId: actor.userId };
  for (let attempt = 0; attempt < 2; attempt++) {
    const row: MemberRow | undefined =
      lostAfterMs === undefined
        ? await memberQuery.takeFirst(trx, key)
        : await memberWithLostQuery.takeFirst(trx, { ...key, lostAfterSeconds: lostAfterMs / 1000 });
    if (row) {
      // The platform's profile zone wins when given; otherwise keep what we know.
      if (timeZone && timeZone !== row.member_time_zone)
        await trx.updateTable('members').set({ time_zone: timeZone }).where('id', '=', row.member_id).execute();
      const conversation = row.id
        ? toState({ ...(row as unknown as ConversationRow), id: row.id, member_id: row.member_id, ended_at: null })
        : null;
      const lost = row.lost ? { ...key, eventId: row.lost.event_id, receipt: row.lost.result } : undefined;
      return { memberId: row.member_id, conversation, version: row.version ?? 0, ...(lost ? { lost } : {}) };
    }
    // First turn of this person. Two first turns at once: one inserts, the other finds it next loop.
    await insertMemberQuery.execute(trx, { ...key, id: newId, timeZone: timeZone ?? null });
  }
  throw new Error('member row vanished while reading it');
}

type MemberKey = Pick<Actor, 'platform' | 'workspaceId' | 'userId'>;

/** The member and their open conversation, if any. */
function memberRead(db: Kysely<Database>, $: Param<MemberKey>) {
  return db
    .selectFrom('members as m')
    // The statuses are literals, not parameters: a prepared statement's generic plan must see them to
    // use the partial index of open conversations.
    .leftJoin('conversations as c', (j) => j.onRef('c.member_id', '=', 'm.id').on('c.status', 'in', [sql.lit<ConversationStatus>('active'), sql.lit<ConversationStatus>('paused')]))
    .select(['m.id as member_id', 'm.time_zone as member_time_zone'])
    .select(['c.id', 'c.flow', 'c.status', 'c.step', 'c.state', 'c.seq', 'c.version', 'c.created_at', 'c.updated_at'])
    .where('m.platform', '=', $('platform'))
    .where('m.workspace_id', '=', $('workspaceId'))
    .where('m.user_id', '=', $('userId'));
}

type LostColumn = Pick<NonNullable<Awaited<ReturnType<typeof memberWithLostQuery.takeFirst>>>, 'lost'>;
type MemberRow = NonNullable<Awaited<ReturnType<typeof memberQuery.takeFirst>>> & Partial<LostColumn>;
const memberQuery = prepare('load_member', (db, $: Param<MemberKey>) => memberRead(db, $));

// With the oldest receipt of this member whose replies were never marked delivered, once it is older
// than a delivery takes: the person has not seen that question (an index probe, nearly always empty).
const memberWithLostQuery = prepare('load_member_lost', (db, $: Param<MemberKey & { lostAfterSeconds: number }>) =>
  memberRead(db, $).select((eb) =>
    jsonObjectFrom(
      eb
        .selectFrom('inbound_events as e')
        .select(['e.event_id', 'e.result'])
        .whereRef('e.member_id', '=', 'm.id')
        .where('e.delivered_at', 'is', null)
        .where('e.created_at', '<', sql<Date>`now() - make_interval(secs => ${$('lostAfterSeconds')})`)
        .orderBy('e.created_at')
        .limit(sql.lit(1)),
    ).as('lost'),
  ),
);

const insertMemberQuery = prepare('insert_member', (db, $: Param<MemberKey & { id: string; timeZone: string | null }>) =>
  db
    .insertInto('members')
    .values({ id: $('id'), platform: $('platform'), workspace_id: $('workspaceId'), user_id: $('userId'), time_zone: $('timeZone') })
    .onConflict((oc) => oc.constraint('members_platform_user_unique').doNothing()),
);

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
 * Whether the turn's writes fit one statement: at most one conversation touched, the open one (with
 * its answers) or a new one when none was open (with none). That is nearly every turn; the rest (a
 * restart closing one conversation and opening another, a completion writing its debrief) use a
 * transaction.
 */
export function fitsOneStatement(w: Omit<TurnWrites, 'inbound' | 'now'>): boolean {
  const only = w.writes[0];
  if (!only) return w.answers.length === 0;
  if (w.writes.some((s) => s.id !== only.id)) return false;
  return only.id === w.current?.id ? w.answers.every((a) => a.conversationId === only.id) : w.current === undefined && w.answers.length === 0;
}

export type AtomicOutcome = 'written' | 'duplicate' | 'race';

/**
 * Writes a turn in one statement (outside any transaction, or in the caller's): the conversation (only if its version is
 * still the one the turn read, and only if this event was never recorded), its answer and the
 * event's receipt, the last two only if the conversation was written. A statement is atomic, so a
 * crash leaves all of it or none; a lost race or a redelivery writes nothing at all.
 */
export async function writeTurnAtomic(db: Db, w: TurnWrites): Promise<AtomicOutcome> {
  const only = w.writes.at(-1);
  const { turn } = w.inbound;
  if (!only) return (await claimInboundEvent(db, turn, w.memberId, w.inbound.result)) ? 'written' : 'duplicate';
  const params: TurnParams = {
    platform: turn.platform,
    workspaceId: turn.workspaceId,
    eventId: turn.eventId,
    memberId: w.memberId,
    receipt: JSON.stringify(w.inbound.result),
    id: only.id,
    version: w.current?.version ?? 0,
    flow: only.flow,
    status: only.status,
    step: only.step,
    seq: only.seq,
    state: stateJson(only),
    now: w.now,
    ended: only.status === 'active' || only.status === 'paused' ? null : w.now,
    answers: JSON.stringify(w.answers.map((a) => ({ step: a.step, value: a.value ?? null, skipped: a.skipped }))),
  };
  const query = only.id === w.current?.id ? updateTurnQuery : insertTurnQuery;
  const { written, claimed } = (await query.takeFirst(db, params))!;
  if (written) return claimed ? 'written' : 'duplicate';
  // Nothing was written: either this event was recorded before, or another turn moved on first.
  return (await inboundExists(db, turn)) ? 'duplicate' : 'race';
}

interface TurnParams {
  platform: string;
  workspaceId: string;
  eventId: string;
  memberId: string;
  receipt: string;
  /** The conversation, and for an update the version the turn read. */
  id: string;
  version: number;
  flow: string;
  status: ConversationState['status'];
  step: string;
  seq: number;
  state: string;
  now: Date;
  ended: Date | null;
  /** The turn's answers, of this conversation: a JSON array of {step, value, skipped}. */
  answers: string;
}

/**
 * The one statement of a turn, in its two shapes: the open conversation updated, or a new one
 * inserted. It writes the conversation only when this event has no receipt yet (and an update only at
 * the version read); the answers and the receipt only when the conversation was written.
 */
function turnWrite(conversation: 'update' | 'insert') {
  return prepare(`write_turn_${conversation}`, (db, $: Param<TurnParams>) => {
    const fresh = (eb: ExpressionBuilder<Database, keyof Database>) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('inbound_events as r')
            .select('r.event_id')
            .where('r.platform', '=', $('platform'))
            .where('r.workspace_id', '=', $('workspaceId'))
            .where('r.event_id', '=', $('eventId')),
        ),
      );
    const answers = sql<{ step: string; value: unknown; skipped: boolean }>`jsonb_to_recordset(${$('answers')}::jsonb)`.as<'a'>(
      sql`a(step text, value jsonb, skipped boolean)`,
    );
    return db
      .with('conv', (qc) =>
        conversation === 'update'
          ? qc
              .updateTable('conversations')
              .set((eb) => ({
                status: $('status'),
                step: $('step'),
                seq: $('seq'),
                state: $('state'),
                updated_at: $('now'),
                ended_at: $('ended'),
                version: eb('version', '+', 1),
              }))
              .where('id', '=', $('id'))
              .where('version', '=', $('version'))
              .where(fresh)
              .returning('id')
          : qc
              .insertInto('conversations')
              .columns(['id', 'member_id', 'flow', 'status', 'step', 'seq', 'state', 'version', 'created_at', 'updated_at', 'ended_at'])
              .expression(
                qc
                  .selectNoFrom((eb) => [
                    eb.val($('id')).as('id'),
                    eb.val($('memberId')).as('member_id'),
                    eb.val($('flow')).as('flow'),
                    eb.val($('status')).as('status'),
                    eb.val($('step')).as('step'),
                    eb.val($('seq')).as('seq'),
                    eb.cast(eb.val($('state')), 'jsonb').as('state'),
                    eb.lit(0).as('version'),
                    eb.val($('now')).as('created_at'),
                    eb.val($('now')).as('updated_at'),
                    eb.val($('ended')).as('ended_at'),
                  ])
                  .where(fresh),
              )
              .returning('id'),
      )
      .with('ans', (qc) =>
        qc
          .insertInto('answers')
          .columns(['conversation_id', 'step', 'value', 'skipped', 'inbound_id'])
          .expression(qc.selectFrom(['conv', answers]).select((eb) => ['conv.id', 'a.step', 'a.value', 'a.skipped', eb.val($('eventId')).as('inbound_id')]))
          .returning('id'),
      )
      .with('ev', (qc) =>
        qc
          .insertInto('inbound_events')
          .columns(['platform', 'workspace_id', 'event_id', 'member_id', 'result'])
          .expression(
            qc
              .selectFrom('conv')
              .select((eb) => [
                eb.val($('platform')).as('platform'),
                eb.val($('workspaceId')).as('workspace_id'),
                eb.val($('eventId')).as('event_id'),
                eb.val($('memberId')).as('member_id'),
                eb.cast(eb.val($('receipt')), 'jsonb').as('result'),
              ]),
          )
          .onConflict((oc) => oc.doNothing())
          .returning('event_id'),
      )
      .selectNoFrom((eb) => [eb.exists(eb.selectFrom('conv').select('id')).as('written'), eb.exists(eb.selectFrom('ev').select('event_id')).as('claimed')]);
  });
}

const updateTurnQuery = turnWrite('update');
const insertTurnQuery = turnWrite('insert');

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
