import type { Kysely, Transaction } from 'kysely';
import {
  claimCheckinRuns,
  claimDigestRun,
  claimPromptRun,
  lockDueCheckinMembers,
  lockDueDigestSchedules,
  lockDuePromptSchedules,
  setNextCheckins,
  setNextDigest,
  setNextPromptRun,
} from '../db/due-runs.js';
import type { Database, Schedule } from '../db/types.js';
import { checkinInvite, communityPrompt } from '../flows/invitations.js';
import { digestFigures, digestReply } from '../digest/digest.js';
import { latestSlot, nextSlot } from '../cron.js';
import { enqueue, enqueueMany } from '../db/outbox.js';
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
      const due = await lockDuePromptSchedules(trx, opts.now, opts.batch ?? 20);
      for (const s of due) await fireSchedule(trx, s, opts, counts);
      return due.length;
    });
    if (handled < (opts.batch ?? 20)) return counts;
  }
}

async function fireSchedule(trx: Transaction<Database>, s: Schedule, opts: DueOptions, counts: DueCounts) {
  const slot = latestSlot(s.cron, s.time_zone, opts.now);
  await recordMissed(s.cron, s.time_zone, s.next_run_at, slot, async (missed) => {
    const r = await claimPromptRun(trx, { scheduleId: s.id, slot: missed, ...claimedAs('skipped', opts) });
    if (r) counts.skipped++;
  });
  if (slot >= s.next_run_at) {
    if (opts.now.getTime() - slot.getTime() <= opts.graceMs) {
      const promptId = await nextPromptId(trx, s.id);
      if (await claimPromptRun(trx, { scheduleId: s.id, slot, promptId, ...claimedAs('queued', opts) })) {
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
    } else if (await claimPromptRun(trx, { scheduleId: s.id, slot, ...claimedAs('skipped', opts) })) counts.skipped++;
  }
  await setNextPromptRun(trx, s.id, nextSlot(s.cron, s.time_zone, opts.now));
}

export async function runDueCheckins(db: Kysely<Database>, opts: DueOptions): Promise<DueCounts> {
  const counts: DueCounts = { queued: 0, skipped: 0 };
  const batch = opts.batch ?? 200;
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const due = await lockDueCheckinMembers(trx, opts.now, batch);
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
        const claimed = await claimCheckinRuns(
          trx,
          runs.map((r) => ({ memberId: r.m.id, slot: r.slot, status: r.inTime ? 'queued' : 'skipped' })),
          opts.instanceId,
          opts.now,
        );
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
      await setNextCheckins(trx, due.map((m) => ({ id: m.id, next: slotsOf(m.time_zone ?? 'UTC').next })));
      return due.length;
    });
    if (handled < batch) return counts;
  }
}

const claimedAs = (status: 'queued' | 'skipped', opts: DueOptions) => ({ status, claimedBy: opts.instanceId, now: opts.now });

/** Slots strictly between the one we expected and the latest one: missed during a long outage. */
async function recordMissed(cron: string, zone: string, expected: Date, latest: Date, record: (slot: Date) => Promise<void>) {
  let slot = expected;
  for (let i = 0; i < MAX_SKIPPED_RECORDED && slot < latest; i++) {
    await record(slot);
    slot = nextSlot(cron, zone, slot);
  }
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
    const due = await lockDueDigestSchedules(trx, opts.now, opts.batch ?? 50);
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
          const claimed = await claimDigestRun(trx, { scheduleId: s.id, slot, status, members, claimedBy: opts.instanceId, now: opts.now });
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
      await setNextDigest(trx, s.id, next);
    }
  });
  return counts;
}
