import type { Kysely } from 'kysely';
import { dueRunLedger, type DueRun, type DueSubject } from '../db/due-runs.js';
import { enqueueMany, type Enqueue } from '../db/outbox.js';
import type { Database } from '../db/types.js';
import { latestSlot, nextSlot } from '../cron.js';
import type { ScheduledKind } from './kind.js';

/**
 * Turns a scheduled kind's due slots into outbox messages, exactly once per slot however many
 * replicas tick at once: subjects are taken with SKIP LOCKED, and each slot is claimed by inserting
 * its run row (primary key on the subject and slot) in the same transaction as the message. A slot
 * missed while every replica was down is caught up if it is within the grace window, and recorded as
 * skipped otherwise, as are the slots before it.
 */

export interface DueOptions {
  now: Date;
  instanceId: string;
  graceMs: number;
  /** Subjects per transaction, instead of the kind's own. */
  batch?: number;
}

export interface DueCounts {
  queued: number;
  skipped: number;
}

const MAX_SKIPPED_RECORDED = 52;

export async function runDue<D>(db: Kysely<Database>, kind: ScheduledKind<D>, opts: DueOptions): Promise<DueCounts> {
  const ledger = kind.ledger ?? dueRunLedger<D>(kind.name, kind.audience);
  const batch = opts.batch ?? kind.batch ?? 100;
  const counts: DueCounts = { queued: 0, skipped: 0 };
  // Slots are computed once per (cron, zone), and a batch is claimed, queued and rescheduled in three
  // statements: a Monday fan-out to thousands of members is a few dozen statements, not thousands.
  const slots = new Map<string, { latest: Date; next: Date }>();
  const slotsOf = (s: DueSubject) => {
    const cron = kind.cron(s);
    const key = `${cron}|${s.timeZone}`;
    let at = slots.get(key);
    if (!at) slots.set(key, (at = { latest: latestSlot(cron, s.timeZone, opts.now), next: nextSlot(cron, s.timeZone, opts.now) }));
    return { cron, ...at };
  };
  for (;;) {
    const handled = await db.transaction().execute(async (trx) => {
      const due = await ledger.lockDue(trx, opts.now, batch);
      const runs: DueRun<D>[] = [];
      const messages = new Map<DueRun<D>, Enqueue>();
      for (const subject of due) {
        const { cron, latest: slot } = slotsOf(subject);
        // A subject seen for the first time only learns its next slot.
        if (!subject.next || slot < subject.next) continue;
        for (const missed of missedSlots(cron, subject.timeZone, subject.next, slot)) runs.push({ subject, slot: missed, status: 'skipped' });
        if (opts.now.getTime() - slot.getTime() > opts.graceMs) {
          runs.push({ subject, slot, status: 'skipped' });
          continue;
        }
        const previousSlot = () => latestSlot(cron, subject.timeZone, new Date(slot.getTime() - 1));
        const out = await kind.compose({ trx, subject, slot, previousSlot, now: opts.now });
        const run: DueRun<D> = { subject, slot, status: 'replies' in out ? 'queued' : 'withheld', detail: out.detail };
        runs.push(run);
        if ('replies' in out)
          messages.set(run, {
            dedupeKey: `${kind.name}:${subject.id}:${slot.toISOString()}`,
            platform: subject.platform,
            workspaceId: subject.workspaceId,
            target: subject.target,
            replies: out.replies,
            notBefore: slot,
            ...subject.owner,
          });
      }
      const claimed = await ledger.claim(trx, runs, opts.instanceId, opts.now);
      const queued = claimed.flatMap((r) => messages.get(r) ?? []);
      counts.queued += queued.length;
      counts.skipped += claimed.length - queued.length;
      await enqueueMany(trx, queued, opts.now);
      await ledger.setNext(trx, due.map((subject) => ({ subject, next: slotsOf(subject).next })));
      return due.length;
    });
    if (handled < batch) return counts;
  }
}

/** Slots from the one expected up to (not including) the latest: missed during a long outage. */
function missedSlots(cron: string, zone: string, expected: Date, latest: Date): Date[] {
  const missed: Date[] = [];
  for (let slot = expected; missed.length < MAX_SKIPPED_RECORDED && slot < latest; slot = nextSlot(cron, zone, slot)) missed.push(slot);
  return missed;
}
