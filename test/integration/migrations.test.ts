import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connectPostgres } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { migrations } from '../../migrations/index.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

const expectedTables = [
  'action_items', 'answers', 'checkin_runs', 'conversations', 'debriefs', 'digest_runs', 'due_cursors', 'due_runs', 'inbound_events', 'maintenance_runs', 'member_communities', 'members',
  'outbox', 'schedule_runs', 'schedules',
];

describe('migrations', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('two migrators starting at once leave one correct schema', async () => {
    database = await freshDatabase({ migrated: false });
    // On Postgres the second migrator is a separate pool, as a second replica would be.
    const second = database.url
      ? await connectPostgres(database.url, { poolSize: 2, logger: silentLogger })
      : undefined;
    const results = await Promise.all([migrateToLatest(database.db), migrateToLatest((second ?? database).db)]);
    await second?.close();

    const applied = results.flatMap((r) => r.applied).sort();
    expect(applied).toEqual(Object.keys(migrations).sort());

    const recorded = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(recorded.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(database.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expectedTables);

    expect((await migrateToLatest(database.db)).applied).toEqual([]);
  });

  it('keeps one open conversation per member', async () => {
    database = await freshDatabase();
    const db = database.db;
    await db.insertInto('members').values({ id: crypto.randomUUID(), platform: 'console', workspace_id: 'w', user_id: 'u' }).execute();
    const member = await db.selectFrom('members').select('id').executeTakeFirstOrThrow();
    const open = () =>
      db
        .insertInto('conversations')
        .values({ id: crypto.randomUUID(), member_id: member.id, flow: 'debrief', status: 'active', step: 'company', state: '{}' })
        .execute();
    await open();
    await expect(open()).rejects.toThrow(/conversations_one_open/);
  });
});
