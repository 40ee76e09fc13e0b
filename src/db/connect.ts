import { availableParallelism } from 'node:os';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.js';
import { statementName } from './prepared.js';
import type { Database } from './types.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'pglite' | 'postgres';
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const DATE_OID = 1082;
// `date` columns stay 'YYYY-MM-DD' strings: pg would otherwise make a Date at local midnight,
// which shifts the day in any time zone west of UTC.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (v: string) => v : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * Sends the queries compiled by prepare() (prepared.ts) as named statements: each connection parses
 * and plans them once, then only binds and executes. Everything else goes as before (unnamed).
 */
class PreparingClient extends pg.Client {
  override query(config: unknown, values?: unknown, callback?: unknown): never {
    const name = typeof config === 'string' && Array.isArray(values) ? statementName(config) : undefined;
    const query = super.query as (...args: unknown[]) => never;
    return name ? query.call(this, { name, text: config, values }, callback) : query.call(this, config, values, callback);
  }
}

/** A pool of the `pg` driver with the app's type parsing and named statements (the one place `pg` is used). */
export function driverPool(config: pg.PoolConfig): pg.Pool {
  return new pg.Pool({ ...config, types, Client: PreparingClient });
}

export interface ConnectOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Connections to DATABASE_URL; unset: defaultPoolSize(). */
  poolSize?: number | undefined;
  logger: Logger;
}

/**
 * Connections per process when DB_POOL_SIZE is unset: twice the cores, plus one (PostgreSQL's own
 * rule of thumb, cores × 2 + disks). A turn holds its connection only for a few short statements, and
 * Postgres runs about one statement per core at a time; past that, more connections only queue inside
 * the server, each backend costing a few MB there and a socket and parser here. The cores counted are
 * this machine's: the bot and its database usually share a host or run on alike ones.
 */
export function defaultPoolSize(cores = availableParallelism()): number {
  return 2 * cores + 1;
}

export async function connectDatabase(opts: ConnectOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return connectPostgres(opts.databaseUrl, opts);
  // Loaded only when used: a bot on DATABASE_URL never holds PGlite's code (about 6 MB of RSS).
  const { openEmbedded } = await import('./embedded.js');
  return openEmbedded(opts.dataDir, opts.logger);
}

export async function connectPostgres(
  url: string,
  opts: { poolSize?: number | undefined; logger: Logger },
): Promise<DatabaseHandle> {
  const pool = driverPool({
    connectionString: url,
    max: opts.poolSize ?? defaultPoolSize(),
    connectionTimeoutMillis: 10_000,
    application_name: 'debrief',
  });
  // An idle client's error (a Postgres restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) => opts.logger.warn({ err: err.message }, 'idle database connection lost'));
  // A checked-out client has no pool listener (pg-pool removes it while the client is lent out), so a
  // connection lost mid-turn would be an unhandled 'error' event and kill the process. The query in
  // flight still rejects, the turn gets its apology, and the pool discards the client on release.
  pool.on('connect', (client) => client.on('error', (err) => opts.logger.warn({ err: err.message }, 'database connection lost')));
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => {});
    throw new StartupError(`Could not connect to the database at ${describeUrl(url)}: ${reason(err)}. Check DATABASE_URL.`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/** host:port/dbname, never the user or password. */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { errors?: Error[] };
  if (e.code && /^E[A-Z]+$/.test(e.code)) return e.code;
  const inner = e.errors?.[0] as NodeJS.ErrnoException | undefined;
  if (inner?.code) return inner.code;
  return (e.message || String(err)).split('\n')[0] ?? 'unknown error';
}
