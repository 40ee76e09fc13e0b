import { sql, type Kysely } from 'kysely';

// Frozen in time: claims and next slots for scheduled kinds added after the first three, so that a new
// kind needs no table of its own. A run's subject is a community schedule or a member; the matching
// foreign key makes it go with them (and lets export and forget find a member's rows).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('due_runs')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'skipped', 'withheld')`))
    .addColumn('detail', 'jsonb')
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('schedule_id', 'uuid', (c) => c.references('schedules.id').onDelete('cascade'))
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('due_runs_pk', ['kind', 'subject_id', 'slot'])
    .addCheckConstraint('due_runs_one_subject', sql`num_nonnulls(member_id, schedule_id) = 1`)
    .execute();
  await db.schema.createIndex('due_runs_member').on('due_runs').column('member_id').where(sql.ref('member_id'), 'is not', null).execute();

  await db.schema
    .createTable('due_cursors')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    // The slot this kind fires at next for this subject, in UTC.
    .addColumn('next_at', 'timestamptz', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('schedule_id', 'uuid', (c) => c.references('schedules.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('due_cursors_pk', ['kind', 'subject_id'])
    .addCheckConstraint('due_cursors_one_subject', sql`num_nonnulls(member_id, schedule_id) = 1`)
    .execute();
  await db.schema.createIndex('due_cursors_member').on('due_cursors').column('member_id').where(sql.ref('member_id'), 'is not', null).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
