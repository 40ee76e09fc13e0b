import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import type { Database } from '../../src/db/types.js';
import { reflectionPrompts } from '../../src/flows/reflection-prompts.js';
import { upsertSchedule } from '../../src/commands/admin.js';
import { runDue, type DueOptions } from '../../src/scheduler/due-runs.js';
import { checkinInvites } from '../../src/scheduler/kinds/checkin-invites.js';
import { communityPrompts } from '../../src/scheduler/kinds/community-prompts.js';
import { claimBatch } from '../../src/db/outbox.js';
import { drainAll } from '../../src/scheduler/worker.js';
import { fakeDeliverer } from '../helpers/fake-deliverer.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

const HOUR = 3600_000;
const MINUTE = 60_000;
let database: TestDatabase;
/** Three "replicas": on Postgres, three pools of their own; on PGlite, the one database. */
let replicas: Kysely<Database>[];
let extra: DatabaseHandle[] = [];

beforeAll(async () => {
  database = await freshDatabase();
  if (database.url) {
    extra = await Promise.all([1, 2].map(() => connectPostgres(database.url!, { poolSize: 4, logger: silentLogger })));
  }
  replicas = [database.db, ...extra.map((e) => e.db)];
  while (replicas.length < 3) replicas.push(database.db);
});
afterAll(async () => {
  for (const e of extra) await e.close();
  await database.close();
});

const opts = (now: Date, instance = 'r1', graceMs = 3 * HOUR): DueOptions => ({
  now,
  instanceId: instance,
  graceMs,
});
const checkins = checkinInvites({ checkinCron: '0 10 * * 1' });

let ws = 0;
async function newSchedule(cron: string, zone: string, now: Date) {
  const workspaceId = `T-sched-${++ws}`;
  await upsertSchedule(database.db, { platform: 'slack', workspaceId, channelId: `C${ws}`, cron, timeZone: zone, updatedBy: 'U1', now });
  return database.db.selectFrom('schedules').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
}

async function outboxFor(scheduleId: string) {
  return database.db.selectFrom('outbox').selectAll().where('schedule_id', '=', scheduleId).orderBy('not_before').execute();
}

async function runsFor(scheduleId: string) {
  return database.db.selectFrom('schedule_runs').selectAll().where('schedule_id', '=', scheduleId).orderBy('slot').execute();
}

/** Ticks the three replicas at once. */
const tickAll = (now: Date, graceMs?: number) =>
  Promise.all(replicas.map((db, i) => runDue(db, communityPrompts, opts(now, `r${i + 1}`, graceMs))));

