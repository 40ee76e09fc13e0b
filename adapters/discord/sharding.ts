import { fileURLToPath } from 'node:url';
import dotenv from 'dotenv';
import { REST, Routes, ShardingManager, type Shard } from 'discord.js';
import { loadConfig, settingsOf, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { StartupError } from '../../src/startup-error.js';
import { platforms } from '../index.js';
import { invokedDirectly, runScript } from './cli.js';
import { discord as discordPlatform, type DiscordConfig } from './config.js';

/**
 * `npm run discord:shards [-- --shards N] [-- --spawn-delay MS]`: the Discord bot in one process per
 * shard, with discord.js's ShardingManager, for communities past a couple of thousand servers.
 * Each shard runs `src/main.ts` as usual; discord.js reads its shard id from the environment the
 * manager sets. The adapter keeps no state in memory, and all shards share one Postgres, so
 * DATABASE_URL is required (the embedded database belongs to one process).
 */

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

interface ShardArgs {
  shards: number | 'auto';
  /** Between shard starts; Discord allows one IDENTIFY per 5 s per max_concurrency bucket. */
  spawnDelayMs: number;
}

function parseShardArgs(argv: readonly string[]): ShardArgs {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
  };
  const shards = value('--shards') ?? 'auto';
  const delay = value('--spawn-delay') ?? '5500';
  if (shards !== 'auto' && !/^[1-9]\d{0,4}$/.test(shards)) throw new StartupError('--shards must be "auto" or a whole number from 1');
  if (!/^\d{1,6}$/.test(delay)) throw new StartupError('--spawn-delay must be a whole number of milliseconds');
  return { shards: shards === 'auto' ? 'auto' : Number(shards), spawnDelayMs: Number(delay) };
}

/** Discord's recommended shard count, asked of DISCORD_API_URL (ShardingManager's 'auto' ignores it). */
async function recommendedShards(discord: DiscordConfig): Promise<number> {
  const rest = new REST({ version: '10', ...(discord.apiUrl ? { api: discord.apiUrl } : {}) }).setToken(discord.token);
  const info = (await rest.get(Routes.gatewayBot())) as { shards: number };
  return Math.max(1, info.shards);
}

/** What sharding needs of the configuration, as one line naming what is missing. */
export function shardableDiscord(config: Readonly<Config>): DiscordConfig {
  const discord = settingsOf(config, discordPlatform);
  if (!discord) throw new StartupError('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to run the Discord shards');
  if (!config.databaseUrl)
    throw new StartupError('DATABASE_URL is required to run sharded: the embedded database can serve only one process');
  return discord;
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  const config = loadConfig(process.env, platforms);
  const discord = shardableDiscord(config);
  const args = parseShardArgs(process.argv.slice(2));
  const logger = createLogger(config.logLevel ?? 'info');
  const total = args.shards === 'auto' ? await recommendedShards(discord) : args.shards;
  const healthBase = config.healthPort;

  const manager = new ShardingManager(MAIN, {
    token: discord.token,
    totalShards: total,
    mode: 'process',
    respawn: true,
    // Each shard is `tsx src/main.ts`; resolve tsx from here so the working directory does not matter.
    execArgv: ['--import', import.meta.resolve('tsx')],
  });
  manager.on('shardCreate', (shard: Shard) => {
    // Only Discord runs in a shard (a Slack receiver in every shard would fight over its port), and
    // each shard gets its own health port: HEALTH_PORT + shard id.
    const env = shard.env as Record<string, string | undefined>;
    for (const key of Object.keys(env)) if (key.startsWith('SLACK_')) delete env[key];
    if (healthBase !== undefined) env.HEALTH_PORT = String(healthBase + shard.id);
    else delete env.HEALTH_PORT;
    shard.on('death', () => logger.warn({ shard: shard.id }, 'shard exited; respawning'));
    logger.info({ shard: shard.id, of: total }, 'shard starting');
  });

  await manager.spawn({ amount: total, delay: args.spawnDelayMs, timeout: 120_000 });
  logger.info({ shards: total }, 'all shards ready');

  return new Promise<number>((resolve) => {
    const stop = (why: string) => {
      logger.info({ why }, 'stopping shards');
      void Promise.all(
        manager.shards.map(
          (shard) =>
            new Promise<void>((done) => {
              const child = shard.process;
              if (!child || child.exitCode !== null) return done();
              child.once('exit', () => done());
              shard.kill(); // SIGTERM: each shard finishes its turns and closes cleanly
            }),
        ),
      ).then(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

if (invokedDirectly(import.meta.url)) runScript('start the shards', main);
