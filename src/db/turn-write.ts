import { sql, type Kysely, type Transaction } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { ConversationState, ConversationStatus, DebriefRecord, InboundTurn, RecordedAnswer, StoredReceipt } from '../engine/types.js';
import { isOpen, storedState, type StoredState } from './conversations.js';
import { debriefColumns } from './debriefs.js';
import type { FlowRecords } from './flow-records.js';
import { claimInboundEvent } from './inbound-events.js';
import { prepare, type Param } from './prepared.js';
import type { Database } from './types.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface TurnWrites {
  memberId: string;
  /** The open conversation as read at the start of the turn, with its row version. */
  current: { id: string; version: number } | undefined;
  writes: ConversationState[];
  answers: RecordedAnswer[];
  inbound: { turn: InboundTurn; result: StoredReceipt };
  now: Date;
  /** A completed flow's records (a debrief, next steps closed), kept only if the turn is. */
  records?: FlowRecords;
}

/**
 * Whether the turn's writes fit one statement: at most one conversation touched, the open one (with
 * its answers, and a completion's records) or a new one when none was open (with none). That is
 * nearly every turn; the rest (a restart closing one conversation and opening another, a check-in
 * that leads into a debrief) use a transaction.
 */
export function fitsOneStatement(w: Omit<TurnWrites, 'inbound' | 'now'>): boolean {
  const only = w.writes[0];
  if (!only) return w.answers.length === 0;
  if (w.writes.some((s) => s.id !== only.id)) return false;
  return only.id === w.current?.id ? w.answers.every((a) => a.conversationId === only.id) : w.current === undefined && w.answers.length === 0;
}

export type AtomicOutcome = 'written' | 'duplicate' | 'race';

/** One turn's row in the statement: its receipt, its conversation (updated or new) and its answers. */
interface TurnRow {
  ord: number;
  platform: string;
  workspace_id: string;
  event_id: string;
  member_id: string;
  receipt: StoredReceipt;
  id: string;
  /** True: the open conversation, at the version the turn read. False: a new conversation. */
  is_update: boolean;
  version: number;
  flow: string;
  status: ConversationStatus;
  step: string;
  seq: number;
  state: StoredState;
  now: Date;
  ended: Date | null;
  /** The turn's answers, of this conversation. */
  answers: { step: string; value: unknown; skipped: boolean }[];
  /** A completion's debriefs, and the next steps it closes. */
  debriefs: DebriefRow[];
  closed: { id: string; status: 'done' | 'dropped' }[];
}

/**
 * A turn's row as sent, in JSON: its times as the ISO text JSON.stringify would write for the Date,
 * made once rather than through a Date's toJSON for each (a slow builtin, some 10 K instructions).
 */
type TurnJson = Omit<TurnRow, 'now' | 'ended'> & { now: string; ended: string | null };

/** A debrief to keep, with its next step's action item (ids made here, so the item can name it). */
type DebriefRow = ReturnType<typeof debriefColumns> & {
  id: string;
  conversation_id: string;
  next_step_id: string | null;
  next_step_due: string | null;
};

const DEBRIEF_COLUMNS = sql`d(id uuid, conversation_id uuid, company text, role text, stage text, interview_date date, outcome text,
  mood int, strength_tags jsonb, strengths text, growth_tags jsonb, growth_areas text, feedback_status text, feedback_strengths text,
  feedback_weaknesses text, fit text, thanked boolean, contacts text, next_step text, next_step_id uuid, next_step_due date)`;

const TURN_COLUMNS = sql`r(ord int, platform text, workspace_id text, event_id text, member_id uuid, receipt jsonb, id uuid,
  is_update boolean, version int, flow text, status text, step text, seq int, state jsonb, now timestamptz, ended timestamptz,
  answers jsonb, debriefs jsonb, closed jsonb)`;

/**
 * The one statement of a turn, for many turns at once (see batcher.ts). For each turn it writes the
 * conversation only when the event has no receipt yet (and an update only at the version read), and
 * the answers and the receipt only when the conversation was written. A statement is atomic, so a
 * crash leaves all of it or none; a turn that lost a race or was redelivered writes nothing, and the
 * others in the statement are not held back by it.
 */
