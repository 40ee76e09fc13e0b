import { sql, type Kysely } from 'kysely';
import type { Actor, InboundTurn, StoredReceipt } from '../engine/types.js';
import { inboundRow } from './inbound-events.js';
import type { Database } from './types.js';

/** A turn's receipt, by the event it answered. */
export type ReceiptKey = Pick<InboundTurn, 'platform' | 'workspaceId' | 'eventId'>;

/** A receipt whose replies may never have reached the person. */
export interface Undelivered extends ReceiptKey {
  /** The person to deliver to; null when the member is gone (the receipt of `forget`). */
  userId: string | null;
  receipt: StoredReceipt;
}

/** Marks turns' replies as posted. Called after the post, a batch at a time. */
export async function markDelivered(db: Kysely<Database>, keys: readonly ReceiptKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('inbound_events')
    .set({ delivered_at: sql`now()`, delivery_lease_until: null })
    .where((eb) =>
      eb.or(
        keys.map((k) => eb.and([eb('platform', '=', k.platform), eb('workspace_id', '=', k.workspaceId), eb('event_id', '=', k.eventId)])),
      ),
    )
    .where('delivered_at', 'is', null)
    .execute();
}

function toUndelivered(r: { platform: string; workspace_id: string; event_id: string; result: StoredReceipt; user_id: string | null }): Undelivered {
  return { platform: r.platform, workspaceId: r.workspace_id, eventId: r.event_id, userId: r.user_id, receipt: r.result };
}

/**
 * Claims, for `leaseMs`, receipts of these platforms committed more than `graceMs` ago and never
 * marked delivered: their process died between the commit and the post. SKIP LOCKED and the lease
 * give each one to one replica; a replica that dies while resending lets the lease run out.
 */
export async function claimUndelivered(
  db: Kysely<Database>,
  opts: { platforms: readonly string[]; graceMs: number; leaseMs: number; maxAgeMs: number; limit: number },
): Promise<Undelivered[]> {
  if (opts.platforms.length === 0) return [];
  const { rows } = await sql<UndeliveredRow>`
    with due as (
      select platform, workspace_id, event_id from inbound_events
      where delivered_at is null and platform in (${sql.join([...opts.platforms])})
        and created_at < now() - make_interval(secs => ${opts.graceMs / 1000})
        and created_at > now() - make_interval(secs => ${opts.maxAgeMs / 1000})
        and (delivery_lease_until is null or delivery_lease_until < now())
      order by created_at
      limit ${opts.limit}
      for update skip locked)
    update inbound_events e set delivery_lease_until = now() + make_interval(secs => ${opts.leaseMs / 1000})
    from due
    where e.platform = due.platform and e.workspace_id = due.workspace_id and e.event_id = due.event_id
    returning e.platform, e.workspace_id, e.event_id, e.result, e.created_at,
      (select m.user_id from members m where m.id = e.member_id) as user_id`.execute(db);
  return rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map(toUndelivered);
}

/** A person's receipts never marked delivered, oldest first: the terminal shows them at start. */
export async function undeliveredOf(db: Kysely<Database>, actor: Actor): Promise<Undelivered[]> {
  const rows = await db
    .selectFrom('inbound_events as e')
    .innerJoin('members as m', 'm.id', 'e.member_id')
    .select(['e.platform', 'e.workspace_id', 'e.event_id', 'e.result', 'e.created_at', 'm.user_id'])
    .where('m.platform', '=', actor.platform)
    .where('m.workspace_id', '=', actor.workspaceId)
    .where('m.user_id', '=', actor.userId)
    .where('e.delivered_at', 'is', null)
    .orderBy('e.created_at')
    .execute();
  return rows.map(toUndelivered);
}

/**
 * The next turn of a person whose earlier replies were lost (`lost`): that earlier receipt is taken
 * over for delivery, unless a replica is delivering it already, and this event gets a receipt that
 * shows the same replies (or none, when another replica has them). Nothing of the turn is applied.
 */
export async function takeOverLost(
  db: Kysely<Database>,
  turn: InboundTurn,
  memberId: string,
  lost: Undelivered,
  leaseMs: number,
): Promise<'mine' | 'elsewhere' | 'duplicate'> {
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('inbound_events')
      .set({ delivery_lease_until: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
      .where('platform', '=', lost.platform)
      .where('workspace_id', '=', lost.workspaceId)
      .where('event_id', '=', lost.eventId)
      .where('delivered_at', 'is', null)
      .where((eb) => eb.or([eb('delivery_lease_until', 'is', null), eb('delivery_lease_until', '<', sql<Date>`now()`)]))
      .returning('event_id')
      .executeTakeFirst();
    const receipt: StoredReceipt = claimed
      ? { ...lost.receipt, deliveryKey: lost.receipt.deliveryKey ?? lost.eventId }
      : { replies: [], conversationId: lost.receipt.conversationId };
    const row = await trx
      .insertInto('inbound_events')
      .values(inboundRow(turn, memberId, receipt))
      .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (!row) throw new LostRace();
    return claimed ? 'mine' : 'elsewhere';
  }).catch((err: unknown) => {
    if (err instanceof LostRace) return 'duplicate' as const;
    throw err;
  });
}

class LostRace extends Error {}

interface UndeliveredRow {
  platform: string;
  workspace_id: string;
  event_id: string;
  result: StoredReceipt;
  created_at: Date;
  user_id: string | null;
}
