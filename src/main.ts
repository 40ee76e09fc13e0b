import dotenv from 'dotenv';
import pino from 'pino';
import { platforms, selectAdapters } from '../adapters/index.js';
import type { RunningAdapter } from '../adapters/types.js';
import { createApp, type App } from './app.js';
import { loadConfig } from './config.js';
import { startRedelivery } from './delivery/redelivery.js';
import { startScheduler, type RunningScheduler } from './scheduler/scheduler.js';
import { boundHeapGrowth } from './heap-growth.js';
import { createLogger } from './log.js';
import { StartupError } from './startup-error.js';

/**
 * `npm start`: read the configuration, open the database, run the platform edges, and shut down
 * cleanly on SIGTERM/SIGINT (finish in-flight turns, close the database) or when the terminal ends.
 */
async function main(): Promise<number> {
  boundHeapGrowth();
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env, platforms);
  const adapters = selectAdapters(config);
  const terminal = adapters.length === 1 && adapters[0]!.name === 'console';
  // In the terminal chat, logs go to stderr and only when something is wrong, so they don't
  // interleave with the conversation.
  const logger = terminal
    ? createLogger(config.logLevel ?? 'warn', pino.destination(2))
    : createLogger(config.logLevel ?? 'info');

  const app: App = await createApp(config, logger);
  const running: RunningAdapter[] = [];
  // Declared before `shutdown`, which may run before the scheduler starts (an adapter failing).
  // eslint-disable-next-line prefer-const
  let scheduler: RunningScheduler | undefined;
  // eslint-disable-next-line prefer-const
  let redelivery: { stop(): Promise<void> } | undefined;
  let stopping: Promise<number> | undefined;
  const shutdown = (why: string, code: number) =>
    (stopping ??= (async () => {
      logger.info({ why }, 'shutting down');
      await scheduler?.stop();
      await redelivery?.stop();
      await Promise.allSettled(running.map((a) => a.stop()));
      await app.close();
      logger.info('stopped');
      return code;
    })());

  try {
    for (const adapter of adapters) running.push(await adapter.start(app, process.argv.slice(2)));
  } catch (err) {
    await shutdown('adapter failed to start', 1);
    throw err;
  }
  // Replies of turns that committed while a process died before posting them, posted once.
  const resenders = new Map(running.flatMap((a) => (a.resend ? [[a.name, a.resend] as const] : [])));
  redelivery =
    resenders.size > 0
      ? startRedelivery({ db: app.database.db, ledger: app.replies, resenders, lostAfterMs: config.replyLostAfterMs, logger })
      : undefined;
  const deliverers = new Map(running.flatMap((a) => (a.deliverer ? [[a.deliverer.platform, a.deliverer] as const] : [])));
  // The terminal has no one to post to, so only platforms that can deliver start the scheduler.
  scheduler =
    deliverers.size > 0
      ? await startScheduler({ db: app.database.db, config: config.scheduler, deliverers, logger })
      : undefined;
  logger.info({ adapters: running.map((a) => a.name), scheduler: scheduler !== undefined }, 'debrief started');

  return new Promise<number>((resolve) => {
    process.once('SIGTERM', () => void shutdown('SIGTERM', 0).then(resolve));
    process.once('SIGINT', () => void shutdown('SIGINT', 0).then(resolve));
    for (const a of running) void a.done?.then(() => shutdown(`${a.name} ended`, 0).then(resolve));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // One line the person can act on; a stack trace only for what we did not foresee.
    if (err instanceof StartupError) process.stderr.write(`debrief: ${err.message}\n`);
    else process.stderr.write(`debrief: could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
