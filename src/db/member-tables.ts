import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './types.js';

/** Tables this code knows by name; export and forget treat each with care of its own. */
export const knownTables = ['members', 'conversations', 'answers', 'inbound_events', 'debriefs', 'action_items'] as const;

/**
 * Other tables that hold a row per member (a `member_id` column): check-in records, schedules'
 * per-member state, the servers a Discord member debriefs from (`member_communities`) and whatever
 * comes later. Export and forget cover them without being edited each time, so a new table can never
 * quietly keep what a member asked to take away.
 */
export async function otherMemberTables(db: Kysely<Database> | Transaction<Database>): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select c.table_name
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and c.column_name = 'member_id' and t.table_type = 'BASE TABLE'
    order by c.table_name`.execute(db);
  const known = new Set<string>(knownTables);
  return rows.rows.map((r) => r.table_name).filter((t) => !known.has(t) && !t.startsWith('kysely_'));
}

/** Every table that can hold something about a member: what forget rewrites after deleting. */
export async function allMemberTables(db: Kysely<Database> | Transaction<Database>): Promise<string[]> {
  return [...knownTables, ...(await otherMemberTables(db))];
}