describe('community prompts, exactly once', () => {
  it('three replicas ticking together post once per period; a restart inside the window posts nothing more', async () => {
    // Friday 2026-11-27; the next Monday 09:00 London is 2026-11-30T09:00Z.
    const s = await newSchedule('0 9 * * 1', 'Europe/London', new Date('2026-11-27T12:00:00Z'));
    expect(s.next_run_at.toISOString()).toBe('2026-11-30T09:00:00.000Z');

    await tickAll(new Date('2026-11-30T08:59:00Z'));
    expect(await outboxFor(s.id)).toHaveLength(0);

    await tickAll(new Date('2026-11-30T09:00:00Z'));
    await tickAll(new Date('2026-11-30T09:00:30Z'));
    // A replica restarting ten minutes later ticks again.
    await runDue(replicas[2]!, communityPrompts, opts(new Date('2026-11-30T09:10:00Z'), 'r3-restarted'));

    const out = await outboxFor(s.id);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ target_kind: 'channel', target_id: s.channel_id, status: 'pending' });
    expect(out[0]!.not_before.toISOString()).toBe('2026-11-30T09:00:00.000Z');
    expect((await runsFor(s.id)).map((r) => r.status)).toEqual(['queued']);

    const now = new Date('2026-11-30T09:00:05Z');
    const fake = fakeDeliverer({ platform: 'slack', now: () => now });
    await Promise.all(
      replicas.map((db, i) => drainAll({ db, deliverers: new Map([['slack', fake]]), workerId: `r${i + 1}`, now: () => now, logger: silentLogger })),
    );
    expect(fake.sent.filter((m) => m.target === s.channel_id)).toHaveLength(1);
    expect(fake.sent.find((m) => m.target === s.channel_id)!.text).toMatch(/This week's reflection/);
  });

  it('a run missed within the grace window is caught up once; beyond it, recorded as skipped', async () => {
    const caught = await newSchedule('0 9 * * 1', 'Europe/London', new Date('2026-11-27T12:00:00Z'));
    await tickAll(new Date('2026-11-30T11:00:00Z'), 3 * HOUR);
    await tickAll(new Date('2026-11-30T11:01:00Z'), 3 * HOUR);
    expect(await outboxFor(caught.id)).toHaveLength(1);

    const late = await newSchedule('0 9 * * 1', 'Europe/London', new Date('2026-11-27T12:00:00Z'));
    await tickAll(new Date('2026-11-30T13:00:00Z'), 3 * HOUR);
    expect(await outboxFor(late.id)).toHaveLength(0);
    expect((await runsFor(late.id)).map((r) => [r.slot.toISOString(), r.status])).toEqual([['2026-11-30T09:00:00.000Z', 'skipped']]);
    // The following week fires as usual.
    await tickAll(new Date('2026-12-07T09:00:00Z'), 3 * HOUR);
    expect((await outboxFor(late.id)).map((o) => o.not_before.toISOString())).toEqual(['2026-12-07T09:00:00.000Z']);
  });

  it('after a long outage each missed week is recorded as skipped and only a recent one is sent', async () => {
    const s = await newSchedule('0 9 * * 1', 'UTC', new Date('2026-11-27T12:00:00Z'));
    await tickAll(new Date('2026-12-21T10:00:00Z'), 3 * HOUR);
    const runs = await runsFor(s.id);
    expect(runs.map((r) => [r.slot.toISOString().slice(0, 10), r.status])).toEqual([
      ['2026-11-30', 'skipped'],
      ['2026-12-07', 'skipped'],
      ['2026-12-14', 'skipped'],
      ['2026-12-21', 'queued'],
    ]);
    expect(await outboxFor(s.id)).toHaveLength(1);
  });

  it.each([
    ['Europe/London', '2026-03-16T00:00:00Z', ['2026-03-16T09:00:00.000Z', '2026-03-23T09:00:00.000Z', '2026-03-30T08:00:00.000Z', '2026-04-06T08:00:00.000Z']],
    ['Europe/London', '2026-10-12T00:00:00Z', ['2026-10-12T08:00:00.000Z', '2026-10-19T08:00:00.000Z', '2026-10-26T09:00:00.000Z', '2026-11-02T09:00:00.000Z']],
    ['America/New_York', '2026-03-01T00:00:00Z', ['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-16T13:00:00.000Z', '2026-03-23T13:00:00.000Z']],
    ['America/New_York', '2026-10-19T00:00:00Z', ['2026-10-19T13:00:00.000Z', '2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z', '2026-11-09T14:00:00.000Z']],
  ])('fires at 09:00 local in %s across the daylight-saving change from %s', async (zone, from, expected) => {
    const start = new Date(from);
    const s = await newSchedule('0 9 * * 1', zone, start);
    // Tick every hour for four weeks, as a replica would (every minute, thinned for speed).
    for (let t = start.getTime(); t < start.getTime() + 28 * 24 * HOUR; t += HOUR)
      await runDue(database.db, communityPrompts, opts(new Date(t)));
    const out = await outboxFor(s.id);
    expect(out.map((o) => o.not_before.toISOString())).toEqual(expected);
    for (const o of out) {
      const local = o.not_before.toLocaleString('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit' });
      expect(local).toBe('Mon 09:00');
    }
  });

  it('rotates through every prompt before repeating one, per channel', async () => {
    const s = await newSchedule('0 9 * * *', 'UTC', new Date('2026-11-27T12:00:00Z'));
    const pool = reflectionPrompts.length;
    for (let day = 0; day < pool + 2; day++) await runDue(database.db, communityPrompts, opts(new Date(Date.UTC(2026, 10, 28 + day, 9))));
    const runs = await runsFor(s.id);
    expect(runs).toHaveLength(pool + 2);
    expect(new Set(runs.slice(0, pool).map((r) => r.prompt_id)).size).toBe(pool);
    expect(new Set(runs.slice(pool).map((r) => r.prompt_id)).size).toBe(2);
    // The prompt in the message is the one recorded for the run.
    const out = await outboxFor(s.id);
    const first = reflectionPrompts.find((p) => p.id === runs[0]!.prompt_id)!;
    expect(out[0]!.payload.replies[0]!.text).toContain(first.text);
    expect(out[0]!.payload.replies[0]!.choices?.[0]?.id).toBe(`start:reflection:${first.id}`);
  });

  it('a channel that is gone is recorded as failed and not retried', async () => {
    const s = await newSchedule('0 9 * * 1', 'UTC', new Date('2026-11-27T12:00:00Z'));
    await runDue(database.db, communityPrompts, opts(new Date('2026-11-30T09:00:00Z')));
    let now = new Date('2026-11-30T09:00:01Z');
    const fake = fakeDeliverer({ platform: 'slack', now: () => now, goneTargets: new Set([s.channel_id]) });
    const run = () => drainAll({ db: database.db, deliverers: new Map([['slack', fake]]), workerId: 'w', now: () => now, logger: silentLogger });
    await run();
    now = new Date('2026-12-01T09:00:00Z');
    await run();
    const [row] = await outboxFor(s.id);
    expect(row).toMatchObject({ status: 'failed', last_error: 'channel_not_found', attempts: 1 });
  });
});

