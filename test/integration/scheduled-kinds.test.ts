import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { saveSchedule, setScheduleEnabled } from '../../src/db/schedules.js';
import { runDue } from '../../src/scheduler/due-runs.js';
import type { ScheduledKind } from '../../src/scheduler/kind.js';
import { scheduledKinds } from '../../src/scheduler/kinds/index.js';
import { startScheduler, type RunningScheduler } from '../../src/scheduler/scheduler.js';
import { fakeDeliverer } from '../helpers/fake-deliverer.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

/**
 * A scheduled kind is data: this file defines one the bot has never had (a Friday nudge to members
 * with weekly messages on), hands it to the real scheduler next to the built-in kinds, and sees it
 * posted once per member through the real outbox and database, with no table, column or other file
 * of its own.
 */

const HOUR = 3600_000;
let database: TestDatabase;
let extra: DatabaseHandle[] = [];
beforeAll(async () => {
  database = await freshDatabase();
  if (database.url) extra = await Promise.all([1, 2].map(() => connectPostgres(database.url!, { poolSize: 4, logger: silentLogger })));
});
afterAll(async () => {
  for (const e of extra) await e.close();
  await database.close();
});

const NUDGE = 'Friday already. Anything from this week worth a debrief?';
const nudge: ScheduledKind = {
  name: 'nudge',
  audience: 'members',
  cron: () => '0 9 * * 5',
  compose: () => ({ replies: [{ text: NUDGE, expectsText: false }] }),
};

describe('a new scheduled kind', () => {
  it('is one definition: three replicas post it once per member, at 09:00 on Friday in each member’s zone', async () => {
    const zones = { 'nudge-tokyo': 'Asia/Tokyo', 'nudge-london': 'Europe/London', 'nudge-ny': 'America/New_York' };
    for (const [user, zone] of Object.entries(zones))
      await database.db
        .insertInto('members')
        .values({ id: randomUUID(), platform: 'slack', workspace_id: 'T-nudge', user_id: user, time_zone: zone, checkins_enabled: true, next_checkin_at: new Date('2026-12-07T10:00:00Z') })
        .execute();
    // Someone without weekly messages gets no nudge.
    await database.db.insertInto('members').values({ id: randomUUID(), platform: 'slack', workspace_id: 'T-nudge', user_id: 'nudge-off', time_zone: 'UTC' }).execute();

    let now = new Date('2026-12-03T12:00:00Z'); // Thursday
    const clock = () => now;
    const fake = fakeDeliverer({ platform: 'slack', now: clock });
    const config = loadConfig({}).scheduler;
    const replicas: RunningScheduler[] = [];
    for (const db of [database.db, ...extra.map((e) => e.db)])
      replicas.push(await startScheduler({ db, config, deliverers: new Map([['slack', fake]]), logger: silentLogger, clock, pollMs: 60_000, kinds: [...scheduledKinds(config), nudge] }));
    try {
      // Hour by hour from Thursday noon to Saturday, every replica ticking at once; at each hour one
      // replica restarts and ticks again ten minutes later.
      for (let t = now.getTime(); t <= Date.parse('2026-12-05T00:00:00Z'); t += HOUR) {
        now = new Date(t);
        await Promise.all(replicas.map((r) => r.tickNow()));
        now = new Date(t + 10 * 60_000);
        await replicas[replicas.length - 1]!.tickNow();
      }
    } finally {
      for (const r of replicas) await r.stop();
    }

    const nudges = fake.sent.filter((s) => s.text === NUDGE);
    expect(nudges.map((s) => s.target).sort()).toEqual(Object.keys(zones).sort());
    for (const s of nudges) {
      const local = s.at.toLocaleString('en-GB', { timeZone: zones[s.target as keyof typeof zones], weekday: 'short', hour: '2-digit', hour12: false });
      expect(local).toMatch(/^Fri,? 09$/);
    }
    expect(fake.sent).toHaveLength(3);
    const runs = await database.db.selectFrom('due_runs').select(['kind', 'status', 'member_id']).where('kind', '=', 'nudge').execute();
    expect(runs.map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
  });

  it('goes to community channels too; a paused schedule starts afresh when resumed, with no catch-up', async () => {
    const lunch: ScheduledKind = {
      name: 'lunch-nudge',
      audience: 'communities',
      cron: () => '0 12 * * 5',
      compose: ({ subject }) => ({ replies: [{ text: `Lunch-time nudge for ${subject.target.id}`, expectsText: false }] }),
    };
    const start = new Date('2026-12-03T12:00:00Z');
    await saveSchedule(database.db, { platform: 'slack', workspaceId: 'T-lunch', channelId: 'C-lunch', cron: '0 9 * * 1', timeZone: 'Europe/Berlin', updatedBy: null, now: start, nextRunAt: new Date('2026-12-07T08:00:00Z') });
    const { id } = await database.db.selectFrom('schedules').select('id').where('workspace_id', '=', 'T-lunch').executeTakeFirstOrThrow();
    const tick = (at: string) => runDue(database.db, lunch, { now: new Date(at), instanceId: 'r1', graceMs: 3 * HOUR });
    const queued = async () =>
      (await database.db.selectFrom('outbox').select(['dedupe_key', 'not_before']).where('schedule_id', '=', id).where('dedupe_key', 'like', 'lunch-nudge:%').orderBy('not_before').execute()).map((o) =>
        o.not_before.toISOString(),
      );

    expect(await tick('2026-12-03T12:00:00Z')).toEqual({ queued: 0, skipped: 0 });
    // Friday 12:00 in Berlin is 11:00 UTC in winter.
    await Promise.all([tick('2026-12-04T11:00:00Z'), tick('2026-12-04T11:00:00Z'), tick('2026-12-04T11:05:00Z')]);
    expect(await queued()).toEqual(['2026-12-04T11:00:00.000Z']);

    // Paused over two Fridays, resumed an hour after the third: nothing is caught up or recorded as
    // skipped; the next Friday posts as usual.
    await setScheduleEnabled(database.db, id, { enabled: false, nextRunAt: new Date('2026-12-07T08:00:00Z'), updatedBy: 'U1', now: new Date('2026-12-05T00:00:00Z') });
    expect(await tick('2026-12-11T11:00:00Z')).toEqual({ queued: 0, skipped: 0 });
    await setScheduleEnabled(database.db, id, { enabled: true, nextRunAt: new Date('2026-12-21T08:00:00Z'), updatedBy: 'U1', now: new Date('2026-12-18T12:00:00Z') });
    expect(await tick('2026-12-18T12:00:00Z')).toEqual({ queued: 0, skipped: 0 });
    expect(await tick('2026-12-25T11:00:00Z')).toEqual({ queued: 1, skipped: 0 });
    expect(await queued()).toEqual(['2026-12-04T11:00:00.000Z', '2026-12-25T11:00:00.000Z']);
    const runs = await database.db.selectFrom('due_runs').select(['slot', 'status', 'schedule_id']).where('kind', '=', 'lunch-nudge').orderBy('slot').execute();
    expect(runs.map((r) => [r.slot.toISOString(), r.status, r.schedule_id])).toEqual([
      ['2026-12-04T11:00:00.000Z', 'queued', id],
      ['2026-12-25T11:00:00.000Z', 'queued', id],
    ]);
  });
});
