import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Schedule } from '../db/types.js';
import { choiceIds, encodePrompt } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { promptText } from '../flows/reflection-prompts.js';
import { digestFigures, digestReply } from '../digest/digest.js';
import { latestSlot, nextSlot } from '../cron.js';
import { enqueue, enqueueMany } from './outbox.js';
import { nextPromptId } from './rotation.js';

/**
 * Turns due schedules and check-ins into outbox messages, exactly once per slot however many replicas
 * tick at once: rows are taken with SKIP LOCKED, and each slot is claimed by inserting its run row
 * (schedule_runs / checkin_runs, primary key on the slot) in the same transaction as the message.
 * A slot missed while every replica was down is caught up if it is within the grace window, and
 * recorded as skipped otherwise.
 */

export interface DueOptions {
  now: Date;
  instanceId: string;
  graceMs: number;
  checkinCron: string;
  batch?: number;
}

export interface DueCounts {
  queued: number;
  skipped: number;
}

const MAX_SKIPPED_RECORDED = 52;

export async function runDueSchedules(db: Kysely<Database>, opts: DueOptions): Promise<DueCounts> {
  const counts: DueCounts = { queued: 0, skipped: 0 };
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('schedules')
        .selectAll()
        .where('enabled', '=', true)
        .where('next_run_at', '<=', opts.now)
        .orderBy('next_run_at')
        .limit(opts.batch ?? 20)
        .forUpdate()
        .skipLocked()
        .execute();
      for (const s of due) await fireSchedule(trx, s, opts, counts);
      return due.length;
    });
    if (handled < (opts.batch ?? 20)) return counts;
  }
}

async function fireSchedule(trx: Transaction<Database>, s: Schedule, opts: DueOptions, counts: DueCounts) {
  const slot = latestSlot(s.cron, s.time_zone, opts.now);
  await recordMissed(s.cron, s.time_zone, s.next_run_at, slot, async (missed) => {
    const r = await claim(trx, 'schedule_runs', { schedule_id: s.id, slot: missed }, 'skipped', opts);
    if (r) counts.skipped++;
  });
  if (slot >= s.next_run_at) {
    if (opts.now.getTime() - slot.getTime() <= opts.graceMs) {
      const promptId = await nextPromptId(trx, s.id);
      if (await claim(trx, 'schedule_runs', { schedule_id: s.id, slot, prompt_id: promptId }, 'queued', opts)) {
        await enqueue(
          trx,
          {
            dedupeKey: `prompt:${s.id}:${slot.toISOString()}`,
            platform: s.platform,
            workspaceId: s.workspace_id,
            target: { kind: 'channel', id: s.channel_id },
            replies: [communityPrompt(promptId)],
            notBefore: slot,
            scheduleId: s.id,
          },
          opts.now,
        );
        counts.queued++;
      }
    } else if (await claim(trx, 'schedule_runs', { schedule_id: s.id, slot }, 'skipped', opts)) counts.skipped++;
  }
  await trx
    .updateTable('schedules')
    .set({ next_run_at: nextSlot(s.cron, s.time_zone, opts.now) })
    .where('id', '=', s.id)
    .execute();
}

export async function runDueCheckins(db: Kysely<Database>, opts: DueOptions): Promise<DueCounts> {
  const counts: DueCounts = { queued: 0, skipped: 0 };
  const batch = opts.batch ?? 200;
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const due = await trx
        .selectFrom('members')
        .select(['id', 'platform', 'workspace_id', 'user_id', 'time_zone', 'next_checkin_at'])
        .where('checkins_enabled', '=', true)
        .where('next_checkin_at', '<=', opts.now)
        .orderBy('next_checkin_at')
        .limit(batch)
        .forUpdate()
        .skipLocked()
        .execute();
      // Slots are computed once per zone, and the batch is claimed, queued and rescheduled in three
      // statements: a Monday fan-out to thousands of members is a few dozen statements, not thousands.
      const zones = new Map<string, { slot: Date; next: Date }>();
      const slotsOf = (zone: string) => {
        let z = zones.get(zone);
        if (!z) zones.set(zone, (z = { slot: latestSlot(opts.checkinCron, zone, opts.now), next: nextSlot(opts.checkinCron, zone, opts.now) }));
        return z;
      };
      const runs = due
        .map((m) => ({ m, ...slotsOf(m.time_zone ?? 'UTC') }))
        .filter((r) => r.slot >= r.m.next_checkin_at!)
        .map((r) => ({ ...r, inTime: opts.now.getTime() - r.slot.getTime() <= opts.graceMs }));
      if (runs.length > 0) {
        const claimed = await trx
          .insertInto('checkin_runs')
          .values(runs.map((r) => ({ member_id: r.m.id, slot: r.slot, status: r.inTime ? 'queued' : 'skipped', claimed_by: opts.instanceId, claimed_at: opts.now }) as const))
          .onConflict((oc) => oc.doNothing())
          .returning(['member_id', 'status'])
          .execute();
        const queued = new Set(claimed.filter((c) => c.status === 'queued').map((c) => c.member_id));
        counts.queued += queued.size;
        counts.skipped += claimed.length - queued.size;
        const messages = runs
          .filter((r) => queued.has(r.m.id))
          .map((r) => ({
            dedupeKey: `checkin:${r.m.id}:${r.slot.toISOString()}`,
            platform: r.m.platform,
            workspaceId: r.m.workspace_id,
            target: { kind: 'dm' as const, id: r.m.user_id },
            replies: [checkinInvite()],
            notBefore: r.slot,
            memberId: r.m.id,
          }));
        await enqueueMany(trx, messages, opts.now);
      }
      if (due.length > 0) {
        const next = due.map((m) => ({ id: m.id, next: slotsOf(m.time_zone ?? 'UTC').next.toISOString() }));
        await sql`
          update members set next_checkin_at = v.next::timestamptz
          from (select * from jsonb_to_recordset(${JSON.stringify(next)}::jsonb) as x(id uuid, next text)) as v
          where members.id = v.id`.execute(trx);
      }
      return due.length;
    });
    if (handled < batch) return counts;
  }
}

