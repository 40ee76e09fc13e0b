import { z } from 'zod';
import { checkCron, checkTimeZone } from './cron.js';
import { StartupError } from './startup-error.js';

/**
 * Every environment variable Debrief reads, in one place. `.env.example` lists the same names with a
 * comment each; keep the two in step.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const port = (what: string) =>
  z.coerce
    .number({ error: `must be a port number (1-65535) for ${what}` })
    .int({ error: `must be a whole port number (1-65535) for ${what}` })
    .min(1, { error: `must be a port number between 1 and 65535 for ${what}` })
    .max(65535, { error: `must be a port number between 1 and 65535 for ${what}` });

const positiveNumber = (unit: string) =>
  z.coerce
    .number({ error: `must be a number of ${unit}` })
    .positive({ error: `must be a positive number of ${unit}` });

const postgresUrl = z
  .string()
  .trim()
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: 'must be a URL like postgres://user:password@host:5432/dbname' },
  );

const httpUrl = z
  .string()
  .trim()
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    },
    { error: 'must be an http(s) URL' },
  );

const snowflake = z.string().trim().regex(/^\d{15,21}$/, { error: 'must be a Discord id (15-21 digits)' });

const schema = z.object({
  DATABASE_URL: z.preprocess((v) => (v === '' ? undefined : v), postgresUrl.optional()),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DB_POOL_SIZE: z.coerce
    .number({ error: 'must be a whole number of connections' })
    .int({ error: 'must be a whole number of connections' })
    .min(1, { error: 'must be at least 1' })
    .max(200, { error: 'must be at most 200' })
    .default(10),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional(),
  HEALTH_PORT: z.preprocess((v) => (v === '' ? undefined : v), port('the health server').optional()),
  SESSION_IDLE_EXPIRY_HOURS: positiveNumber('hours').default(24 * 14),
  RESUME_PROMPT_AFTER_MINUTES: positiveNumber('minutes').default(30),
  REPLY_LOST_AFTER_SECONDS: positiveNumber('seconds').default(60),
  CONSOLE_USER: z
    .string()
    .trim()
    .regex(/^[\w.@-]{1,64}$/, { error: 'must be 1-64 letters, digits, dots, dashes or underscores' })
    .default('you'),

  CHECKIN_CRON: z.string().trim().default('0 10 * * 1'),
  DIGEST_CRON: z.string().trim().default('0 9 1 * *'),
  DIGEST_MIN_MEMBERS: z.coerce
    .number({ error: 'must be a whole number of members' })
    .int({ error: 'must be a whole number of members' })
    .min(2, { error: 'must be at least 2: a digest of one person is about that person' })
    .default(5),
  SCHEDULE_GRACE_MINUTES: positiveNumber('minutes').default(180),
  COMMUNITY_PLATFORM: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['slack', 'discord'], { error: 'must be slack or discord' }).optional(),
  ),
  COMMUNITY_WORKSPACE_ID: optionalString,
  COMMUNITY_CHANNEL_ID: optionalString,
  COMMUNITY_CRON: z.string().trim().default('0 9 * * 1'),
  COMMUNITY_TIME_ZONE: z.string().trim().default('UTC'),

  SLACK_BOT_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().trim().regex(/^xoxb-/, { error: 'must be a bot token starting with xoxb-' }).optional(),
  ),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().trim().regex(/^xapp-/, { error: 'must be an app-level token starting with xapp-' }).optional(),
  ),
  SLACK_API_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  PORT: port('the Slack HTTP receiver').default(3000),

  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: z.preprocess((v) => (v === '' ? undefined : v), snowflake.optional()),
  DISCORD_GUILD_ID: z.preprocess((v) => (v === '' ? undefined : v), snowflake.optional()),
  DISCORD_API_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
});

type Env = z.infer<typeof schema>;

export interface SlackConfig {
  botToken: string;
  /** HTTP mode when set; Socket Mode uses `appToken` instead. */
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
  port: number;
}

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | undefined;
  apiUrl: string | undefined;
}

