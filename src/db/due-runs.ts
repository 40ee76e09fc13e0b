import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './types.js';

/**
 * The rows behind scheduled messages: what is due, locked with SKIP LOCKED so replicas take disjoint
 * batches, and the per-slot run rows whose insert is the exactly-once claim.
 */

export function lockDuePromptSchedules(trx: Transaction<Database>, now: Date, limit: number) {
  return trx
    .selectFrom('schedules')
    .selectAll()
    .where('enabled', '=', true)
    .where('next_run_at', '<=', now)
    .orderBy('next_run_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export function lockDueDigestSchedules(trx: Transaction<Database>, now: Date, limit: number) {
  return trx
    .selectFrom('schedules')
    .selectAll()
    .where('enabled', '=', true)
    .where((eb) => eb.or([eb('next_digest_at', 'is', null), eb('next_digest_at', '<=', now)]))
    .orderBy('next_digest_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export function lockDueCheckinMembers(trx: Transaction<Database>, now: Date, limit: number) {
  return trx
    .selectFrom('members')
    .select(['id', 'platform', 'workspace_id', 'user_id', 'time_zone', 'next_checkin_at'])
    .where('checkins_enabled', '=', true)
    .where('next_checkin_at', '<=', now)
    .orderBy('next_checkin_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

interface Claim {
  status: 'queued' | 'skipped';
  claimedBy: string;
  now: Date;
}

/** Inserts a prompt's run row; true when this caller claimed the slot (nobody had before). */
export async function claimPromptRun(trx: Kysely<Database>, run: { scheduleId: string; slot: Date; promptId?: string } & Claim): Promise<boolean> {
  const row = await trx
    .insertInto('schedule_runs')
    .values({
      schedule_id: run.scheduleId,
      slot: run.slot,
      ...(run.promptId !== undefined ? { prompt_id: run.promptId } : {}),
      status: run.status,
      claimed_by: run.claimedBy,
      claimed_at: run.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('slot')
    .executeTakeFirst();
  return row !== undefined;
}

/** Claims many members' check-in slots at once; returns the ones this caller claimed. */
export function claimCheckinRuns(
  trx: Kysely<Database>,
  runs: { memberId: string; slot: Date; status: 'queued' | 'skipped' }[],
  claimedBy: string,
  now: Date,
) {
  return trx
    .insertInto('checkin_runs')
    .values(runs.map((r) => ({ member_id: r.memberId, slot: r.slot, status: r.status, claimed_by: claimedBy, claimed_at: now })))
    .onConflict((oc) => oc.doNothing())
    .returning(['member_id', 'status'])
    .execute();
}

/** Inserts a digest's run row; true when this caller claimed the slot. */
export async function claimDigestRun(
  trx: Kysely<Database>,
  run: { scheduleId: string; slot: Date; status: 'queued' | 'skipped' | 'too_small'; members: number; claimedBy: string; now: Date },
): Promise<boolean> {
  const row = await trx
    .insertInto('digest_runs')
    .values({ schedule_id: run.scheduleId, slot: run.slot, status: run.status, members: run.members, claimed_by: run.claimedBy, claimed_at: run.now })
    .onConflict((oc) => oc.doNothing())
    .returning('slot')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setNextPromptRun(trx: Kysely<Database>, scheduleId: string, next: Date): Promise<void> {
  await trx.updateTable('schedules').set({ next_run_at: next }).where('id', '=', scheduleId).execute();
}

export async function setNextDigest(trx: Kysely<Database>, scheduleId: string, next: Date): Promise<void> {
  await trx.updateTable('schedules').set({ next_digest_at: next }).where('id', '=', scheduleId).execute();
}

/** Each member's next check-in, in one statement however many members a fan-out touches. */
export async function setNextCheckins(trx: Kysely<Database>, next: { id: string; next: Date }[]): Promise<void> {
  if (next.length === 0) return;
  const rows = JSON.stringify(next.map((n) => ({ id: n.id, next: n.next.toISOString() })));
  await sql`
    update members set next_checkin_at = v.next::timestamptz
    from (select * from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, next text)) as v
    where members.id = v.id`.execute(trx);
}
