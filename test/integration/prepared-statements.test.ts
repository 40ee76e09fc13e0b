import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { freshDatabase, onPostgres, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

/**
 * A turn's hot queries (the member read, the turn's one write, the receipt check) go to the database as
 * named statements: each connection parses and plans them once, then only binds and executes. On
 * PGlite too, whose `pg` adapter passes the extended protocol through to its Postgres.
 */

let fresh: TestDatabase;
let database: DatabaseHandle;
let app: App;

beforeAll(async () => {
  fresh = await freshDatabase();
  // One connection, so what the turns prepared is what this test reads back.
  database = fresh.url ? await connectPostgres(fresh.url, { poolSize: 1, logger: silentLogger }) : fresh;
  app = await createApp(loadConfig({}), silentLogger, { database });
});
afterAll(async () => {
  await app?.close();
  if (database !== fresh) await fresh?.close();
});

const turn = (user: string, i: number, text: string) =>
  app.engine.handle({ platform: 'test', workspaceId: 'T1', userId: user, eventId: `${user}-${i}`, input: i === 0 ? { kind: 'command', args: '' } : { kind: 'text', text } });

async function prepared(): Promise<Map<string, number>> {
  const { rows } = await sql<{ name: string; runs: string }>`select name, generic_plans + custom_plans as runs from pg_prepared_statements`.execute(database.db);
  return new Map(rows.map((r) => [r.name, Number(r.runs)]));
}

it('runs the turn as named statements, each parsed once on the connection and executed every turn', async () => {
  for (const [i, text] of ['', 'Acme, Product designer', '3', 'yesterday'].entries()) await turn('U-ana', i, text);
  const runs = await prepared();
  // Four turns read the member (the first twice: it inserts them first) and write their turn (the
  // first opens the conversation, the others update it), one statement each.
  expect(runs.get('load_members')).toBe(5);
  expect(runs.get('write_turns')).toBe(4);
});

it.runIf(onPostgres())('prepares them again on a new connection after the old one was lost', async () => {
  await turn('U-bo', 0, '');
  const admin = new pg.Client({ connectionString: fresh.url });
  await admin.connect();
  try {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`);
  } finally {
    await admin.end();
  }
  // The pool drops the dead connection; the turn (retried if it met it) runs on a new one.
  const next = await turn('U-bo', 1, 'Acme, Product designer');
  expect(next.replies.map((r) => r.text).join('\n')).toMatch(/Which stage/);
  const runs = await prepared();
  expect(runs.get('write_turns')).toBe(1);
  expect(runs.get('load_members')).toBe(1);
});
