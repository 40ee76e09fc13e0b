import type { Kysely, Transaction } from 'kysely';
import type { InboundTurn } from '../engine/types.js';
import type { Database } from './types.js';

/**
 * Records that an inbound event was handled, with its result. Returns false when the event id was
 * already recorded: the caller rolls back and answers with the stored result instead.
 */
export async function claimInboundEvent(
  trx: Transaction<Database>,
  turn: InboundTurn,
  memberId: string | null,
  result: Record<string, unknown>,
): Promise<boolean> {
  const row = await trx
    .insertInto('inbound_events')
    .values(inboundRow(turn, memberId, result))
    .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

export function inboundRow(turn: InboundTurn, memberId: string | null, result: Record<string, unknown>) {
  return {
    platform: turn.platform,
    workspace_id: turn.workspaceId,
    event_id: turn.eventId,
    member_id: memberId,
    result: JSON.stringify(result),
  };
}

export async function storedResult(db: Kysely<Database>, turn: InboundTurn): Promise<Record<string, unknown> | undefined> {
  const row = await db
    .selectFrom('inbound_events')
    .select('result')
    .where('platform', '=', turn.platform)
    .where('workspace_id', '=', turn.workspaceId)
    .where('event_id', '=', turn.eventId)
    .executeTakeFirst();
  return row?.result;
}

export async function inboundExists(db: Kysely<Database> | Transaction<Database>, turn: InboundTurn): Promise<boolean> {
  const row = await db
    .selectFrom('inbound_events')
    .select('event_id')
    .where('platform', '=', turn.platform)
    .where('workspace_id', '=', turn.workspaceId)
    .where('event_id', '=', turn.eventId)
    .executeTakeFirst();
  return row !== undefined;
}
