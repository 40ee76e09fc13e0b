import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { memberTables, type MemberTable } from '../../src/db/member-tables.js';
import type { Database } from '../../src/db/types.js';
import { freshDatabase, type TestDatabase } from '../helpers/fresh-db.js';

/**
 * Export and forget reach a member's data through one list (src/db/member-tables.ts), not by looking
 * the schema up at run time. This holds the list against the migrated schema: a table that names a
 * member (a `*member_id` column) or points at a listed table (an answer at its conversation) is
 * unlisted until the list says how to find the member's rows in it.
 */
async function unlisted(db: Kysely<Database>): Promise<string[]> {
  const listed = new Map<string, MemberTable>(memberTables.map((e) => [e.table, e]));
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'`.execute(db);
  const memberColumns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and column_name like '%member\\_id'`.execute(db);
  const foreignKeys = await sql<{ table_name: string; column_name: string; target: string }>`
    select kcu.table_name, kcu.column_name, ccu.table_name as target
    from information_schema.table_constraints tc
    join information_schema.key_column_usage kcu on kcu.constraint_schema = tc.constraint_schema and kcu.constraint_name = tc.constraint_name
    join information_schema.constraint_column_usage ccu on ccu.constraint_schema = tc.constraint_schema and ccu.constraint_name = tc.constraint_name
    where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(db);
  const found: string[] = [];
  const known = new Set(tables.rows.map((t) => t.table_name));
  // Each column named for a member is how its table's rows are found, so a second one would be missed.
  for (const c of memberColumns.rows)
    if (known.has(c.table_name) && listed.get(c.table_name)?.column !== c.column_name) found.push(`${c.table_name}.${c.column_name}`);
  for (const fk of foreignKeys.rows)
    if (listed.has(fk.target) && !listed.has(fk.table_name)) found.push(`${fk.table_name}.${fk.column_name} -> ${fk.target}`);
  // And the list names only what is there.
  const columns = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns where table_schema = current_schema()`.execute(db);
  const has = new Set(columns.rows.map((c) => `${c.table_name}.${c.column_name}`));
  for (const e of memberTables) {
    for (const c of [e.column, ...e.order]) if (!has.has(`${e.table}.${c}`)) found.push(`listed but missing: ${e.table}.${c}`);
    if (e.via && !listed.has(e.via)) found.push(`listed via an unlisted table: ${e.table} -> ${e.via}`);
  }
  return [...new Set(found)].sort();
}

let database: TestDatabase;
beforeEach(async () => {
  database = await freshDatabase();
});
afterEach(async () => {
  await database.close();
});

it('every table of the migrated schema that holds something about a member is in the member table list', async () => {
  expect(await unlisted(database.db)).toEqual([]);
});

it('names a new table with a member id, or one that points at a member table, until it is listed', async () => {
  const db = database.db;
  await sql`create table checkin_notes (id serial primary key, member_id uuid not null references members(id), note text)`.execute(db);
  await sql`create table answer_flags (answer_id bigint not null references answers(id), flag text)`.execute(db);
  await sql`create table mentorships (member_id uuid not null references members(id), mentor_member_id uuid)`.execute(db);
  await sql`alter table debriefs add column referred_by_member_id uuid`.execute(db);
  expect(await unlisted(db)).toEqual([
    'answer_flags.answer_id -> answers',
    'checkin_notes.member_id',
    'checkin_notes.member_id -> members',
    'debriefs.referred_by_member_id',
    'mentorships.member_id',
    'mentorships.member_id -> members',
    'mentorships.mentor_member_id',
  ]);
});
