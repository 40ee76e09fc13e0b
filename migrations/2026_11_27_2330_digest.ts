import { sql, type Kysely } from 'kysely';

// Frozen in time: the monthly community digest, claimed once per schedule and month like the prompts.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('schedules').addColumn('next_digest_at', 'timestamptz').execute();
  await db.schema
    .createTable('digest_runs')
    .addColumn('schedule_id', 'uuid', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'skipped', 'too_small')`))
    .addColumn('members', 'integer', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('digest_runs_pk', ['schedule_id', 'slot'])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
