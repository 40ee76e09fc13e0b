import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { RETENTION, trimTransient } from '../../src/db/retention.js';
import { startScheduler } from '../../src/scheduler/scheduler.js';
import { insertMember } from '../fixtures/insights/seed.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let database: TestDatabase;
let memberId: string;

beforeAll(async () => {
  database = await freshDatabase();
  memberId = await insertMember(database.db, 'U-ana');
});
afterAll(async () => {
  await database.close();
});

const db = () => database.db;
const receipt = (eventId: string, at: Date) =>
  db()
    .insertInto('inbound_events')
    .values({ platform: 'slack', workspace_id: 'T1', event_id: eventId, member_id: memberId, result: JSON.stringify({ replies: [{ text: 'Your debrief: Acme' }] }), created_at: at })
    .execute();
const outbox = (key: string, status: 'pending' | 'sent' | 'failed', at: Date) =>
  db()
    .insertInto('outbox')
    .values({
      id: randomUUID(),
      dedupe_key: key,
      platform: 'slack',
      workspace_id: 'T1',
      target_kind: 'dm',
      target_id: 'U-ana',
      member_id: memberId,
      payload: JSON.stringify({ replies: [] }),
      status,
      not_before: at,
      created_at: at,
      sent_at: status === 'sent' ? at : null,
    })
    .execute();
const ids = async (table: 'inbound_events' | 'outbox' | 'checkin_runs' | 'due_runs'): Promise<string[]> => {
  if (table === 'inbound_events') return (await db().selectFrom(table).select('event_id').execute()).map((r) => r.event_id).sort();
  if (table === 'outbox') return (await db().selectFrom(table).select('dedupe_key').execute()).map((r) => r.dedupe_key).sort();
  return (await db().selectFrom(table).select('slot').execute()).map((r) => r.slot.toISOString()).sort();
};

describe('retention', () => {
  it('the scheduler trims receipts after a day, settled outbox rows and check-in claims after 90 days, once a day across replicas', async () => {
    let now = new Date('2026-11-20T08:00:00Z');
    await receipt('fresh', new Date(now.getTime() - 2 * HOUR));
    await receipt('yesterday', new Date(now.getTime() - RETENTION.receiptsMs - HOUR));
    await outbox('old-sent', 'sent', new Date(now.getTime() - 91 * DAY));
    await outbox('old-failed', 'failed', new Date(now.getTime() - 91 * DAY));
    await outbox('old-pending', 'pending', new Date(now.getTime() - 91 * DAY));
    await outbox('recent-sent', 'sent', new Date(now.getTime() - 10 * DAY));
    for (const [slot, age] of [['2026-08-01T10:00:00.000Z', 111], ['2026-11-16T10:00:00.000Z', 4]] as const)
      await db().insertInto('checkin_runs').values({ member_id: memberId, slot: new Date(slot), status: 'queued', claimed_by: 'r', claimed_at: new Date(now.getTime() - age * DAY) }).execute();
    // A later kind's claims for a member (src/scheduler/kind.ts) go the same way.
    for (const [slot, age] of [['2026-08-07T09:00:00.000Z', 105], ['2026-11-13T09:00:00.000Z', 7]] as const)
      await db().insertInto('due_runs').values({ kind: 'nudge', subject_id: memberId, member_id: memberId, slot: new Date(slot), status: 'queued', claimed_by: 'r', claimed_at: new Date(now.getTime() - age * DAY) }).execute();

    const scheduler = await startScheduler({ db: db(), config: loadConfig({}).scheduler, deliverers: new Map(), logger: silentLogger, clock: () => now });
    try {
      await scheduler.tickNow();
      expect(await ids('inbound_events')).toEqual(['fresh']);
      // A message still waiting to go out is never trimmed, however old.
      expect(await ids('outbox')).toEqual(['old-pending', 'recent-sent']);
      expect(await ids('checkin_runs')).toEqual(['2026-11-16T10:00:00.000Z']);
      expect(await ids('due_runs')).toEqual(['2026-11-13T09:00:00.000Z']);

      // Later the same day nothing runs again; the next day it does.
      now = new Date(now.getTime() + 3 * HOUR);
      await receipt('morning', new Date(now.getTime() - 2 * DAY));
      expect(await trimTransient(db(), { now, instanceId: 'replica-2' })).toBeUndefined();
      expect(await ids('inbound_events')).toEqual(['fresh', 'morning']);

      now = new Date('2026-11-21T00:00:30Z');
      const replicas = await Promise.all([1, 2, 3].map((n) => trimTransient(db(), { now, instanceId: `replica-${n}` })));
      expect(replicas.filter(Boolean)).toEqual([{ receipts: 1, outbox: 0, memberClaims: 0 }]);
      expect(await ids('inbound_events')).toEqual(['fresh']);
      const runs = await db().selectFrom('maintenance_runs').select(['slot', 'removed']).orderBy('slot').execute();
      expect(runs).toEqual([
        { slot: new Date('2026-11-20T00:00:00Z'), removed: 5 },
        { slot: new Date('2026-11-21T00:00:00Z'), removed: 1 },
      ]);
    } finally {
      await scheduler.stop();
    }
  });
});