const writeQuery = prepare('write_turns', (db, $: Param<{ turns: string }>) => {
  // batch_rows (a migration) rather than jsonb_to_recordset: with its guess of 100 rows, Postgres would
  // join the conversations and receipts by scanning them instead of through their indexes.
  const t = sql<TurnRow>`(select r.* from batch_rows(${$('turns')}::jsonb) e, jsonb_to_record(e) as ${TURN_COLUMNS})`.as('t');
  return db
    .with('fresh', (qc) =>
      qc
        .selectFrom(t)
        .selectAll('t')
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('inbound_events as r')
                .select('r.event_id')
                .whereRef('r.platform', '=', 't.platform')
                .whereRef('r.workspace_id', '=', 't.workspace_id')
                .whereRef('r.event_id', '=', 't.event_id'),
            ),
          ),
        ),
    )
    .with('upd', (qc) =>
      qc
        .updateTable('conversations as c')
        .from('fresh as f')
        .set((eb) => ({
          status: eb.ref('f.status'),
          step: eb.ref('f.step'),
          seq: eb.ref('f.seq'),
          // jsonb in, jsonb out: the table's type says string only because the driver is handed JSON text.
          state: eb.ref('f.state').$castTo<string>(),
          updated_at: eb.ref('f.now'),
          ended_at: eb.ref('f.ended'),
          version: eb('c.version', '+', 1),
        }))
        .whereRef('c.id', '=', 'f.id')
        .whereRef('c.version', '=', 'f.version')
        .where('f.is_update', '=', sql.lit(true))
        // What the turn's other writes need, so they read it here rather than look the turn up again.
        .returning(['c.id', 'f.ord', 'f.member_id', 'f.platform', 'f.workspace_id', 'f.event_id', 'f.receipt', 'f.answers', 'f.debriefs', 'f.closed', 'f.now']),
    )
    .with('ins', (qc) =>
      qc
        .insertInto('conversations')
        .columns(['id', 'member_id', 'flow', 'status', 'step', 'seq', 'state', 'version', 'created_at', 'updated_at', 'ended_at'])
        .expression(
          qc
            .selectFrom('fresh as f')
            .select((eb) => ['f.id', 'f.member_id', 'f.flow', 'f.status', 'f.step', 'f.seq', 'f.state', eb.lit(0).as('version'), 'f.now', 'f.now as u', 'f.ended'])
            .where('f.is_update', '=', sql.lit(false)),
        )
        // A second open conversation for the member (another turn opened one first): a lost race,
        // reported as such below rather than failing every turn of the statement.
        .onConflict((oc) => oc.doNothing())
        .returning('id'),
    )
    .with('conv', (qc) =>
      qc
        .selectFrom('upd')
        .select(['upd.id', 'upd.ord', 'upd.member_id', 'upd.platform', 'upd.workspace_id', 'upd.event_id', 'upd.receipt', 'upd.answers', 'upd.debriefs', 'upd.closed', 'upd.now'])
        .unionAll(
          qc
            .selectFrom('ins')
            .innerJoin('fresh as f', 'f.id', 'ins.id')
            .select(['ins.id', 'f.ord', 'f.member_id', 'f.platform', 'f.workspace_id', 'f.event_id', 'f.receipt', 'f.answers', 'f.debriefs', 'f.closed', 'f.now']),
        ),
    )
    .with('ans', (qc) => {
      const a = sql<{ step: string; value: unknown; skipped: boolean }>`jsonb_to_recordset(conv.answers)`.as<'a'>(
        sql`a(step text, value jsonb, skipped boolean)`,
      );
      return qc
        .insertInto('answers')
        .columns(['conversation_id', 'step', 'value', 'skipped', 'inbound_id'])
        .expression(
          qc
            .selectFrom(['conv', a])
            .select(['conv.id', 'a.step', 'a.value', 'a.skipped', 'conv.event_id']),
        )
        .returning('id');
    })
    // A completion's records, only for turns written: the debrief, its next step as an open action
    // item (whose key to the debrief Postgres checks at the statement's end, when both are there), and
    // the next steps a check-in closed (one closed meanwhile, or not theirs, stays as it is).
    .with('deb', (qc) => {
      const d = sql<DebriefRow>`jsonb_to_recordset(conv.debriefs)`.as<'d'>(DEBRIEF_COLUMNS);
      return qc
        .insertInto('debriefs')
        .columns(['id', 'member_id', 'conversation_id', 'company', 'role', 'stage', 'interview_date', 'outcome', 'mood', 'strength_tags', 'strengths',
          'growth_tags', 'growth_areas', 'feedback_status', 'feedback_strengths', 'feedback_weaknesses', 'fit', 'thanked', 'contacts', 'next_step', 'created_at'])
        .expression(
          qc
            .selectFrom(['conv', d])
            .select(['d.id', 'conv.member_id', 'd.conversation_id', 'd.company', 'd.role', 'd.stage', 'd.interview_date', 'd.outcome', 'd.mood', 'd.strength_tags',
              'd.strengths', 'd.growth_tags', 'd.growth_areas', 'd.feedback_status', 'd.feedback_strengths', 'd.feedback_weaknesses', 'd.fit', 'd.thanked',
              'd.contacts', 'd.next_step', 'conv.now']),
        )
        .returning('id');
    })
    .with('item', (qc) => {
      const d = sql<DebriefRow>`jsonb_to_recordset(conv.debriefs)`.as<'d'>(DEBRIEF_COLUMNS);
      return qc
        .insertInto('action_items')
        .columns(['id', 'member_id', 'debrief_id', 'text', 'due_date', 'created_at', 'updated_at'])
        .expression(
          qc
            .selectFrom(['conv', d])
            .where('d.next_step_id', 'is not', null)
            .select(['d.next_step_id', 'conv.member_id', 'd.id', 'd.next_step', 'd.next_step_due', 'conv.now', 'conv.now as updated']),
        )
        .returning('id');
    })
    .with('closed', (qc) => {
      // batch_rows, so that each step is found by its key rather than by scanning every member's steps.
      const cs = sql<{ id: string; status: 'done' | 'dropped' }>`lateral (select r.* from batch_rows(conv.closed) e, jsonb_to_record(e) as r(id uuid, status text))`.as('cs');
      return qc
        .updateTable('action_items as ai')
        .from(['conv', cs])
        .set((eb) => ({ status: eb.ref('cs.status'), updated_at: eb.ref('conv.now') }))
        .whereRef('ai.id', '=', 'cs.id')
        .whereRef('ai.member_id', '=', 'conv.member_id')
        .where('ai.status', '=', sql.lit('open'))
        .returning('ai.id');
    })
    .with('ev', (qc) =>
      qc
        .insertInto('inbound_events')
        .columns(['platform', 'workspace_id', 'event_id', 'member_id', 'result'])
        .expression(
          qc
            .selectFrom('conv')
            .select(['conv.platform', 'conv.workspace_id', 'conv.event_id', 'conv.member_id', 'conv.receipt']),
        )
        .onConflict((oc) => oc.doNothing())
        .returning(['event_id', 'platform', 'workspace_id']),
    )
    .selectFrom(t)
    .select((eb) => [
      't.ord',
      eb.exists(eb.selectFrom('fresh').select('fresh.ord').whereRef('fresh.ord', '=', 't.ord')).as('fresh'),
      eb.exists(eb.selectFrom('conv').select('conv.ord').whereRef('conv.ord', '=', 't.ord')).as('written'),
      eb
        .exists(
          eb
            .selectFrom('ev')
            .select('ev.event_id')
            .whereRef('ev.platform', '=', 't.platform')
            .whereRef('ev.workspace_id', '=', 't.workspace_id')
            .whereRef('ev.event_id', '=', 't.event_id'),
        )
        .as('claimed'),
    ]);
});

