import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Logger } from 'pino';
import { StartupError } from '../startup-error.js';
import { driverPool, type DatabaseHandle } from './connect.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './types.js';

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
  const pool = driverPool(createPgConfig(pglite));
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

