import { sql, type Kysely } from 'kysely';

// Frozen in time: community schedules, their claimed runs, personal check-in runs, and the delivery
// outbox. Forward-only; later changes come as new migrations.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('schedules')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('community_prompt')`))
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('cron', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    // The slot this schedule fires at next, in UTC; replicas claim rows whose slot has come.
    .addColumn('next_run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('schedules_one_per_kind', ['platform', 'workspace_id', 'kind'])
    .execute();
  await db.schema.createIndex('schedules_due').on('schedules').columns(['enabled', 'next_run_at']).execute();

  await db.schema
    .createTable('schedule_runs')
    .addColumn('schedule_id', 'uuid', (c) => c.notNull().references('schedules.id').onDelete('cascade'))
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'skipped')`))
    .addColumn('prompt_id', 'text')
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('schedule_runs_pk', ['schedule_id', 'slot'])
    .execute();

  await db.schema.alterTable('members').addColumn('next_checkin_at', 'timestamptz').execute();
  await sql`create index members_checkins_due on members (next_checkin_at) where checkins_enabled`.execute(db);

  await db.schema
    .createTable('checkin_runs')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'skipped')`))
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('checkin_runs_pk', ['member_id', 'slot'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // Unique per message meant: a second enqueue of the same thing is a no-op, and the platform
    // sender uses it to recognise a message it may already have sent before a crash.
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull().check(sql`target_kind in ('channel', 'dm')`))
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('schedule_id', 'uuid', (c) => c.references('schedules.id').onDelete('cascade'))
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('lease_until', 'timestamptz')
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('external_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await sql`create index outbox_ready on outbox (not_before) where status in ('pending', 'sending')`.execute(db);
  await db.schema.createIndex('outbox_schedule').on('outbox').columns(['schedule_id', 'status']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
