import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports app code and is never edited once landed.
// Later changes to the schema come as new, later-named migrations.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text')
    .addColumn('checkins_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('members_platform_user_unique', ['platform', 'workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('conversations')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('active', 'paused', 'completed', 'cancelled', 'expired')`),
    )
    .addColumn('step', 'text')
    .addColumn('state', 'jsonb', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull().defaultTo(0))
    // Bumped by every write: a turn's write is conditional on the version it read.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('ended_at', 'timestamptz')
    .execute();
  // One open conversation per member: the engine relies on this to route free text unambiguously.
  await sql`create unique index conversations_one_open on conversations (member_id) where status in ('active', 'paused')`.execute(
    db,
  );

  await db.schema
    .createTable('answers')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('conversation_id', 'uuid', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('value', 'jsonb')
    .addColumn('skipped', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('answers_conversation').on('answers').columns(['conversation_id', 'id']).execute();

  await db.schema
    .createTable('inbound_events')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    // Null for the receipt of a turn that deleted its own member (`/debrief forget`): the receipt
    // keeps a redelivered click harmless and holds nothing about the person.
    .addColumn('member_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('result', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('inbound_events_pk', ['platform', 'workspace_id', 'event_id'])
    .execute();

  await db.schema
    .createTable('debriefs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('conversation_id', 'uuid', (c) => c.unique().references('conversations.id').onDelete('set null'))
    .addColumn('company', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('interview_date', 'date')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('mood', 'smallint', (c) => c.check(sql`mood between 1 and 5`))
    .addColumn('strength_tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('strengths', 'text')
    .addColumn('growth_tags', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('growth_areas', 'text')
    .addColumn('feedback_status', 'text')
    .addColumn('feedback_strengths', 'text')
    .addColumn('feedback_weaknesses', 'text')
    .addColumn('fit', 'text')
    .addColumn('thanked', 'boolean')
    .addColumn('contacts', 'text')
    .addColumn('next_step', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('debriefs_member').on('debriefs').columns(['member_id', 'created_at']).execute();

  await db.schema
    .createTable('action_items')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('debrief_id', 'uuid', (c) => c.references('debriefs.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('due_date', 'date')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open').check(sql`status in ('open', 'done', 'dropped')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('action_items_member').on('action_items').columns(['member_id', 'status']).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
