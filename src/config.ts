import { z } from 'zod';
import { checkCron, checkTimeZone } from './cron.js';
import { StartupError } from './startup-error.js';

/**
 * The app's environment variables. Each platform declares its own in its adapter's folder
 * (`adapters/<name>/config.ts`), and `loadConfig` validates them all together, so that every bad
 * variable is named in one line. `.env.example` lists the same names with a comment each; keep the
 * two in step.
 */

/** A copied `.env.example` leaves variables empty: empty means unset. */
export const unsetIfEmpty = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional());

export const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

export const port = (what: string) =>
  z.coerce
    .number({ error: `must be a port number (1-65535) for ${what}` })
    .int({ error: `must be a whole port number (1-65535) for ${what}` })
    .min(1, { error: `must be a port number between 1 and 65535 for ${what}` })
    .max(65535, { error: `must be a port number between 1 and 65535 for ${what}` });

const positiveNumber = (unit: string) =>
  z.coerce
    .number({ error: `must be a number of ${unit}` })
    .positive({ error: `must be a positive number of ${unit}` });

/** A URL the WHATWG parser takes and `fits` accepts; the message names what was expected. */
const url = (fits: (u: URL) => boolean, error: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return fits(new URL(v));
        } catch {
          return false;
        }
      },
      { error },
    );

const postgresUrl = url(
  (u) => (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname !== '',
  'must be a URL like postgres://user:password@host:5432/dbname',
);

export const httpUrl = url((u) => u.protocol === 'http:' || u.protocol === 'https:', 'must be an http(s) URL');

const schema = z.object({
  DATABASE_URL: unsetIfEmpty(postgresUrl),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DB_POOL_SIZE: unsetIfEmpty(
    z.coerce
      .number({ error: 'must be a whole number of connections' })
      .int({ error: 'must be a whole number of connections' })
      .min(1, { error: 'must be at least 1' })
      .max(200, { error: 'must be at most 200' }),
  ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .optional(),
  HEALTH_PORT: unsetIfEmpty(port('the health server')),
  SESSION_IDLE_EXPIRY_HOURS: positiveNumber('hours').default(24 * 14),
  RESUME_PROMPT_AFTER_MINUTES: positiveNumber('minutes').default(30),
  REPLY_LOST_AFTER_SECONDS: positiveNumber('seconds').default(60),

  CHECKIN_CRON: z.string().trim().default('0 10 * * 1'),
  DIGEST_CRON: z.string().trim().default('0 9 1 * *'),
  DIGEST_MIN_MEMBERS: z.coerce
    .number({ error: 'must be a whole number of members' })
    .int({ error: 'must be a whole number of members' })
    .min(2, { error: 'must be at least 2: a digest of one person is about that person' })
    .default(5),
  SCHEDULE_GRACE_MINUTES: positiveNumber('minutes').default(180),
  // Which platforms it may name is known from the registered ones (loadConfig).
  COMMUNITY_PLATFORM: optionalString,
  COMMUNITY_WORKSPACE_ID: optionalString,
  COMMUNITY_CHANNEL_ID: optionalString,
  COMMUNITY_CRON: z.string().trim().default('0 9 * * 1'),
  COMMUNITY_TIME_ZONE: z.string().trim().default('UTC'),
});

type Env = z.infer<typeof schema>;

/**
 * A platform's own variables, declared in its adapter's folder and handed to `loadConfig` by the
 * composition root (src never imports an adapter). `schema` reads the whole environment: its issues
 * name the variable (`path`), checks across its variables go in a transform (they run only once each
 * variable is well formed), and its output is the platform's settings, or undefined when it is off.
 */
export interface PlatformConfig<C = unknown> {
  name: string;
  schema: z.ZodType<C | undefined>;
  /** It can post a community's weekly prompts, so COMMUNITY_PLATFORM may name it. */
  community?: boolean;
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
    | { platform: string; workspaceId: string; channelId: string; cron: string; timeZone: string }
    | undefined;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Unset: sized to the cores (src/db/connect.ts). */
  dbPoolSize: number | undefined;
  logLevel: Env['LOG_LEVEL'];
  healthPort: number | undefined;
  sessionIdleExpiryMs: number;
  resumePromptAfterMs: number;
  /** A reply not marked delivered this long after its turn committed is posted again. */
  replyLostAfterMs: number;
  scheduler: SchedulerConfig;
  /** Each registered platform's settings by its name; undefined when it is off. Read with `settingsOf`. */
  platforms: Readonly<Record<string, unknown>>;
}

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

function crossCheck(env: Env): string[] {
  const problems: string[] = [];
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
  return problems;
}

const described = (issues: readonly z.core.$ZodIssue[]) => issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);

/**
 * Reads and validates the environment, the app's variables and each platform's own; throws
 * ConfigError with one line naming each bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, platforms: readonly PlatformConfig[] = []): Readonly<Config> {
  const posting = platforms.filter((p) => p.community).map((p) => p.name);
  const parsed = schema
    .extend({
      COMMUNITY_PLATFORM: optionalString.refine((v) => v === undefined || posting.includes(v), {
        error: posting.length > 0 ? `must be ${posting.join(' or ')}` : 'must be unset: no platform here posts to a community',
      }),
    })
    .safeParse(env);
  const settings = platforms.map((p) => ({ name: p.name, parsed: p.schema.safeParse(env) }));
  const invalid = [parsed, ...settings.map((s) => s.parsed)].flatMap((r) => (r.success ? [] : described(r.error.issues)));
  if (!parsed.success || invalid.length > 0) throw new ConfigError(`Invalid configuration: ${invalid.join('; ')}`);
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
    platforms: Object.freeze(Object.fromEntries(settings.map((s) => [s.name, s.parsed.data]))),
  });
}

/** A platform's settings as its own schema gave them to `loadConfig`; undefined when it is off. */
export function settingsOf<C>(config: Readonly<Config>, platform: PlatformConfig<C>): C | undefined {
  // loadConfig stored the output of this very schema under this name, so the type holds.
  return config.platforms[platform.name] as C | undefined;
}