function turnRow(w: TurnWrites, ord: number): TurnJson {
  const only = w.writes.at(-1)!;
  const { turn } = w.inbound;
  const now = w.now.toISOString();
  return {
    ord,
    platform: turn.platform,
    workspace_id: turn.workspaceId,
    event_id: turn.eventId,
    member_id: w.memberId,
    receipt: w.inbound.result,
    id: only.id,
    is_update: only.id === w.current?.id,
    version: w.current?.version ?? 0,
    flow: only.flow,
    status: only.status,
    step: only.step,
    seq: only.seq,
    state: storedState(only),
    now,
    ended: isOpen(only.status) ? null : now,
    answers: w.answers.map((a) => ({ step: a.step, value: a.value ?? null, skipped: a.skipped })),
    debriefs: (w.records?.debriefs ?? []).map((d) => debriefRow(w.records!.conversationId, d)),
    closed: w.records?.closedSteps ?? [],
  };
}

function debriefRow(conversationId: string, d: DebriefRecord): DebriefRow {
  return {
    id: randomUUID(),
    conversation_id: conversationId,
    ...debriefColumns(d),
    next_step_id: d.nextStep ? randomUUID() : null,
    next_step_due: d.nextStep?.due ?? null,
  };
}

/**
 * Writes turns that fit one statement (fitsOneStatement), outside any transaction or in the
 * caller's: each gets its outcome. A turn with no conversation to write only claims its receipt.
 */
export async function writeTurns(db: Db, turns: readonly TurnWrites[]): Promise<AtomicOutcome[]> {
  const out = new Array<AtomicOutcome>(turns.length);
  const rows: TurnJson[] = [];
  for (const [i, w] of turns.entries()) {
    if (w.writes.length > 0) rows.push(turnRow(w, i));
    else out[i] = (await claimInboundEvent(db, w.inbound.turn, w.memberId, w.inbound.result)) ? 'written' : 'duplicate';
  }
  if (rows.length === 0) return out;
  for (const r of (await writeQuery.execute(db, { turns: JSON.stringify(rows) })).rows)
    // Nothing written: the event was recorded before (a redelivery), or another turn moved on first.
    out[r.ord] = r.written ? (r.claimed ? 'written' : 'duplicate') : r.fresh ? 'race' : 'duplicate';
  return out;
}
