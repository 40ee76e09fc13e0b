import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, RunStatus, SchedulesTable } from './types.js';

/**
 * The rows behind scheduled messages, as one port per kind (a ledger): who is due, locked with SKIP
 * LOCKED so replicas take disjoint batches; the per-slot run rows whose insert is the exactly-once
 * claim; and each subject's next slot. Prompts, check-ins and the digest keep the tables they were
 * born with; any kind after them shares `due_runs` and `due_cursors` and needs no migration.
 */

/** Whom a scheduled kind posts to: a community's channel or a member's DMs. */
export interface DueSubject {
  /** The schedule's or the member's id: with the slot, the key of a run. */
  id: string;
  platform: string;
  workspaceId: string;
  target: { kind: 'channel' | 'dm'; id: string };
  timeZone: string;
  /** A community schedule's own cron (its weekly prompt time); null for a member. */
  cron: string | null;
  /** The slot expected next, in UTC; null for a subject this kind has not seen yet. */
  next: Date | null;
  owner: { scheduleId: string } | { memberId: string };
}

/** `withheld`: in time, but the kind chose to send nothing (a digest for too small a group). */
export type DueStatus = RunStatus | 'withheld';

export interface DueRun<D> {
  subject: DueSubject;
  slot: Date;
  status: DueStatus;
  /** Kept with the claim: which prompt was posted, how many members a digest counted. */
  detail?: D | undefined;
}

export interface DueLedger<D> {
  lockDue(trx: Transaction<Database>, now: Date, limit: number): Promise<DueSubject[]>;
  /** Inserts the runs' rows; returns the runs this caller claimed (nobody had before). */
  claim(trx: Transaction<Database>, runs: DueRun<D>[], claimedBy: string, now: Date): Promise<DueRun<D>[]>;
  setNext(trx: Transaction<Database>, next: { subject: DueSubject; next: Date }[]): Promise<void>;
}

/** Who receives a kind that keeps its rows in `due_runs`: every enabled community schedule, or every
 *  member who has weekly messages (check-ins) on. */
export type Audience = 'communities' | 'members';

type ScheduleRow = Pick<SchedulesTable, 'id' | 'platform' | 'workspace_id' | 'channel_id' | 'time_zone' | 'cron'>;
type MemberRow = { id: string; platform: string; workspace_id: string; user_id: string; time_zone: string | null };

const community = (s: ScheduleRow, next: Date | null): DueSubject => ({
  id: s.id,
  platform: s.platform,
  workspaceId: s.workspace_id,
  target: { kind: 'channel', id: s.channel_id },
  timeZone: s.time_zone,
  cron: s.cron,
  next,
  owner: { scheduleId: s.id },
});

const member = (m: MemberRow, next: Date | null): DueSubject => ({
  id: m.id,
  platform: m.platform,
  workspaceId: m.workspace_id,
  target: { kind: 'dm', id: m.user_id },
  timeZone: m.time_zone ?? 'UTC',
  cron: null,
  next,
  owner: { memberId: m.id },
});

const scheduleColumns = ['s.id', 's.platform', 's.workspace_id', 's.channel_id', 's.time_zone', 's.cron'] as const;
const memberColumns = ['m.id', 'm.platform', 'm.workspace_id', 'm.user_id', 'm.time_zone'] as const;

/** Runs this caller claimed: those whose rows came back from an insert … on conflict do nothing. */
async function claimWith<D>(runs: DueRun<D>[], insert: (runs: DueRun<D>[]) => Promise<{ id: string; slot: Date }[]>): Promise<DueRun<D>[]> {
  if (runs.length === 0) return [];
  const won = new Set((await insert(runs)).map((r) => `${r.id}|${r.slot.getTime()}`));
  return runs.filter((r) => won.has(`${r.subject.id}|${r.slot.getTime()}`));
}

/** Each subject's next slot in one statement, however many subjects a fan-out touches. */
async function setNextColumn(
  trx: Kysely<Database>,
  table: 'schedules' | 'members',
  column: 'next_run_at' | 'next_digest_at' | 'next_checkin_at',
  next: { subject: DueSubject; next: Date }[],
): Promise<void> {
  if (next.length === 0) return;
  const rows = JSON.stringify(next.map((n) => ({ id: n.subject.id, next: n.next.toISOString() })));
  await sql`
    update ${sql.table(table)} set ${sql.ref(column)} = v.next::timestamptz
    from (select * from jsonb_to_recordset(${rows}::jsonb) as x(id uuid, next text)) as v
    where ${sql.ref(`${table}.id`)} = v.id`.execute(trx);
}

/** Enabled community schedules whose `column` slot has come (or is not set yet). */
const lockSchedules = (column: 'next_run_at' | 'next_digest_at') => async (trx: Transaction<Database>, now: Date, limit: number) => {
  const rows = await trx
    .selectFrom('schedules as s')
    .select([...scheduleColumns, `s.${column} as next`])
    .where('s.enabled', '=', true)
    .where((eb) => eb.or([eb(`s.${column}`, 'is', null), eb(`s.${column}`, '<=', now)]))
    .orderBy(`s.${column}`)
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map((s) => community(s, s.next));
};

/** Statuses the first three kinds' tables take; they have no 'withheld' of their own. */
const legacyStatus = (s: DueStatus): RunStatus => (s === 'withheld' ? 'skipped' : s);
const claimRow = (r: DueRun<unknown>, claimedBy: string, now: Date) => ({ slot: r.slot, claimed_by: claimedBy, claimed_at: now });

