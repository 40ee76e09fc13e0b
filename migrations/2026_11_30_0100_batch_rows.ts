import { sql, type Kysely } from 'kysely';

// Frozen in time: the elements of a JSON array, as rows the planner expects few of. Group commit
// (src/db/batcher.ts) passes a batch of turns as one JSON array; Postgres guesses 100 rows for
// jsonb_array_elements and would then join by scanning whole tables (members, conversations,
// receipts) instead of looking each turn up by its index. PL/pgSQL, since a SQL function would be
// inlined and its row estimate ignored.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function batch_rows(batch jsonb) returns setof jsonb
    language plpgsql immutable strict parallel safe rows 1
    as $$ begin return query select jsonb_array_elements(batch); end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function batch_rows(jsonb)`.execute(db);
}
