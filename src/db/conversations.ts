import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor, ConversationState, ConversationStatus, RecordedAnswer } from '../engine/types.js';
import type { Undelivered } from './deliveries.js';
import { claimInboundEvent } from './inbound-events.js';
import type { MemberRead, MemberRow } from './member-read.js';
import { prepare, type Param } from './prepared.js';
import type { TurnWrites } from './turn-write.js';
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

/** Reads one person's member row and open conversation (readMembers, alone or in a batch). */
export type ReadMember = (read: MemberRead) => Promise<MemberRow | undefined>;

/**
 * Finds (or creates) the member and reads their open conversation, in one round trip when they are
 * known. Nothing is locked: the turn's write is conditional on the conversation's row `version` (see
 * turn-write.ts), so of two turns of one person racing, the second finds it changed and runs again.
 */
export async function loadMember(
  trx: Db,
  read: ReadMember,
  actor: Actor,
  newId: string,
  timeZone?: string,
  lostAfterMs?: number,
): Promise<MemberAndConversation> {
  const key = { platform: actor.platform, workspaceId: actor.workspaceId, userId: actor.userId };
  for (let attempt = 0; attempt < 2; attempt++) {
    const row = await read({ key, lostAfterMs });
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

const insertMemberQuery = prepare('insert_member', (db, $: Param<Actor & { id: string; timeZone: string | null }>) =>
  db
    .insertInto('members')
    .values({ id: $('id'), platform: $('platform'), workspace_id: $('workspaceId'), user_id: $('userId'), time_zone: $('timeZone') })
    .onConflict((oc) => oc.constraint('members_platform_user_unique').doNothing()),
);

/** Active or paused: the member's one open conversation, which ends when it is neither. */
export const isOpen = (status: ConversationStatus): boolean => status === 'active' || status === 'paused';

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

/** A conversation's `state` column: what the engine keeps between turns. */
export interface StoredState {
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
    const ended = isOpen(s.status) ? null : now;
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
  return isOpen(s.status) ? 1 : 0;
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

export function storedState(s: ConversationState): StoredState {
  return {
    answers: s.answers,
    trail: s.trail,
    misses: s.misses,
    pending: s.pending,
    ...(s.startWanted ? { startWanted: s.startWanted } : {}),
    ...(s.held ? { held: s.held } : {}),
  };
}

const stateJson = (s: ConversationState): string => JSON.stringify(storedState(s));

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
