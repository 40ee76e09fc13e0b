import type { Kysely, Transaction } from 'kysely';
import type { InboundTurn, StoredReceipt } from '../engine/types.js';
import type { Database } from './types.js';

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
  const row = await trx
    .insertInto('inbound_events')
    .values(inboundRow(turn, memberId, result))
    .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
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

/** The receipt row of this event, if it was handled before. */
function receiptOf(db: Kysely<Database> | Transaction<Database>, turn: Pick<InboundTurn, 'platform' | 'workspaceId' | 'eventId'>) {
  return db
    .selectFrom('inbound_events')
    .where('platform', '=', turn.platform)
    .where('workspace_id', '=', turn.workspaceId)
    .where('event_id', '=', turn.eventId);
}

export async function storedResult(
  db: Kysely<Database>,
  turn: Pick<InboundTurn, 'platform' | 'workspaceId' | 'eventId'>,
): Promise<StoredReceipt | undefined> {
  return (await receiptOf(db, turn).select('result').executeTakeFirst())?.result;
}

export async function inboundExists(db: Kysely<Database> | Transaction<Database>, turn: InboundTurn): Promise<boolean> {
  return (await receiptOf(db, turn).select('event_id').executeTakeFirst()) !== undefined;
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