describe('personal check-ins fan out exactly once', () => {
  it('2,000 members across time zones, a rate-limited platform, and a sender that dies mid-send', async () => {
    const zones = ['Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Los_Angeles', 'UTC'];
    const start = new Date('2026-11-29T00:00:00Z'); // Sunday
    const members = Array.from({ length: 2000 }, (_, i) => ({
      id: crypto.randomUUID(),
      platform: 'discord',
      workspace_id: 'A1',
      user_id: `fan-${i}`,
      time_zone: zones[i % zones.length]!,
      checkins_enabled: true,
      next_checkin_at: new Date('2026-11-29T12:00:00Z'),
    }));
    for (let i = 0; i < members.length; i += 500) await database.db.insertInto('members').values(members.slice(i, i + 500)).execute();

    let now = start;
    const fake = fakeDeliverer({ platform: 'discord', now: () => now, perSecond: 400 });
    const deliverers = new Map([['discord', fake]]);

    // Hour by hour through Monday in every zone; each hour the three replicas tick, then deliver for a
    // few seconds of platform time.
    let crashed = false;
    for (let h = 0; h < 60; h++) {
      now = new Date(start.getTime() + h * HOUR);
      await Promise.all(replicas.map((db, i) => runDue(db, checkins, { ...opts(now, `r${i + 1}`), batch: 250 })));
      if (!crashed) {
        const claimed = await claimBatch(database.db, { workerId: 'doomed', now, limit: 30, leaseMs: 2 * MINUTE, platforms: ['discord'] });
        if (claimed.length > 0) {
          // The doomed replica sends ten of its batch, then dies before recording anything.
          for (const m of claimed.slice(0, 10)) await fake.deliver(m);
          crashed = true;
        }
      }
      for (let sec = 0; sec < 8; sec++) {
        const at = new Date(now.getTime() + sec * 1000 + (crashed ? 3 * MINUTE : 0));
        const clock = () => at;
        await Promise.all(
          replicas.map((db, i) => drainAll({ db, deliverers, workerId: `r${i + 1}`, now: clock, logger: silentLogger, batch: 200 }, 5)),
        );
      }
    }

    expect(crashed).toBe(true);
    expect(fake.rateLimited).toBeGreaterThan(0);
    const byMember = new Map<string, number>();
    for (const s of fake.sent) byMember.set(s.target, (byMember.get(s.target) ?? 0) + 1);
    expect(byMember.size).toBe(2000);
    expect([...byMember.values()].every((n) => n === 1)).toBe(true);

    // None early: each arrived at or after Monday 10:00 in the member's own zone.
    const zoneOf = new Map(members.map((m) => [m.user_id, m.time_zone]));
    for (const s of fake.sent) {
      const local = s.at.toLocaleString('en-GB', { timeZone: zoneOf.get(s.target)!, weekday: 'short', hour: '2-digit', hour12: false });
      expect(local).toMatch(/^Mon,? (10|11|12)$/);
    }
    const statuses = await database.db
      .selectFrom('outbox')
      .select('status')
      .where('target_kind', '=', 'dm')
      .where('platform', '=', 'discord')
      .execute();
    expect(statuses).toHaveLength(2000);
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
  });
});
