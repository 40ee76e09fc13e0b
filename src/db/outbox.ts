import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Reply } from '../engine/types.js';
import type { Database, OutboxRow } from './types.js';

/**
 * Messages the bot sends on its own (community prompts, check-ins) go through this table: written in
 * the transaction that decided to send them, delivered by whichever replica claims them, retried with
 * backoff, and recorded as sent or failed. Our own small queue rather than pg-boss: the tests drive it
 * with a controlled clock, the sender needs the dedupe key to recognise a message it may already have
 * sent before a crash, and a permanent failure is a row a person can read in `/debrief admin status`.
 */

export interface OutboundMessage {
  id: string;
  dedupeKey: string;
  platform: string;
  workspaceId: string;
  target: { kind: 'channel' | 'dm'; id: string };
  replies: Reply[];
  /** Attempts so far, this one included. */
  attempt: number;
  /** A previous attempt's lease ran out mid-send: it may have reached the platform. Check before sending. */
  uncertain: boolean;
  /** When the first attempt began: nothing of this message can be on the platform from before. */
  firstAttemptAt: Date;
  /** The platform's id of each part already posted (by part number), as recorded when it answered. */
  sentParts: Readonly<Record<string, string>>;
  /** Records a part's platform id the moment the platform answers, so no later attempt posts it again. */
  onPartSent?: (part: number, externalId: string) => Promise<void>;
}

export type DeliveryResult =
  | { status: 'sent'; externalId?: string }
  /** Worth another go later: a 429 (with the platform's wait), a 5xx, a network error. */
  | { status: 'retry'; reason: string; afterMs?: number }
  /** Will never work: channel gone, DMs closed, bot removed. Recorded, not retried. */
  | { status: 'failed'; reason: string };

/** Implemented by each platform adapter that can post on its own. */
export interface Deliverer {
  platform: string;
  deliver(message: OutboundMessage): Promise<DeliveryResult>;
}

export interface Enqueue {
  dedupeKey: string;
  platform: string;
  workspaceId: string;
  target: { kind: 'channel' | 'dm'; id: string };
  replies: Reply[];
  notBefore: Date;
  memberId?: string;
  scheduleId?: string;
}

type Db = Kysely<Database> | Transaction<Database>;

const outboxRow = (m: Enqueue, now: Date) => ({
  id: randomUUID(),
  dedupe_key: m.dedupeKey,
  platform: m.platform,
  workspace_id: m.workspaceId,
  target_kind: m.target.kind,
  target_id: m.target.id,
  member_id: m.memberId ?? null,
  schedule_id: m.scheduleId ?? null,
  payload: JSON.stringify({ replies: m.replies }),
  status: 'pending' as const,
  not_before: m.notBefore,
  created_at: now,
});

/** Returns false when a message with this dedupe key was already queued. */
export async function enqueue(db: Db, m: Enqueue, now: Date): Promise<boolean> {
  return (await enqueueMany(db, [m], now)) === 1;
}

/** Queues several messages in one statement; returns how many were new. */
export async function enqueueMany(db: Db, messages: Enqueue[], now: Date): Promise<number> {
  if (messages.length === 0) return 0;
  const rows = await db
    .insertInto('outbox')
    .values(messages.map((m) => outboxRow(m, now)))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

export const MAX_ATTEMPTS = 8;

/** 30 s, 1 min, 2 min ... capped at an hour, with jitter so replicas don't retry in step. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * Claims up to `limit` due messages for this worker: pending ones whose time has come, and ones whose
 * sender's lease ran out (it crashed or stalled). SKIP LOCKED gives each replica a disjoint batch.
 */
export async function claimBatch(
  db: Kysely<Database>,
  opts: { workerId: string; now: Date; limit: number; leaseMs: number; platforms: string[] },
): Promise<OutboundMessage[]> {
  if (opts.platforms.length === 0) return [];
  const rows = await sql<OutboxRow & { prev_status: string }>`
    with due as (
      select id, status as prev_status from outbox
      where platform in (${sql.join(opts.platforms)})
        and ((status = 'pending' and not_before <= ${opts.now})
          or (status = 'sending' and lease_until < ${opts.now}))
      order by not_before
      limit ${opts.limit}
      for update skip locked
    )
    update outbox o
    set status = 'sending', locked_by = ${opts.workerId}, attempts = o.attempts + 1,
        lease_until = ${new Date(opts.now.getTime() + opts.leaseMs)},
        first_attempt_at = coalesce(o.first_attempt_at, ${opts.now})
    from due where o.id = due.id
    returning o.*, due.prev_status`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    dedupeKey: r.dedupe_key,
    platform: r.platform,
    workspaceId: r.workspace_id,
    target: { kind: r.target_kind, id: r.target_id },
    replies: r.payload.replies,
    attempt: r.attempts,
    uncertain: r.prev_status === 'sending',
    firstAttemptAt: new Date(r.first_attempt_at ?? opts.now),
    sentParts: r.sent_parts ?? {},
  }));
}

