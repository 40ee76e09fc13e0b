import { sql, type Kysely } from 'kysely';

// Frozen in time: the servers a member debriefs from (Discord users are global, so a member is not
// tied to one server by their id), the once-a-day claim of the retention job, and what the outbox
// keeps to look up a message it may already have sent.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_communities')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    // A Discord server id (guild), where the member typed `/debrief` or clicked a channel post.
    .addColumn('community_id', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('member_communities_pk', ['member_id', 'platform', 'community_id'])
    .execute();
  await db.schema.createIndex('member_communities_community').on('member_communities').columns(['platform', 'community_id']).execute();

  await db.schema
    .createTable('maintenance_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_by', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('maintenance_runs_pk', ['job', 'slot'])
    .execute();

  // When the first attempt to send began: nothing of this message can be on the platform from before,
  // so a search for it after an uncertain attempt starts there.
  await db.schema.alterTable('outbox').addColumn('first_attempt_at', 'timestamptz').execute();
  // The platform's id of each part, recorded as soon as the platform answers: {"0": "1234.5678", ...}.
  await db.schema.alterTable('outbox').addColumn('sent_parts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
