import { Migrator, type Kysely } from 'kysely';
import { migrations } from '../../migrations/index.js';

export interface MigrationOutcome {
  applied: string[];
}

/**
 * Brings the schema to the latest migration. On Postgres, Kysely holds a session advisory lock while
 * it migrates, so replicas starting together queue up and the later ones find nothing to do.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed ?? ''} failed: ${why}`.replace('  ', ' '));
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
