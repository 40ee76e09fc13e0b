import { hostname } from 'node:os';
import cron from 'node-cron';
import type { Kysely } from 'kysely';
import type { SchedulerConfig } from '../config.js';
import { trimTransient } from '../db/retention.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import { upsertSchedule } from '../commands/admin.js';
import { runDue, type DueCounts } from './due-runs.js';
import type { AnyScheduledKind } from './kind.js';
import { scheduledKinds } from './kinds/index.js';
import type { Deliverer } from '../db/outbox.js';
import { drainOnce } from './worker.js';

export interface RunningScheduler {
  /** One tick now: claim due slots, then deliver what is due. Used at start-up and by tests. */
  tickNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * node-cron fires a tick at the top of every minute on every replica; the tick itself is idempotent
 * (slots are claimed in Postgres), so any number of replicas may tick. node-cron keeps nothing across
 * restarts, which is why slots and catch-up live in the database. The outbox is polled every few
 * seconds between ticks so retries and rate-limit waits are not held to the minute.
 */
export async function startScheduler(opts: {
  db: Kysely<Database>;
  config: SchedulerConfig;
  deliverers: ReadonlyMap<string, Deliverer>;
  logger: Logger;
  clock?: () => Date;
  pollMs?: number;
  /** What it sends; by default every kind in kinds/index.ts. */
  kinds?: readonly AnyScheduledKind[];
}): Promise<RunningScheduler> {
  const kinds = opts.kinds ?? scheduledKinds(opts.config);
  const clock = opts.clock ?? (() => new Date());
  const instanceId = `${hostname()}:${process.pid}`;
  const log = opts.logger.child({ component: 'scheduler', instance: instanceId });
  const community = opts.config.defaultCommunity;
  if (community)
    await upsertSchedule(opts.db, { ...community, updatedBy: null, now: clock() }, true);

  let ticking: Promise<void> | undefined;
  let draining: Promise<void> | undefined;
  const due = async () => {
    const started = performance.now();
    const options = { now: clock(), instanceId, graceMs: opts.config.graceMs };
    const counts: Record<string, DueCounts> = {};
    for (const kind of kinds) {
      const c = await runDue(opts.db, kind, options);
      if (c.queued + c.skipped > 0) counts[kind.name] = c;
    }
    if (Object.keys(counts).length > 0) log.info({ ...counts, ms: Math.round(performance.now() - started) }, 'scheduled messages queued');
    // Once a day, on whichever replica claims it first.
    const trimmed = await trimTransient(opts.db, { now: clock(), instanceId });
    if (trimmed) log.info({ ...trimmed, ms: Math.round(performance.now() - started) }, 'retention: transient rows trimmed');
  };
  const pauses = new Map<string, Date>();
  const drain = async () => {
    if (opts.deliverers.size === 0) return;
    for (let round = 0; round < 20; round++) {
      const c = await drainOnce({ db: opts.db, deliverers: opts.deliverers, workerId: instanceId, now: clock, logger: log, pauses });
      if (c.sent + c.retry + c.failed === 0) return;
    }
  };
  const guarded = (what: string, fn: () => Promise<void>) => () =>
    fn().catch((err: Error) => log.error({ err: err.name, code: (err as { code?: string }).code }, `${what} failed`));

  const tickNow = async () => {
    ticking ??= guarded('tick', due)().finally(() => (ticking = undefined));
    await ticking;
    draining ??= guarded('outbox', drain)().finally(() => (draining = undefined));
    await draining;
  };

  const task = cron.schedule('* * * * *', () => void tickNow(), { name: 'debrief-scheduler', noOverlap: true });
  const poll = setInterval(() => {
    draining ??= guarded('outbox', drain)().finally(() => (draining = undefined));
  }, opts.pollMs ?? 2_000);
  poll.unref();
  void tickNow();

  return {
    tickNow,
    async stop() {
      await task.stop();
      clearInterval(poll);
      await Promise.allSettled([ticking, draining]);
    },
  };
}