/** The weekly community prompt: `schedules.next_run_at`, runs in `schedule_runs` with the prompt used. */
export const promptLedger: DueLedger<{ promptId: string }> = {
  lockDue: lockSchedules('next_run_at'),
  claim: (trx, runs, claimedBy, now) =>
    claimWith(runs, (rs) =>
      trx
        .insertInto('schedule_runs')
        .values(rs.map((r) => ({ ...claimRow(r, claimedBy, now), schedule_id: r.subject.id, prompt_id: r.detail?.promptId ?? null, status: legacyStatus(r.status) })))
        .onConflict((oc) => oc.doNothing())
        .returning(['schedule_id as id', 'slot'])
        .execute(),
    ),
  setNext: (trx, next) => setNextColumn(trx, 'schedules', 'next_run_at', next),
};

/** The weekly check-in: `members.next_checkin_at` while check-ins are on, runs in `checkin_runs`. */
export const checkinLedger: DueLedger<never> = {
  async lockDue(trx, now, limit) {
    const rows = await trx
      .selectFrom('members as m')
      .select([...memberColumns, 'm.next_checkin_at'])
      .where('m.checkins_enabled', '=', true)
      .where('m.next_checkin_at', '<=', now)
      .orderBy('m.next_checkin_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map((m) => member(m, m.next_checkin_at));
  },
  claim: (trx, runs, claimedBy, now) =>
    claimWith(runs, (rs) =>
      trx
        .insertInto('checkin_runs')
        .values(rs.map((r) => ({ ...claimRow(r, claimedBy, now), member_id: r.subject.id, status: legacyStatus(r.status) })))
        .onConflict((oc) => oc.doNothing())
        .returning(['member_id as id', 'slot'])
        .execute(),
    ),
  setNext: (trx, next) => setNextColumn(trx, 'members', 'next_checkin_at', next),
};

/** The monthly digest: `schedules.next_digest_at`, runs in `digest_runs` with the group's size. */
export const digestLedger: DueLedger<{ members: number }> = {
  lockDue: lockSchedules('next_digest_at'),
  claim: (trx, runs, claimedBy, now) =>
    claimWith(runs, (rs) =>
      trx
        .insertInto('digest_runs')
        .values(
          rs.map((r) => ({
            ...claimRow(r, claimedBy, now),
            schedule_id: r.subject.id,
            status: r.status === 'withheld' ? ('too_small' as const) : r.status,
            members: r.detail?.members ?? 0,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returning(['schedule_id as id', 'slot'])
        .execute(),
    ),
  setNext: (trx, next) => setNextColumn(trx, 'schedules', 'next_digest_at', next),
};

/** The shared tables, for a kind named `kind` posting to `audience`. */
export function dueRunLedger<D>(kind: string, audience: Audience): DueLedger<D> {
  return {
    async lockDue(trx, now, limit) {
      if (audience === 'communities') {
        const rows = await trx
          .selectFrom('schedules as s')
          .leftJoin('due_cursors as c', (j) => j.onRef('c.subject_id', '=', 's.id').on('c.kind', '=', kind))
          .select([...scheduleColumns, 'c.next_at'])
          .where('s.enabled', '=', true)
          .where((eb) => eb.or([eb('c.next_at', 'is', null), eb('c.next_at', '<=', now)]))
          .orderBy('c.next_at')
          .limit(limit)
          .forUpdate('s')
          .skipLocked()
          .execute();
        return rows.map((s) => community(s, s.next_at));
      }
      const rows = await trx
        .selectFrom('members as m')
        .leftJoin('due_cursors as c', (j) => j.onRef('c.subject_id', '=', 'm.id').on('c.kind', '=', kind))
        .select([...memberColumns, 'c.next_at'])
        .where('m.checkins_enabled', '=', true)
        .where((eb) => eb.or([eb('c.next_at', 'is', null), eb('c.next_at', '<=', now)]))
        .orderBy('c.next_at')
        .limit(limit)
        .forUpdate('m')
        .skipLocked()
        .execute();
      return rows.map((m) => member(m, m.next_at));
    },
    claim: (trx, runs, claimedBy, now) =>
      claimWith(runs, (rs) =>
        trx
          .insertInto('due_runs')
          .values(
            rs.map((r) => ({
              ...claimRow(r, claimedBy, now),
              kind,
              subject_id: r.subject.id,
              status: r.status,
              detail: r.detail === undefined ? null : JSON.stringify(r.detail),
              ...owners(r.subject),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning(['subject_id as id', 'slot'])
          .execute(),
      ),
    async setNext(trx, next) {
      if (next.length === 0) return;
      await trx
        .insertInto('due_cursors')
        .values(next.map((n) => ({ kind, subject_id: n.subject.id, next_at: n.next, ...owners(n.subject) })))
        .onConflict((oc) => oc.columns(['kind', 'subject_id']).doUpdateSet((eb) => ({ next_at: eb.ref('excluded.next_at') })))
        .execute();
    },
  };
}

const owners = (s: DueSubject) =>
  'memberId' in s.owner ? { member_id: s.owner.memberId, schedule_id: null } : { member_id: null, schedule_id: s.owner.scheduleId };
