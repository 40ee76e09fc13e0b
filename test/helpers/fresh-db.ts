import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { wrapPglite } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const silentLogger = pino({ level: 'silent' });

export interface TestDatabase extends DatabaseHandle {
  /** Set on a real Postgres: a URL for a second connection to the same database. */
  url: string | undefined;
}

export const onPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

/**
 * A database of the test's own: on PGlite a copy of the migrated dump, on Postgres (when
 * TEST_DATABASE_URL is set) a new database created for it and dropped on close, so test files can
 * run in parallel. `migrated: false` gives an empty one.
 */
export async function freshDatabase(opts: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const migrated = opts.migrated ?? true;
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    const pglite = migrated
      ? await PGlite.create({ loadDataDir: new Blob([await readFile(inject('pgliteDump'))]) })
      : await PGlite.create();
    return { ...wrapPglite(pglite, silentLogger, () => pglite.close()), url: undefined };
  }
  const name = `debrief_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await connectPostgres(url.toString(), { poolSize: 10, logger: silentLogger });
  if (migrated) await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
