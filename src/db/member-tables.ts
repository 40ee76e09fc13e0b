import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './types.js';

type Executor = Kysely<Database> | Transaction<Database>;
type Table = keyof Database & string;
/** The export's own keys; see member-data/export.ts. */
export type ExportKey = 'member' | 'conversations' | 'answers' | 'debriefs' | 'actionItems' | 'inboundEvents';

/** One table that holds something about a member, and how their rows in it are found. */
interface Entry<T extends Table> {
  table: T;
  /** The column holding the member's id; with `via`, the id of a row of that (listed) table that is
   *  theirs: an answer is theirs through its conversation. */
  column: keyof Database[T] & string;
  via?: Table;
  /** A stable order, so two exports of the same rows are the same file. */
  order: readonly (keyof Database[T] & string)[];
  /** The export's key for these rows; tables without one go under `other`, by name, when they have any. */
  exportAs?: ExportKey;
}

export type MemberTable = { [T in Table]: Entry<T> }[Table];

/**
 * Every table that holds something about a member: what export copies and forget deletes. Parents
 * come first (forget deletes from the end, so a row goes before the rows it points at). A new table
 * with a member id must be listed here: test/integration/member-tables.test.ts holds this list against
 * the migrated schema and fails until it is.
 */
export const memberTables: readonly MemberTable[] = [
  { table: 'members', column: 'id', order: ['id'], exportAs: 'member' },
  { table: 'conversations', column: 'member_id', order: ['created_at', 'id'], exportAs: 'conversations' },
  { table: 'answers', column: 'conversation_id', via: 'conversations', order: ['id'], exportAs: 'answers' },
  { table: 'debriefs', column: 'member_id', order: ['created_at', 'id'], exportAs: 'debriefs' },
  { table: 'action_items', column: 'member_id', order: ['created_at', 'id'], exportAs: 'actionItems' },
  { table: 'inbound_events', column: 'member_id', order: ['created_at', 'event_id'], exportAs: 'inboundEvents' },
  // The scheduler's per-member state: claimed check-in slots and the DMs queued for them.
  { table: 'checkin_runs', column: 'member_id', order: ['slot'] },
  { table: 'outbox', column: 'member_id', order: ['created_at', 'id'] },
  // Scheduled kinds added later (src/scheduler/kind.ts): their claimed slots and next slot per member.
  { table: 'due_runs', column: 'member_id', order: ['kind', 'slot'] },
  { table: 'due_cursors', column: 'member_id', order: ['kind'] },
  // The Discord servers a member debriefs from.
  { table: 'member_communities', column: 'member_id', order: ['platform', 'community_id'] },
];

export type MemberTableName = MemberTable['table'];

function entryOf(table: Table): MemberTable {
  const e = memberTables.find((m) => m.table === table);
  if (!e) throw new Error(`${table} is not a member table`);
  return e;
}

/** The condition that picks the member's rows of a listed table. */
function owned(e: MemberTable, memberId: string) {
  if (!e.via) return sql`${sql.ref(e.column)} = ${memberId}`;
  const parent = entryOf(e.via);
  return sql`${sql.ref(e.column)} in (select id from ${sql.table(parent.table)} where ${sql.ref(parent.column)} = ${memberId})`;
}

/** The member's rows of every listed table, in the list's order. */
export async function memberRows(db: Executor, memberId: string): Promise<Map<MemberTableName, Record<string, unknown>[]>> {
  const rows = new Map<MemberTableName, Record<string, unknown>[]>();
  for (const e of memberTables) {
    const order = sql.join(e.order.map((c) => sql.ref(c)));
    const r = await sql<Record<string, unknown>>`select * from ${sql.table(e.table)} where ${owned(e, memberId)} order by ${order}`.execute(db);
    rows.set(e.table, r.rows);
  }
  return rows;
}

/** How many rows of the given tables are the member's. */
export async function countMemberRows<T extends MemberTableName>(db: Executor, memberId: string, tables: readonly T[]): Promise<Record<T, number>> {
  const counts = {} as Record<T, number>;
  for (const table of tables) {
    const r = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)} where ${owned(entryOf(table), memberId)}`.execute(db);
    counts[table] = Number(r.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Deletes the member's rows from every listed table, children first, and counts what went. */
export async function deleteMemberRows(trx: Transaction<Database>, memberId: string): Promise<Record<MemberTableName, number>> {
  const counts = {} as Record<MemberTableName, number>;
  for (const e of [...memberTables].reverse()) {
    const r = await sql`delete from ${sql.table(e.table)} where ${owned(e, memberId)}`.execute(trx);
    counts[e.table] = Number(r.numAffectedRows ?? 0n);
  }
  return counts;
}
