import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import { MAX_ATTEMPTS, backoffMs, claimBatch, recordPartSent, release, releaseMany, settle, settleSent, type Deliverer, type OutboundMessage } from '../db/outbox.js';

export interface DrainOptions {
  db: Kysely<Database>;
  deliverers: ReadonlyMap<string, Deliverer>;
  workerId: string;
  now: () => Date;
  logger: Logger;
  batch?: number;
  leaseMs?: number;
  /** Platforms that asked us to wait, until when; kept by the caller across passes so that a rate
   *  limit stops the claiming too, not only the sending. */
  pauses?: Map<string, Date>;
}

export interface DrainCounts {
  sent: number;
  retry: number;
  failed: number;
}

/** Messages sent at once; their successes are recorded together, in one statement. */
const CHUNK = 20;

/**
 * One pass over the outbox: claim a batch, deliver it a chunk at a time (the messages of a chunk in
 * parallel, as their platforms' clients allow), record the outcomes. When a platform says "slow
 * down" (a retry with a wait), the rest of that platform's batch goes back untouched until then, so a
 * rate limit delays messages rather than burning their attempts.
 */
export async function drainOnce(opts: DrainOptions): Promise<DrainCounts> {
  const counts: DrainCounts = { sent: 0, retry: 0, failed: 0 };
  const pausedUntil = opts.pauses ?? new Map<string, Date>();
  const ready = [...opts.deliverers.keys()].filter((p) => (pausedUntil.get(p)?.getTime() ?? 0) <= opts.now().getTime());
  const claimed = await claimBatch(opts.db, {
    workerId: opts.workerId,
    now: opts.now(),
    limit: opts.batch ?? 50,
    leaseMs: opts.leaseMs ?? 120_000,
    platforms: ready,
  });
  const at = () => ({ workerId: opts.workerId, now: opts.now() });
  for (let i = 0; i < claimed.length; i += CHUNK) {
    const chunk: OutboundMessage[] = [];
    const back: OutboundMessage[] = [];
    for (const message of claimed.slice(i, i + CHUNK)) {
      const paused = pausedUntil.get(message.platform);
      (paused && paused > opts.now() ? back : chunk).push(message);
    }
    for (const [platform, until] of pausedUntil)
      await releaseMany(opts.db, back.filter((m) => m.platform === platform), opts.workerId, until);
    const started = performance.now();
    const outcomes = await Promise.all(
      chunk.map(async (message) => {
        try {
          const onPartSent = (part: number, externalId: string) => recordPartSent(opts.db, message.id, opts.workerId, part, externalId);
          return { message, result: await opts.deliverers.get(message.platform)!.deliver({ ...message, onPartSent }) };
        } catch (err) {
          return { message, thrown: err as Error };
        }
      }),
    );
    const sent = outcomes.flatMap((o) => (o.result?.status === 'sent' ? [{ message: o.message, externalId: o.result.externalId }] : []));
    await settleSent(opts.db, sent, at());
    counts.sent += sent.length;
    for (const o of outcomes) {
      const { message } = o;
      if (o.thrown) {
        // A throw (a timeout, a dropped connection) leaves it unknown whether the platform got the
        // message, so it is retried as uncertain: the sender checks before posting again.
        if (message.attempt >= MAX_ATTEMPTS) {
          await settle(opts.db, message, { status: 'failed', reason: `gave up after ${message.attempt} attempts` }, at());
          counts.failed++;
        } else {
          await release(opts.db, { ...message, uncertain: true }, opts.workerId, new Date(opts.now().getTime() + backoffMs(message.attempt)));
          counts.retry++;
          opts.logger.warn({ outbox: message.id, platform: message.platform, attempt: message.attempt, err: o.thrown.name }, 'outbox delivery outcome unknown');
        }
        continue;
      }
      const result = o.result!;
      if (result.status === 'sent') continue;
      counts[await settle(opts.db, message, result, at())]++;
      if (result.status === 'retry' && result.afterMs) {
        const until = new Date(opts.now().getTime() + result.afterMs);
        if ((pausedUntil.get(message.platform) ?? new Date(0)) < until) pausedUntil.set(message.platform, until);
      }
    }
    if (chunk.length > 0)
      opts.logger.info(
        { platform: chunk[0]!.platform, messages: chunk.length, sent: sent.length, ms: Math.round(performance.now() - started) },
        'outbox deliveries',
      );
  }
  return counts;
}

/** Drains until nothing is due (or `maxRounds`), for catch-up and tests. */
export async function drainAll(opts: DrainOptions, maxRounds = 1000): Promise<DrainCounts> {
  const total: DrainCounts = { sent: 0, retry: 0, failed: 0 };
  for (let round = 0; round < maxRounds; round++) {
    const c = await drainOnce(opts);
    total.sent += c.sent;
    total.retry += c.retry;
    total.failed += c.failed;
    if (c.sent + c.retry + c.failed === 0) break;
  }
  return total;
}
