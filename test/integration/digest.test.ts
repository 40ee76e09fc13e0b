import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertSchedule } from '../../src/commands/admin.js';
import { runDue, type DueOptions } from '../../src/scheduler/due-runs.js';
import { communityDigest } from '../../src/scheduler/kinds/community-digest.js';
import { freshDatabase, type TestDatabase } from '../helpers/fresh-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(() => database.close());

const opts = (now: Date, instanceId = 'r1'): DueOptions => ({ now, instanceId, graceMs: 3 * 3600_000 });
const digest = communityDigest({ digestCron: '0 9 1 * *', digestMinMembers: 5 });

interface Seed {
  outcome: string;
  strengths: string[];
  growth: string[];
  feedback: string | null;
  at: string;
}

async function member(workspaceId: string, user: string, debriefs: Seed[], doneSteps = 0) {
  const id = randomUUID();
  const db = database.db;
  await db.insertInto('members').values({ id, platform: 'slack', workspace_id: workspaceId, user_id: user }).execute();
  for (const d of debriefs) {
    const debriefId = randomUUID();
    await db
      .insertInto('debriefs')
      .values({
        id: debriefId,
        member_id: id,
        company: `Secret Co of ${user}`,
        role: 'Engineer',
        stage: 'technical',
        outcome: d.outcome,
        strength_tags: JSON.stringify(d.strengths),
        growth_tags: JSON.stringify(d.growth),
        feedback_status: d.feedback,
        next_step: `private step of ${user}`,
        created_at: new Date(d.at),
      })
      .execute();
  }
  for (let i = 0; i < doneSteps; i++)
    await db
      .insertInto('action_items')
      .values({ id: randomUUID(), member_id: id, text: `private step of ${user}`, status: 'done', created_at: new Date('2026-11-02T00:00:00Z'), updated_at: new Date('2026-11-20T00:00:00Z') })
      .execute();
}

async function schedule(workspaceId: string) {
  await upsertSchedule(database.db, { platform: 'slack', workspaceId, channelId: `C-${workspaceId}`, cron: '0 9 * * 1', timeZone: 'UTC', updatedBy: null, now: new Date('2026-11-01T00:00:00Z') });
  return database.db.selectFrom('schedules').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirstOrThrow();
}

const outboxFor = (scheduleId: string) =>
  database.db.selectFrom('outbox').selectAll().where('schedule_id', '=', scheduleId).where('dedupe_key', 'like', 'digest:%').execute();

describe('the monthly community digest', () => {
  it('counts and top themes across five members, never an individual, posted once', async () => {
    const nov = (day: number) => `2026-11-${String(day).padStart(2, '0')}T12:00:00Z`;
    await member('T-big', 'u1', [
      { outcome: 'rejected', strengths: ['preparation', 'rapport'], growth: ['salary'], feedback: 'received', at: nov(3) },
      { outcome: 'offer', strengths: ['preparation'], growth: [], feedback: null, at: nov(20) },
    ], 2);
    await member('T-big', 'u2', [{ outcome: 'rejected', strengths: ['communication'], growth: ['salary', 'nerves'], feedback: 'not_asked', at: nov(5) }]);
    await member('T-big', 'u3', [{ outcome: 'no_response', strengths: ['preparation'], growth: ['nerves'], feedback: 'asked', at: nov(9) }], 1);
    await member('T-big', 'u4', [{ outcome: 'waiting', strengths: ['rapport'], growth: ['salary'], feedback: null, at: nov(15) }]);
    await member('T-big', 'u5', [{ outcome: 'rejected', strengths: [], growth: ['concise'], feedback: 'not_asked', at: nov(28) }]);
    // Outside the month, and another community: neither counts.
    await member('T-big', 'u6', [{ outcome: 'rejected', strengths: ['technical'], growth: ['technical'], feedback: 'received', at: '2026-10-30T12:00:00Z' }]);
    await member('T-other', 'x1', [{ outcome: 'offer', strengths: ['technical'], growth: ['technical'], feedback: null, at: nov(10) }]);
    const s = await schedule('T-big');

    // The first tick only learns when the next digest is due.
    await runDue(database.db, digest, opts(new Date('2026-11-15T00:00:00Z')));
    expect(await outboxFor(s.id)).toHaveLength(0);

    await Promise.all([1, 2, 3].map((i) => runDue(database.db, digest, opts(new Date('2026-12-01T09:00:00Z'), `r${i}`))));
    await runDue(database.db, digest, opts(new Date('2026-12-01T09:30:00Z'), 'r4'));
    const out = await outboxFor(s.id);
    expect(out).toHaveLength(1);
    const text = out[0]!.payload.replies[0]!.text;
    // By hand: members u1-u5 debriefed in November (6 debriefs). Outcomes: rejected 3, offer 1,
    // no response 1, waiting 1. Strengths: preparation 3, rapport 2, communication 1. Growth: salary 3,
    // nerves 2, concise 1. Feedback asked (received or asked) after 2 of the 4 rejected/no-response
    // interviews. Steps done in November: 3.
    expect(text).toContain('*November in this community*');
    expect(text).toContain('5 members looked back on 6 interviews');
    expect(text).toContain('Outcomes: It was a no (3), I got an offer (1), No response (1), Still waiting (1)');
    expect(text).toContain('Strengths named most: Preparation (3), Rapport (2), Clear communication (1)');
    expect(text).toContain('What people are working on: Salary questions (3), Nerves (2), Concise answers (1)');
    expect(text).toContain('Feedback asked for after 2 of 4 interviews');
    expect(text).toContain('Next steps completed: 3');
    for (const secret of ['Secret Co', 'u1', 'private step', 'Engineer']) expect(text).not.toContain(secret);
    const runs = await database.db.selectFrom('digest_runs').selectAll().where('schedule_id', '=', s.id).execute();
    expect(runs.map((r) => [r.status, r.members])).toEqual([['queued', 5]]);
  });

  it('a group below the minimum gets no figures at all', async () => {
    for (const u of ['s1', 's2', 's3', 's4'])
      await member('T-small', u, [{ outcome: 'rejected', strengths: ['rapport'], growth: ['nerves'], feedback: 'received', at: '2026-11-10T12:00:00Z' }]);
    const s = await schedule('T-small');
    await runDue(database.db, digest, opts(new Date('2026-11-15T00:00:00Z')));
    await runDue(database.db, digest, opts(new Date('2026-12-01T09:00:00Z')));
    expect(await outboxFor(s.id)).toHaveLength(0);
    const runs = await database.db.selectFrom('digest_runs').selectAll().where('schedule_id', '=', s.id).execute();
    expect(runs.map((r) => [r.status, r.members])).toEqual([['too_small', 4]]);
  });
});