/** Records one posted part's platform id; only while this worker holds the message. */
export async function recordPartSent(db: Kysely<Database>, messageId: string, workerId: string, part: number, externalId: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_parts: sql`sent_parts || jsonb_build_object(${String(part)}::text, ${externalId}::text)` })
    .where('id', '=', messageId)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'sending')
    .execute();
}

/** Records several deliveries as sent, in one statement; only for messages this worker still holds. */
export async function settleSent(
  db: Kysely<Database>,
  sent: { message: OutboundMessage; externalId?: string | undefined }[],
  opts: { workerId: string; now: Date },
): Promise<void> {
  if (sent.length === 0) return;
  const rows = JSON.stringify(sent.map((s) => ({ id: s.message.id, ext: s.externalId ?? null })));
  await sql`
    update outbox o
    set status = 'sent', sent_at = ${opts.now}, external_id = v.ext, lease_until = null, last_error = null
    from jsonb_to_recordset(${rows}::jsonb) as v(id uuid, ext text)
    where o.id = v.id and o.locked_by = ${opts.workerId} and o.status = 'sending'`.execute(db);
}

/** Records a delivery outcome; only the worker holding the lease may (a late one changes nothing). */
export async function settle(
  db: Kysely<Database>,
  m: OutboundMessage,
  result: DeliveryResult,
  opts: { workerId: string; now: Date },
): Promise<'sent' | 'retry' | 'failed'> {
  const mine = db.updateTable('outbox').where('id', '=', m.id).where('locked_by', '=', opts.workerId).where('status', '=', 'sending');
  if (result.status === 'sent') {
    await mine
      .set({ status: 'sent', sent_at: opts.now, external_id: result.externalId ?? null, lease_until: null, last_error: null })
      .execute();
    return 'sent';
  }
  if (result.status === 'failed' || (m.attempt >= MAX_ATTEMPTS && result.afterMs === undefined)) {
    const reason = result.status === 'failed' ? result.reason : `gave up after ${m.attempt} attempts: ${result.reason}`;
    await mine.set({ status: 'failed', last_error: reason.slice(0, 200), lease_until: null }).execute();
    return 'failed';
  }
  // A rate limit says exactly when to come back, and is no fault of the message: it does not count as
  // an attempt. Anything else backs off exponentially.
  const limited = result.afterMs !== undefined;
  const wait = limited ? result.afterMs! : backoffMs(m.attempt);
  await mine
    .set({
      status: 'pending',
      not_before: new Date(opts.now.getTime() + wait),
      last_error: result.reason.slice(0, 200),
      lease_until: null,
      ...(limited ? { attempts: sql`greatest(attempts - 1, 0)` } : {}),
    })
    .execute();
  return 'retry';
}

/**
 * Puts a claimed but unsent message back until `notBefore` (a platform asked us to wait), without
 * counting an attempt. One whose earlier attempt may have reached the platform stays marked so (its
 * lease simply ends then), so the next sender still checks before sending.
 */
export async function release(db: Kysely<Database>, m: OutboundMessage, workerId: string, notBefore: Date): Promise<void> {
  await releaseMany(db, [m], workerId, notBefore);
}

/** `release` for several messages at once: a rate limit sends a whole claimed batch back. */
export async function releaseMany(db: Kysely<Database>, messages: OutboundMessage[], workerId: string, notBefore: Date): Promise<void> {
  const sure = messages.filter((m) => !m.uncertain).map((m) => m.id);
  const unsure = messages.filter((m) => m.uncertain).map((m) => m.id);
  const mine = (ids: string[]) =>
    db.updateTable('outbox').where('id', 'in', ids).where('locked_by', '=', workerId).where('status', '=', 'sending');
  if (sure.length > 0)
    await mine(sure)
      .set({ status: 'pending', not_before: notBefore, lease_until: null, attempts: sql`greatest(attempts - 1, 0)` })
      .execute();
  if (unsure.length > 0) await mine(unsure).set({ lease_until: notBefore }).execute();
}
