import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import { MAX_ATTEMPTS, backoffMs, claimBatch, release, settle, type Deliverer, type DeliveryResult } from './outbox.js';

export interface DrainOptions {
  db: Kysely<Database>;
  deliverers: ReadonlyMap<string, Deliverer>;
  workerId: string;
  now: () => Date;
  logger: Logger;
  batch?: number;
  leaseMs?: number;
}

export interface DrainCounts {
  sent: number;
  retry: number;
  failed: number;
}

/**
 * One pass over the outbox: claim a batch, deliver each message, record the outcome. When a platform
 * says "slow down" (a retry with a wait), the rest of that platform's batch goes back untouched until
 * then, so a rate limit delays messages rather than burning their attempts.
 */
export async function drainOnce(opts: DrainOptions): Promise<DrainCounts> {
  const counts: DrainCounts = { sent: 0, retry: 0, failed: 0 };
  const claimed = await claimBatch(opts.db, {
    workerId: opts.workerId,
    now: opts.now(),
    limit: opts.batch ?? 50,
    leaseMs: opts.leaseMs ?? 120_000,
    platforms: [...opts.deliverers.keys()],
  });
  const pausedUntil = new Map<string, Date>();
  for (const message of claimed) {
    const paused = pausedUntil.get(message.platform);
    if (paused) {
      await release(opts.db, message, opts.workerId, paused);
      continue;
    }
    const started = performance.now();
    let result: DeliveryResult;
    try {
      result = await opts.deliverers.get(message.platform)!.deliver(message);
    } catch (err) {
      // A throw (a timeout, a dropped connection) leaves it unknown whether the platform got the
      // message, so it is retried as uncertain: the sender checks before posting again.
      if (message.attempt >= MAX_ATTEMPTS) {
        await settle(opts.db, message, { status: 'failed', reason: `gave up after ${message.attempt} attempts` }, { workerId: opts.workerId, now: opts.now() });
        counts.failed++;
        continue;
      }
      await release(opts.db, { ...message, uncertain: true }, opts.workerId, new Date(opts.now().getTime() + backoffMs(message.attempt)));
      counts.retry++;
      opts.logger.warn({ outbox: message.id, platform: message.platform, attempt: message.attempt, err: (err as Error).name }, 'outbox delivery outcome unknown');
      continue;
    }
    const outcome = await settle(opts.db, message, result, { workerId: opts.workerId, now: opts.now() });
    counts[outcome]++;
    opts.logger.info(
      { outbox: message.id, platform: message.platform, attempt: message.attempt, outcome, ms: Math.round(performance.now() - started) },
      'outbox delivery',
    );
    if (result.status === 'retry' && result.afterMs)
      pausedUntil.set(message.platform, new Date(opts.now().getTime() + result.afterMs));
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
