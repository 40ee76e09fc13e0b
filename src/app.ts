import type { Config } from './config.js';
import { connectDatabase, type DatabaseHandle } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { commandHandlers, createCommands, turnNeedsProfile } from './commands/index.js';
import { createEngine, type Engine } from './engine/engine.js';
import { createFlowRegistry } from './flows/index.js';
import { startHealthServer, type HealthServer } from './health.js';
import type { TurnInput } from './engine/types.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createReplyLedger, DEFAULT_FLUSH_DELAY_MS, type ReplyLedger } from './delivery/ledger.js';

// The app's public interface: adapters import from this file (and the leaf modules config, log and
// startup-error), never from the engine, database or scheduler directly.
export type { Actor, Card, Choice, InboundTurn, Reply, TurnInput, TurnResult } from './engine/types.js';
export type { Deliverer, DeliveryResult, OutboundMessage } from './db/outbox.js';
export type { Resend } from './delivery/redelivery.js';
export { recordMemberCommunity } from './db/member-communities.js';
export { memberHome, type MemberHome } from './home/member-home.js';
export { memberFilesDir } from './member-data/member-files.js';
export { OPEN_PROMPT, choiceIds, choiceRole, commandWords, isCommandPrompt, isOpenPrompt } from './engine/ids.js';

/** Everything an adapter needs, built from one validated Config: the composition root. */
export interface App {
  config: Readonly<Config>;
  logger: Logger;
  database: DatabaseHandle;
  engine: Engine;
  metrics: Metrics;
  /** Whether the turn runs a command that reads the person's platform profile (admin, time zone):
   *  an adapter that has to ask the platform for it asks for these turns only. */
  needsProfile(input: TurnInput): boolean;
  /** Which turns' replies were posted; adapters tell it after each post. */
  replies: ReplyLedger;
  close(): Promise<void>;
}

export async function createApp(
  config: Readonly<Config>,
  logger: Logger,
  opts: { database?: DatabaseHandle; clock?: () => Date } = {},
): Promise<App> {
  const started = performance.now();
  const database =
    opts.database ??
    (await connectDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.dbPoolSize,
      logger,
    }));
  let health: HealthServer | undefined;
  try {
    const { applied } = await migrateToLatest(database.db);
    const metrics = createMetrics();
    const commands = createCommands(config);
    // A mark waits at most a twentieth of the time after which its reply would count as lost.
    const replies = createReplyLedger(database.db, logger, { flushDelayMs: Math.min(DEFAULT_FLUSH_DELAY_MS, config.replyLostAfterMs / 20) });
    const engine = createEngine({
      db: database.db,
      flows: createFlowRegistry(),
      defaultFlow: 'debrief',
      commands: commandHandlers(commands),
      resumePromptAfterMs: config.resumePromptAfterMs,
      idleExpiryMs: config.sessionIdleExpiryMs,
      deliveries: { tracked: replies.tracked, lostAfterMs: config.replyLostAfterMs, leaseMs: 120_000 },
      logger,
      ...(opts.clock ? { clock: opts.clock } : {}),
      onTurn: ({ platform, outcome, seconds }) => {
        metrics.turns.inc({ platform, outcome });
        if (outcome !== 'duplicate') metrics.turnSeconds.observe({ platform }, seconds);
      },
    });
    if (config.healthPort !== undefined)
      health = await startHealthServer({ port: config.healthPort, ping: database.ping, registry: metrics.registry, logger });
    logger.info(
      { database: database.kind, migrations: applied.length, healthPort: health?.port, ms: Math.round(performance.now() - started) },
      'app ready',
    );
    return {
      config,
      logger,
      database,
      engine,
      metrics,
      needsProfile: (input) => turnNeedsProfile(commands, input),
      replies,
      async close() {
        await engine.drain();
        await replies.flush();
        await health?.close();
        await database.close();
      },
    };
  } catch (err) {
    await health?.close();
    await database.close().catch(() => {});
    throw err;
  }
}
