import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How long transient rows are kept. Receipts of inbound events hold the replies of a turn, which can
 * quote a person's answers, so they are kept only while a platform may still redeliver the event
 * (Slack retries within the hour, a Discord interaction token lives 15 minutes, a gateway resume
 * replays minutes); after that, a repeat of the event id cannot arrive. Delivered or failed outbox
 * messages and the claims of a member's scheduled DMs are kept a while for `admin status` and for looking into a problem.
 */
export const RETENTION = {
  receiptsMs: 24 * HOUR,
  outboxSettledMs: 90 * DAY,
  checkinRunsMs: 90 * DAY,
  maintenanceRunsMs: 90 * DAY,
} as const;

export const RETENTION_JOB = 'retention';

export interface Trimmed {
  receipts: number;
  outbox: number;
  /** Claimed slots of a member's scheduled DMs: check-ins, and later kinds' rows in `due_runs`. */
  memberClaims: number;
}

/**
 * The daily trim, claimed once per UTC day across replicas: the first to insert the day's
 * maintenance_runs row does the work, in the same transaction, so a failure leaves the day unclaimed
 * for the next tick. Returns undefined when this day was already done (here or on another replica).
 * Schedule and digest runs are kept: the prompt rotation counts them, and they name no one.
 */
export async function trimTransient(db: Kysely<Database>, opts: { now: Date; instanceId: string }): Promise<Trimmed | undefined> {
  const day = new Date(Math.floor(opts.now.getTime() / DAY) * DAY);
  const before = (ms: number) => new Date(opts.now.getTime() - ms);
  const trimmed = await db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('maintenance_runs')
      .values({ job: RETENTION_JOB, slot: day, claimed_by: opts.instanceId, claimed_at: opts.now })
      .onConflict((oc) => oc.doNothing())
      .returning('slot')
      .executeTakeFirst();
    if (!claimed) return undefined;
    const n = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
    const receipts = n(await trx.deleteFrom('inbound_events').where('created_at', '<', before(RETENTION.receiptsMs)).executeTakeFirstOrThrow());
    const outbox = n(
      await trx
        .deleteFrom('outbox')
        .where('status', 'in', ['sent', 'failed'])
        .where(sql<Date>`coalesce(sent_at, created_at)`, '<', before(RETENTION.outboxSettledMs))
        .executeTakeFirstOrThrow(),
    );
    const memberClaims =
      n(await trx.deleteFrom('checkin_runs').where('slot', '<', before(RETENTION.checkinRunsMs)).executeTakeFirstOrThrow()) +
      n(await trx.deleteFrom('due_runs').where('member_id', 'is not', null).where('slot', '<', before(RETENTION.checkinRunsMs)).executeTakeFirstOrThrow());
    await trx.deleteFrom('maintenance_runs').where('slot', '<', before(RETENTION.maintenanceRunsMs)).execute();
    await trx
      .updateTable('maintenance_runs')
      .set({ removed: receipts + outbox + memberClaims })
      .where('job', '=', RETENTION_JOB)
      .where('slot', '=', day)
      .execute();
    return { receipts, outbox, memberClaims };
  });
  // Plain VACUUM (no exclusive lock) makes the space of the deleted rows reusable; the embedded
  // database has no autovacuum to do it.
  if (trimmed) await sql`vacuum inbound_events, outbox, checkin_runs, due_runs`.execute(db);
  return trimmed;
}
