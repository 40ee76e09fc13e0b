import { sql, type Kysely, type Transaction } from 'kysely';
import type { ConversationState, ConversationStatus, InboundTurn, RecordedAnswer, StoredReceipt } from '../engine/types.js';
import { storedState, type StoredState } from './conversations.js';
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
}

const TURN_COLUMNS = sql`r(ord int, platform text, workspace_id text, event_id text, member_id uuid, receipt jsonb, id uuid,
  is_update boolean, version int, flow text, status text, step text, seq int, state jsonb, now timestamptz, ended timestamptz,
  answers jsonb)`;

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
        .returning(['f.ord', 'c.id']),
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
        .select(['upd.ord', 'upd.id'])
        .unionAll(qc.selectFrom('ins').innerJoin('fresh as f', 'f.id', 'ins.id').select(['f.ord', 'ins.id'])),
    )
    .with('ans', (qc) => {
      const a = sql<{ step: string; value: unknown; skipped: boolean }>`jsonb_to_recordset(f.answers)`.as<'a'>(
        sql`a(step text, value jsonb, skipped boolean)`,
      );
      return qc
        .insertInto('answers')
        .columns(['conversation_id', 'step', 'value', 'skipped', 'inbound_id'])
        .expression(
          qc
            .selectFrom(['conv', 'fresh as f', a])
            .whereRef('f.ord', '=', 'conv.ord')
            .select(['conv.id', 'a.step', 'a.value', 'a.skipped', 'f.event_id']),
        )
        .returning('id');
    })
    .with('ev', (qc) =>
      qc
        .insertInto('inbound_events')
        .columns(['platform', 'workspace_id', 'event_id', 'member_id', 'result'])
        .expression(
          qc
            .selectFrom(['conv', 'fresh as f'])
            .whereRef('f.ord', '=', 'conv.ord')
            .select(['f.platform', 'f.workspace_id', 'f.event_id', 'f.member_id', 'f.receipt']),
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

function turnRow(w: TurnWrites, ord: number): TurnRow {
  const only = w.writes.at(-1)!;
  const { turn } = w.inbound;
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
    now: w.now,
    ended: only.status === 'active' || only.status === 'paused' ? null : w.now,
    answers: w.answers.map((a) => ({ step: a.step, value: a.value ?? null, skipped: a.skipped })),
  };
}

/**
 * Writes turns that fit one statement (fitsOneStatement), outside any transaction or in the
 * caller's: each gets its outcome. A turn with no conversation to write only claims its receipt.
 */
export async function writeTurns(db: Db, turns: readonly TurnWrites[]): Promise<AtomicOutcome[]> {
  const out = new Array<AtomicOutcome>(turns.length);
  const rows: TurnRow[] = [];
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