export interface SchedulerConfig {
  /** When each member's weekly check-in fires, in their own time zone. */
  checkinCron: string;
  /** A slot missed while the bot was down is still sent if it is at most this old. */
  graceMs: number;
  /** When the monthly community digest posts, in the community schedule's time zone. */
  digestCron: string;
  /** Fewer members with a debrief that month than this, and the digest says nothing at all. */
  digestMinMembers: number;
  /** A community schedule to create if the workspace has none (single-community set-ups). */
  defaultCommunity:
    | { platform: 'slack' | 'discord'; workspaceId: string; channelId: string; cron: string; timeZone: string }
    | undefined;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize: number;
  logLevel: Env['LOG_LEVEL'];
  healthPort: number | undefined;
  sessionIdleExpiryMs: number;
  resumePromptAfterMs: number;
  /** A reply not marked delivered this long after its turn committed is posted again. */
  replyLostAfterMs: number;
  consoleUser: string;
  scheduler: SchedulerConfig;
  slack: SlackConfig | undefined;
  discord: DiscordConfig | undefined;
}

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

function crossCheck(env: Env): string[] {
  const problems: string[] = [];
  const slackAny = env.SLACK_BOT_TOKEN || env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN;
  if (slackAny) {
    if (!env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is missing: Slack needs the bot token (xoxb-...)');
    else if (!env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN)
      problems.push(
        'SLACK_SIGNING_SECRET is missing: set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-...) for Socket Mode',
      );
  }
  const cron = checkCron(env.CHECKIN_CRON);
  if (!cron.ok) problems.push(`CHECKIN_CRON ${cron.message}`);
  const digest = checkCron(env.DIGEST_CRON);
  if (!digest.ok) problems.push(`DIGEST_CRON ${digest.message}`);
  const community = [env.COMMUNITY_PLATFORM, env.COMMUNITY_WORKSPACE_ID, env.COMMUNITY_CHANNEL_ID];
  if (community.some(Boolean) && !community.every(Boolean))
    problems.push('COMMUNITY_PLATFORM, COMMUNITY_WORKSPACE_ID and COMMUNITY_CHANNEL_ID go together: set all three or none');
  if (community.every(Boolean)) {
    const c = checkCron(env.COMMUNITY_CRON);
    if (!c.ok) problems.push(`COMMUNITY_CRON ${c.message}`);
    const tz = checkTimeZone(env.COMMUNITY_TIME_ZONE);
    if (!tz.ok) problems.push(`COMMUNITY_TIME_ZONE ${tz.message}`);
  }
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID)
    problems.push('DISCORD_APPLICATION_ID is missing: Discord needs the application id with DISCORD_TOKEN');
  if (!env.DISCORD_TOKEN && env.DISCORD_APPLICATION_ID)
    problems.push('DISCORD_TOKEN is missing: Discord needs the bot token with DISCORD_APPLICATION_ID');
  return problems;
}

/** Reads and validates the environment; throws ConfigError with one line naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;
  const problems = crossCheck(e);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);

  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolSize: e.DB_POOL_SIZE,
    logLevel: e.LOG_LEVEL,
    healthPort: e.HEALTH_PORT,
    sessionIdleExpiryMs: e.SESSION_IDLE_EXPIRY_HOURS * 3_600_000,
    resumePromptAfterMs: e.RESUME_PROMPT_AFTER_MINUTES * 60_000,
    replyLostAfterMs: e.REPLY_LOST_AFTER_SECONDS * 1000,
    consoleUser: e.CONSOLE_USER,
    scheduler: {
      checkinCron: e.CHECKIN_CRON,
      graceMs: e.SCHEDULE_GRACE_MINUTES * 60_000,
      digestCron: e.DIGEST_CRON,
      digestMinMembers: e.DIGEST_MIN_MEMBERS,
      defaultCommunity:
        e.COMMUNITY_PLATFORM && e.COMMUNITY_WORKSPACE_ID && e.COMMUNITY_CHANNEL_ID
          ? {
              platform: e.COMMUNITY_PLATFORM,
              workspaceId: e.COMMUNITY_WORKSPACE_ID,
              channelId: e.COMMUNITY_CHANNEL_ID,
              cron: e.COMMUNITY_CRON,
              timeZone: e.COMMUNITY_TIME_ZONE,
            }
          : undefined,
    },
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          apiUrl: e.SLACK_API_URL,
          port: e.PORT,
        }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            guildId: e.DISCORD_GUILD_ID,
            apiUrl: e.DISCORD_API_URL,
          }
        : undefined,
  });
}
