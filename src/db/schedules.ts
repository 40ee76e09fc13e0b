import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { inCommunity, type Community } from './member-communities.js';
import type { Database } from './types.js';

export interface ScheduleInput {
  platform: string;
  workspaceId: string;
  channelId: string;
  cron: string;
  timeZone: string;
  updatedBy: string | null;
  now: Date;
  nextRunAt: Date;
}

/** The community's prompt schedule, created or replaced (or, with onlyIfMissing, left as it is). */
export async function saveSchedule(db: Kysely<Database>, s: ScheduleInput, onlyIfMissing = false): Promise<void> {
  const insert = db.insertInto('schedules').values({
    id: randomUUID(),
    platform: s.platform,
    workspace_id: s.workspaceId,
    kind: 'community_prompt',
    channel_id: s.channelId,
    cron: s.cron,
    time_zone: s.timeZone,
    next_run_at: s.nextRunAt,
    updated_by: s.updatedBy,
  });
  if (onlyIfMissing) {
    await insert.onConflict((oc) => oc.constraint('schedules_one_per_kind').doNothing()).execute();
    return;
  }
  const saved = await insert
    .onConflict((oc) =>
      oc.constraint('schedules_one_per_kind').doUpdateSet({
        channel_id: s.channelId,
        cron: s.cron,
        time_zone: s.timeZone,
        next_run_at: s.nextRunAt,
        enabled: true,
        updated_by: s.updatedBy,
        updated_at: s.now,
      }),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  await forgetNextSlots(db, 'schedule_id', saved.id);
}

/**
 * A subject whose schedule changed (a new time or zone, a pause, check-ins turned off or on) starts
 * afresh with the kinds in `due_cursors`: each learns its next slot at the next tick, rather than
 * catching up on slots that fell while it was paused or were computed in another zone.
 */
async function forgetNextSlots(db: Kysely<Database>, column: 'schedule_id' | 'member_id', id: string): Promise<void> {
  await db.deleteFrom('due_cursors').where(column, '=', id).execute();
}

export async function setScheduleEnabled(
  db: Kysely<Database>,
  id: string,
  s: { enabled: boolean; nextRunAt: Date; updatedBy: string; now: Date },
): Promise<void> {
  await db
    .updateTable('schedules')
    .set({ enabled: s.enabled, next_run_at: s.nextRunAt, updated_by: s.updatedBy, updated_at: s.now })
    .where('id', '=', id)
    .execute();
  await forgetNextSlots(db, 'schedule_id', id);
}

export function findCommunitySchedule(db: Kysely<Database>, platform: string, workspaceId: string) {
  return db
    .selectFrom('schedules')
    .selectAll()
    .where('platform', '=', platform)
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', 'community_prompt')
    .executeTakeFirst();
}

export function lastScheduleRun(db: Kysely<Database>, scheduleId: string) {
  return db.selectFrom('schedule_runs').select(['slot', 'status']).where('schedule_id', '=', scheduleId).orderBy('slot', 'desc').executeTakeFirst();
}

/** Prompt ids a schedule has posted, the latest first. */
export async function postedPromptIds(db: Kysely<Database>, scheduleId: string): Promise<(string | null)[]> {
  const rows = await db
    .selectFrom('schedule_runs')
    .select('prompt_id')
    .where('schedule_id', '=', scheduleId)
    .where('status', '=', 'queued')
    .orderBy('slot', 'desc')
    .execute();
  return rows.map((r) => r.prompt_id);
}

/** Deliveries of a schedule's posts, counted by status. */
export function scheduleDeliveryCounts(db: Kysely<Database>, scheduleId: string) {
  return db
    .selectFrom('outbox')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('schedule_id', '=', scheduleId)
    .groupBy('status')
    .execute();
}

/** Members of a community with check-ins on. */
export async function checkinMemberCount(db: Kysely<Database>, community: Community): Promise<number> {
  const member = inCommunity({ id: 'm.id', platform: 'm.platform', workspaceId: 'm.workspace_id' }, community);
  const row = await db
    .selectFrom('members as m')
    .select(sql<number>`count(*)::int`.as('n'))
    .where(member)
    .where('m.checkins_enabled', '=', true)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Direct messages (check-ins) to a community's members since a time, counted by status. */
export function dmDeliveryCounts(db: Kysely<Database>, community: Community, since: Date) {
  const member = inCommunity({ id: 'm.id', platform: 'm.platform', workspaceId: 'm.workspace_id' }, community);
  return db
    .selectFrom('outbox as o')
    .innerJoin('members as m', 'm.id', 'o.member_id')
    .select(['o.status', sql<number>`count(*)::int`.as('n')])
    .where(member)
    .where('o.target_kind', '=', 'dm')
    .where('o.created_at', '>', since)
    .groupBy('o.status')
    .execute();
}

export function memberCheckins(db: Kysely<Database>, memberId: string) {
  return db.selectFrom('members').select(['time_zone', 'checkins_enabled']).where('id', '=', memberId).executeTakeFirstOrThrow();
}

/** Turns a member's check-ins on (in a zone, from a first slot) or off. */
export async function setCheckins(
  db: Kysely<Database>,
  memberId: string,
  s: { enabled: true; timeZone: string; nextCheckinAt: Date } | { enabled: false },
): Promise<void> {
  await db
    .updateTable('members')
    .set(
      s.enabled
        ? { checkins_enabled: true, time_zone: s.timeZone, next_checkin_at: s.nextCheckinAt }
        : { checkins_enabled: false, next_checkin_at: null },
    )
    .where('id', '=', memberId)
    .execute();
  await forgetNextSlots(db, 'member_id', memberId);
}
