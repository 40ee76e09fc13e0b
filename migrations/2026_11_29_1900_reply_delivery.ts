import { sql, type Kysely } from 'kysely';

// Frozen in time: a turn's receipt says whether its replies reached the person. A receipt committed
// but never marked delivered (the process died between the commit and the post) is delivered again.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('inbound_events')
    .addColumn('delivered_at', 'timestamptz')
    // Who is delivering it again, until when: one replica at a time.
    .addColumn('delivery_lease_until', 'timestamptz')
    .execute();
  // Everything before this was delivered as well as it ever will be.
  await sql`update inbound_events set delivered_at = created_at`.execute(db);
  await sql`create index inbound_events_undelivered on inbound_events (member_id, created_at) where delivered_at is null`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Migrations are forward-only.');
}
