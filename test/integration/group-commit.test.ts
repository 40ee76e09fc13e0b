import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { turnStore } from '../../src/db/turn-store.js';
import type { InboundTurn, TurnInput } from '../../src/engine/types.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';

/**
 * Turns that arrive while the database is busy go to it together: their member reads as one
 * statement, their writes as one (src/db/batcher.ts). What a person notices must not change: each
 * answer stored once, each redelivery answered from its receipt, one person's two messages at once
 * both handled in order, and another person's bad luck never theirs.
 */

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  app = await createApp(loadConfig({}), silentLogger, { database });
});
afterAll(async () => {
  // The app closes the database it was given.
  await app?.close();
});

const turn = (user: string, eventId: string, input: TurnInput): InboundTurn => ({ platform: 'test', workspaceId: 'T1', userId: user, eventId, input });
const text = (t: string): TurnInput => ({ kind: 'text', text: t });

async function answersOf(user: string, step: string): Promise<unknown[]> {
  const rows = await database.db
    .selectFrom('answers as a')
    .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
    .innerJoin('members as m', 'm.id', 'c.member_id')
    .select('a.value')
    .where('m.user_id', '=', user)
    .where('a.step', '=', step)
    .execute();
  return rows.map((r) => r.value);
}

it('sixty people answering at once, each message delivered twice at the same moment: every answer is stored once', async () => {
  const people = Array.from({ length: 60 }, (_, i) => `U-crowd-${i}`);
  await Promise.all(people.map((u) => app.engine.handle(turn(u, `${u}-0`, { kind: 'command', args: '' }))));
  const results = await Promise.all(
    people.flatMap((u, i) => {
      const t = turn(u, `${u}-1`, text(`Company ${i}, designer`));
      return [app.engine.handle(t), app.engine.handle({ ...t })];
    }),
  );
  for (const [i, u] of people.entries()) {
    expect(await answersOf(u, 'company')).toEqual([`Company ${i}`]);
    const [first, second] = [results[2 * i]!, results[2 * i + 1]!];
    // One of the two deliveries was the redelivery: answered with the same replies, marked as such.
    expect([first.duplicate, second.duplicate].sort()).toEqual([false, true]);
    expect(first.replies.map((r) => r.text)).toEqual(second.replies.map((r) => r.text));
    expect(first.replies.map((r) => r.text).join('\n')).toMatch(new RegExp(`Company ${i}.*Which stage`, 's'));
  }
});

it("one person's two messages at the same moment are both taken, one after the other", async () => {
  const u = 'U-quick';
  await app.engine.handle(turn(u, `${u}-0`, { kind: 'command', args: '' }));
  const [a, b] = await Promise.all([app.engine.handle(turn(u, `${u}-1`, text('Acme, designer'))), app.engine.handle(turn(u, `${u}-2`, text('final round')))]);
  expect(a.duplicate || b.duplicate).toBe(false);
  // Whichever came first answered the company; the other was read against the question after it
  // (where "Acme, designer" is no stage, and is asked again), not lost and not taken twice.
  expect(await answersOf(u, 'company')).toHaveLength(1);
  const receipts = await database.db.selectFrom('inbound_events').select('event_id').where('event_id', 'in', [`${u}-1`, `${u}-2`]).execute();
  expect(receipts).toHaveLength(2);
  expect([a, b].some((r) => /Which stage/.test(r.replies.map((x) => x.text).join('\n')))).toBe(true);
});

it("a turn whose write fails does not take the others of its statement down with it", async () => {
  // One statement at a time, so the turns after the first wait and go together.
  const store = turnStore(database.db, { batch: { maxInFlight: 1, maxSize: 100 } });
  const users = ['U-lucky-1', 'U-lucky-2', 'U-lucky-3'];
  const loaded = await Promise.all(users.map((u, i) => store.load(turn(u, `${u}-load`, text('x')), randomUUID()).then((m) => ({ u, i, m }))));
  const now = new Date();
  const commitFor = (memberId: string, u: string) => {
    const id = randomUUID();
    return store.commit({
      memberId,
      current: undefined,
      writes: [{ id, flow: 'debrief', status: 'active', step: 'company', seq: 1, answers: {}, trail: [], misses: 0, pending: null, createdAt: now, updatedAt: now }],
      answers: [],
      inbound: { turn: turn(u, `${u}-start`, { kind: 'command', args: '' }), result: { replies: [{ text: 'Which company?', expectsText: true }], conversationId: id } },
      now,
    });
  };
  const [first, ...rest] = [
    commitFor(loaded[0]!.m.memberId, users[0]!),
    commitFor(loaded[1]!.m.memberId, users[1]!),
    // A member that is not there (forgotten a moment ago): its conversation breaks the foreign key.
    commitFor(randomUUID(), 'U-gone'),
    commitFor(loaded[2]!.m.memberId, users[2]!),
  ].map((p) => p.then((o) => o, (err: { code?: string }) => `failed ${err.code}`));
  expect(await first).toBe('written');
  expect(await Promise.all(rest)).toEqual(['written', 'failed 23503', 'written']);
  const open = await database.db.selectFrom('conversations').select('member_id').where('status', '=', 'active').where('member_id', 'in', loaded.map((l) => l.m.memberId)).execute();
  expect(open).toHaveLength(3);
});

it('twenty people finishing at once, each last answer delivered twice: one debrief and one next step each', async () => {
  const answers = ['Acme, Product designer', '3', 'yesterday', '1', '3', '1, 5 My portfolio walkthrough', '2, 3 Be more concise', '3', '2', 'Sam, the hiring manager'];
  const people = Array.from({ length: 20 }, (_, i) => `U-finish-${i}`);
  await Promise.all(
    people.map(async (u) => {
      await app.engine.handle(turn(u, `${u}-0`, { kind: 'command', args: '' }));
      for (const [i, a] of answers.entries()) await app.engine.handle(turn(u, `${u}-${i + 1}`, text(a)));
    }),
  );
  const last = people.flatMap((u) => {
    const t = turn(u, `${u}-last`, text('Practise salary answers by next friday'));
    return [app.engine.handle(t), app.engine.handle({ ...t })];
  });
  const results = await Promise.all(last);
  expect(results.filter((r) => !r.duplicate)).toHaveLength(20);
  const rows = await database.db
    .selectFrom('members as m')
    .leftJoin('debriefs as d', 'd.member_id', 'm.id')
    .leftJoin('action_items as ai', 'ai.debrief_id', 'd.id')
    .select(['m.user_id', 'd.company', 'ai.text', 'ai.status'])
    .where('m.user_id', 'like', 'U-finish-%')
    .execute();
  expect(rows).toHaveLength(20);
  for (const r of rows) expect([r.company, r.text, r.status]).toEqual(['Acme', 'Practise salary answers by next friday', 'open']);
});
