import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.js';
import { lockDataDir } from './data-dir-lock.js';
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
  return opts.databaseUrl ? connectPostgres(opts.databaseUrl, opts) : openEmbedded(opts.dataDir, opts.logger);
}

/**
 * PGlite's Postgres settings. Its buffers live in the process's own memory (WebAssembly), so the
 * default 128 MB of shared buffers is 128 MB of the bot's RSS; the data files are in the OS's page cache
 * anyway (NODEFS), and 16 MB holds a busy member set's hot pages.
 */
const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

/**
 * Creates a new data folder in a child process. PGlite runs initdb in WebAssembly instances of its own
 * and, as of 0.5, the ~430 MB they take stays reachable in the process after they are closed; done in
 * a child, the bot itself only ever opens an existing folder (~240 MB RSS instead of ~700).
 */
async function initDataDir(pgdata: string): Promise<void> {
  if (existsSync(join(pgdata, 'PG_VERSION'))) return;
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)}); await (await PGlite.create(${JSON.stringify(pgdata)})).close();`;
  await new Promise<void>((res, rej) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], (err, _out, stderr) =>
      err ? rej(new Error(stderr.trim().split('\n').at(-1) || err.message)) : res(),
    ),
  );
}

/** A PGlite with the app's settings on `pgdata` (created first if new), or in memory. */
export async function createEmbedded(pgdata: string | undefined): Promise<PGlite> {
  if (pgdata) await initDataDir(pgdata);
  return PGlite.create(pgdata, { startParams: EMBEDDED_START_PARAMS });
}

/** Embedded Postgres (PGlite) in a local folder, driven through the real `pg` driver. */
export async function openEmbedded(dataDir: string | undefined, logger: Logger): Promise<DatabaseHandle> {
  const unlock = dataDir ? lockDataDir(dataDir) : () => {};
  let pglite: PGlite;
  try {
    pglite = await createEmbedded(dataDir ? join(dataDir, 'pgdata') : undefined);
  } catch (err) {
    unlock();
    throw new StartupError(
      `Could not open the embedded database in ${dataDir ?? 'memory'}: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  return wrapPglite(pglite, logger, async () => {
    await pglite.close();
    unlock();
  });
}

/** Wraps an open PGlite (a test's clone, say) in the same handle the app uses. */
export function wrapPglite(pglite: PGlite, logger: Logger, closeAll: () => Promise<void>): DatabaseHandle {
  const pool = new pg.Pool({ ...createPgConfig(pglite), types, Client: PreparingClient });
  pool.on('error', (err) => logger.error({ err: err.message }, 'embedded database connection error'));
  pool.on('connect', (client) => client.on('error', (err) => logger.error({ err: err.message }, 'embedded database connection error')));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await closeAll();
    },
  };
}

export async function connectPostgres(
  url: string,
  opts: { poolSize?: number | undefined; logger: Logger },
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? defaultPoolSize(),
    types,
    connectionTimeoutMillis: 10_000,
    application_name: 'debrief',
    Client: PreparingClient,
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
