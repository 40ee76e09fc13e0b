import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

/**
 * Rewrites tables so that deleted rows leave their files. A DELETE only marks a row dead; its bytes
 * stay in the table's pages (and the pages of its indexes and TOAST) until the space is reused.
 * VACUUM FULL copies the live rows into new files and truncates the old ones at commit. It takes an
 * exclusive lock on each table while it runs, and cannot run inside a transaction, so it is called
 * after the deleting transaction has committed, on its own connection.
 */
export async function rewriteTables(db: Kysely<Database>, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  await sql`vacuum (full) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}
