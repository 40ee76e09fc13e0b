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

it('finds each turn by its indexes, however many members there are, even in the plan made for any batch', async () => {
  await sql`insert into members (id, platform, workspace_id, user_id) select gen_random_uuid(), 'seed', 'W', 'u' || g from generate_series(1, 5000) g`.execute(database.db);
  await sql`insert into conversations (id, member_id, flow, status, step, state) select gen_random_uuid(), id, 'debrief', 'paused', 'stage', '{}' from members where platform = 'seed'`.execute(database.db);
  await sql`insert into inbound_events (platform, workspace_id, event_id, result) select 'seed', 'W', 'e' || g, '{}' from generate_series(1, 5000) g`.execute(database.db);
  await sql`insert into action_items (id, member_id, text) select gen_random_uuid(), id, 'a step' from members where platform = 'seed'`.execute(database.db);
  await sql`analyze`.execute(database.db);
  await turn('U-cy', 0, '');
  // The plan Postgres keeps for every later execution, whatever the batch holds: with a guess of 100
  // turns per batch it scanned whole tables, which made a lone turn slow once there were thousands.
  await sql`set plan_cache_mode = force_generic_plan`.execute(database.db);
  try {
    const plan = async (statement: string) =>
      (await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(statement)}`.execute(database.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
    const read = await plan(`execute load_members('[{"ord":0,"platform":"seed","workspace_id":"W","user_id":"u1","lost_after":60}]')`);
    const write = await plan(`execute write_turns('[]', 0, '[]')`);
    for (const p of [read, write]) expect(p).not.toMatch(/Seq Scan on (members|conversations|inbound_events|action_items)|Hash/);
    expect(read).toMatch(/Index Scan using members_platform_user_unique/);
  } finally {
    await sql`set plan_cache_mode = auto`.execute(database.db);
  }
});
