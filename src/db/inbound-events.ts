import type { Kysely, Transaction } from 'kysely';
import type { InboundTurn, StoredReceipt } from '../engine/types.js';
import { prepare, type Param } from './prepared.js';
import type { Database } from './types.js';

type ReceiptKey = Pick<InboundTurn, 'platform' | 'workspaceId' | 'eventId'>;
type ClaimParams = ReceiptKey & { memberId: string | null; result: string };

const claimQuery = prepare('claim_inbound_event', (db, $: Param<ClaimParams>) =>
  db
    .insertInto('inbound_events')
    .values({ platform: $('platform'), workspace_id: $('workspaceId'), event_id: $('eventId'), member_id: $('memberId'), result: $('result') })
    .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'event_id']).doNothing())
    .returning('event_id'),
);

/** The receipt row of this event, if it was handled before. */
function receiptOf(db: Kysely<Database> | Transaction<Database>, $: Param<ReceiptKey>) {
  return db
    .selectFrom('inbound_events')
    .where('platform', '=', $('platform'))
    .where('workspace_id', '=', $('workspaceId'))
    .where('event_id', '=', $('eventId'));
}
const storedQuery = prepare('stored_result', (db, $: Param<ReceiptKey>) => receiptOf(db, $).select('result'));
const existsQuery = prepare('inbound_exists', (db, $: Param<ReceiptKey>) => receiptOf(db, $).select('event_id'));

/**
 * Records that an inbound event was handled, with its result. Returns false when the event id was
 * already recorded: the caller rolls back and answers with the stored result instead.
 */
export async function claimInboundEvent(
  trx: Kysely<Database> | Transaction<Database>,
  turn: InboundTurn,
  memberId: string | null,
  result: StoredReceipt,
): Promise<boolean> {
  const row = await claimQuery.takeFirst(trx, { platform: turn.platform, workspaceId: turn.workspaceId, eventId: turn.eventId, memberId, result: JSON.stringify(result) });
  return row !== undefined;
}

export function inboundRow(turn: InboundTurn, memberId: string | null, result: StoredReceipt) {
  return {
    platform: turn.platform,
    workspace_id: turn.workspaceId,
    event_id: turn.eventId,
    member_id: memberId,
    result: JSON.stringify(result),
  };
}

export async function storedResult(
  db: Kysely<Database>,
  turn: ReceiptKey,
): Promise<StoredReceipt | undefined> {
  return (await storedQuery.takeFirst(db, { platform: turn.platform, workspaceId: turn.workspaceId, eventId: turn.eventId }))?.result;
}

export async function inboundExists(db: Kysely<Database> | Transaction<Database>, turn: ReceiptKey): Promise<boolean> {
  return (await existsQuery.takeFirst(db, { platform: turn.platform, workspaceId: turn.workspaceId, eventId: turn.eventId })) !== undefined;
}

/** The member's latest receipt: what they were last told (a command's question, say). */
export async function latestReceipt(db: Kysely<Database>, memberId: string): Promise<StoredReceipt | undefined> {
  return (
    await db
      .selectFrom('inbound_events')
      .select('result')
      .where('member_id', '=', memberId)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()
  )?.result;
}