/** Inserts the run row; true when this caller claimed the slot (nobody had before). */
async function claim(
  trx: Transaction<Database>,
  table: 'schedule_runs' | 'checkin_runs',
  key: Record<string, unknown>,
  status: 'queued' | 'skipped',
  opts: DueOptions,
): Promise<boolean> {
  const row = await trx
    .insertInto(table)
    .values({ ...key, status, claimed_by: opts.instanceId, claimed_at: opts.now } as never)
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  return row !== undefined;
}

/** Slots strictly between the one we expected and the latest one: missed during a long outage. */
async function recordMissed(cron: string, zone: string, expected: Date, latest: Date, record: (slot: Date) => Promise<void>) {
  let slot = expected;
  for (let i = 0; i < MAX_SKIPPED_RECORDED && slot < latest; i++) {
    await record(slot);
    slot = nextSlot(cron, zone, slot);
  }
}

export function communityPrompt(promptId: string): Reply {
  return {
    text:
      `*This week's reflection*\n${promptText(promptId)}\n\n` +
      'Think it over privately: the button opens a short reflection in a DM with me. Nothing you write is shared here.',
    choices: [
      { id: choiceIds.start('reflection', promptId), label: 'Reflect privately' },
      { id: choiceIds.start('debrief'), label: 'Debrief an interview' },
    ],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}

export function checkinInvite(): Reply {
  return {
    text:
      "Hi, it's your weekly check-in. Any interviews this week? And how are the next steps you set yourself going?\n" +
      '_It takes a minute. `/debrief checkins off` stops these any time._',
    choices: [
      { id: choiceIds.start('checkin'), label: 'Check in' },
      { id: choiceIds.start('debrief'), label: 'Debrief an interview' },
    ],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}

export interface DigestOptions extends DueOptions {
  digestCron: string;
  minMembers: number;
}

/**
 * The monthly digest of each community schedule: claimed per (schedule, slot) like the prompts, over
 * the month since the previous slot. A group below the minimum is recorded as too small and gets
 * nothing at all.
 */
export async function runDueDigests(db: Kysely<Database>, opts: DigestOptions): Promise<DueCounts> {
  const counts: DueCounts = { queued: 0, skipped: 0 };
  await db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('schedules')
      .selectAll()
      .where('enabled', '=', true)
      .where((eb) => eb.or([eb('next_digest_at', 'is', null), eb('next_digest_at', '<=', opts.now)]))
      .orderBy('next_digest_at')
      .limit(opts.batch ?? 50)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const s of due) {
      const next = nextSlot(opts.digestCron, s.time_zone, opts.now);
      if (s.next_digest_at) {
        const slot = latestSlot(opts.digestCron, s.time_zone, opts.now);
        if (slot >= s.next_digest_at) {
          const inTime = opts.now.getTime() - slot.getTime() <= opts.graceMs;
          const from = latestSlot(opts.digestCron, s.time_zone, new Date(slot.getTime() - 1));
          const { members, figures } = inTime
            ? await digestFigures(trx, { platform: s.platform, workspaceId: s.workspace_id }, from, slot, opts.minMembers)
            : { members: 0, figures: undefined };
          const status = !inTime ? 'skipped' : figures ? 'queued' : 'too_small';
          const claimed = await trx
            .insertInto('digest_runs')
            .values({ schedule_id: s.id, slot, status, members, claimed_by: opts.instanceId, claimed_at: opts.now })
            .onConflict((oc) => oc.doNothing())
            .returning('slot')
            .executeTakeFirst();
          if (claimed && figures) {
            const month = from.toLocaleString('en-GB', { month: 'long', timeZone: s.time_zone });
            await enqueue(
              trx,
              {
                dedupeKey: `digest:${s.id}:${slot.toISOString()}`,
                platform: s.platform,
                workspaceId: s.workspace_id,
                target: { kind: 'channel', id: s.channel_id },
                replies: [digestReply(figures, month)],
                notBefore: slot,
                scheduleId: s.id,
              },
              opts.now,
            );
            counts.queued++;
          } else if (claimed) counts.skipped++;
        }
      }
      await trx.updateTable('schedules').set({ next_digest_at: next }).where('id', '=', s.id).execute();
    }
  });
  return counts;
}
