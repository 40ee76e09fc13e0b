import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { TurnInput, TurnResult } from '../../src/engine/types.js';
import { everyRow, insertMember, insertSchedulerRows, seedTwoMembers } from '../fixtures/insights/seed.js';
import { freshDatabase, silentLogger } from '../helpers/fresh-db.js';

const ana = { platform: 'slack', workspaceId: 'T1', userId: 'U-ana' };
const ben = { platform: 'slack', workspaceId: 'T1', userId: 'U-ben' };
const MINUTE = 60_000;
let app: App;
let now: Date;

beforeEach(async () => {
  now = new Date('2026-11-27T12:00:00Z');
  const database = await freshDatabase();
  app = await createApp(loadConfig({}), silentLogger, { database, clock: () => now });
});
afterEach(async () => {
  await app.close();
});

const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const send = (who: typeof ana, input: TurnInput, eventId: string) => app.engine.handle({ ...who, eventId, input });
const forget = (who: typeof ana, eventId: string, args = 'forget') => send(who, { kind: 'command', args }, eventId);
const click = (who: typeof ana, asked: TurnResult, choiceId: string, eventId: string) =>
  send(who, { kind: 'choice', promptRef: asked.replies[0]!.promptRef!, choiceIds: [choiceId] }, eventId);

/** What Ana's data looks like, table by table, for "nothing changed" checks. */
async function countsFor(memberId: string) {
  const db = app.database.db;
  const n = async (table: 'debriefs' | 'action_items' | 'conversations' | 'inbound_events') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow()).n);
  const conversations = await db.selectFrom('conversations').select('id').where('member_id', '=', memberId).execute();
  const answers = conversations.length
    ? Number((await db.selectFrom('answers').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', 'in', conversations.map((c) => c.id)).executeTakeFirstOrThrow()).n)
    : 0;
  return { debriefs: await n('debriefs'), actionItems: await n('action_items'), conversations: await n('conversations'), answers, events: await n('inbound_events') };
}

describe('/debrief forget', () => {
  it('asks first, keeps everything on "no" or a stale "yes", then deletes every row about the member and no one else', async () => {
    const { anaId, benId } = await seedTwoMembers(app, ana, ben);
    const db = app.database.db;
    // The scheduler's per-member state: a claimed check-in and a check-in DM waiting in the outbox.
    for (const [id, who] of [[anaId, ana], [benId, ben]] as const) {
      await sql`insert into checkin_runs (member_id, slot, status, claimed_by, claimed_at) values (${id}, ${now}, 'queued', 'replica-1', ${now})`.execute(db);
      await sql`insert into outbox (id, dedupe_key, platform, workspace_id, target_kind, target_id, member_id, payload, status, not_before, created_at)
        values (${crypto.randomUUID()}, ${`checkin:${id}`}, ${who.platform}, ${who.workspaceId}, 'dm', ${who.userId}, ${id}, ${JSON.stringify({ text: `Check-in for ${who.userId}` })}, 'pending', ${now}, ${now})`.execute(db);
    }
    const before = await countsFor(anaId);
    expect(before).toMatchObject({ debriefs: 9, actionItems: 9, conversations: 2 });

    // 1. The question, with both buttons on a command prompt.
    const asked = await forget(ana, 'ask-1');
    const question = asked.replies[0]!;
    expect(question.text).toBe(
      'This deletes everything Debrief holds about you: 9 debriefs, 9 next steps, 2 conversations with every answer you gave, ' +
        "and the record of your messages. It can't be undone.\n\nWould you like a copy first? `/debrief export` sends you one. Otherwise, are you sure? (You can also type `/debrief forget confirm`.)",
    );
    expect(question.choices).toEqual([
      { id: 'forget:confirm', label: 'Yes, delete everything' },
      { id: 'forget:keep', label: 'No, keep my data' },
    ]);
    expect(question.promptRef).toBe(`command:${now.getTime()}`);
    expect((await countsFor(anaId)).debriefs).toBe(9);

    // 2. "No, keep my data".
    const kept = await click(ana, asked, 'forget:keep', 'keep-1');
    expect(kept.click).toEqual({ status: 'accepted', labels: [] });
    expect(kept.replies[0]!.text).toBe('Good, nothing deleted. Your debriefs are where you left them.');

    // 3. A "yes" clicked eleven minutes after it was offered is refused.
    const askedAgain = await forget(ana, 'ask-2');
    advance(11 * MINUTE);
    const stale = await click(ana, askedAgain, 'forget:confirm', 'stale-confirm');
    expect(stale.replies[0]!.text).toMatch(/^That button is from a while ago, so to be safe I've deleted nothing\./);
    const afterStale = await countsFor(anaId);
    expect(afterStale).toEqual({ ...before, events: before.events + 4 });

    // Everything in the database, before the real thing.
    const anaConversations = (await db.selectFrom('conversations').select('id').where('member_id', '=', anaId).execute()).map((c) => c.id);
    const anaDebriefs = (await db.selectFrom('debriefs').select('id').where('member_id', '=', anaId).execute()).map((d) => d.id);
    const anaKeys = [anaId, ...anaConversations, ...anaDebriefs];
    const rowsBefore = await everyRow(db);
    const othersBefore = rowsBefore.filter((r) => !anaKeys.some((k) => r.json.includes(k)));
    expect(othersBefore.some((r) => r.json.includes(benId))).toBe(true);

    // 4. Asked once more, confirmed two minutes later.
    const third = await forget(ana, 'ask-3');
    advance(2 * MINUTE);
    const eventsBeforeConfirm = (await countsFor(anaId)).events;
    const done = await click(ana, third, 'forget:confirm', 'confirm-1');
    expect(done.replies[0]!.text).toBe(
      `Done. I deleted 9 debriefs, 9 next steps, 2 conversations with ${before.answers} answers, the record of ${eventsBeforeConfirm} messages and clicks, 2 other records, ` +
        "and your member record. Debrief holds nothing about you now.\n\nIf you come back, you'll start fresh, and you're welcome any time. Good luck with what comes next.",
    );

    // No row anywhere holds Ana's id, platform id, words or companies. The receipt of the "Done" click
    // stays (so a redelivered click changes nothing) but belongs to no one.
    const rowsAfter = await everyRow(db);
    const personal = [anaId, 'U-ana', 'ANA-PRIVATE', 'Sam at Acme', 'Acme', 'Birch', 'Cobalt', 'Dune', 'Elm', 'Fjord', 'Grove', 'Harbor', ...anaConversations, ...anaDebriefs];
    for (const row of rowsAfter) for (const word of personal) expect(row.json, `${row.table} holds ${word}`).not.toContain(word);
    const receipt = await db.selectFrom('inbound_events').selectAll().where('event_id', '=', 'confirm-1').executeTakeFirstOrThrow();
    expect(receipt.member_id).toBeNull();

    // Ben, and everything else, exactly as before.
    // Everything else is as it was; the only new row is that anonymous receipt.
    const othersAfter = rowsAfter.filter((r) => !r.json.includes('"confirm-1"'));
    expect(othersAfter.map((r) => r.json).sort()).toEqual(othersBefore.map((r) => r.json).sort());
    expect(await countsFor(benId)).toMatchObject({ debriefs: 4, actionItems: 4, conversations: 1 });

    // A platform redelivering the click gets the same reply and changes nothing.
    const again = await click(ana, third, 'forget:confirm', 'confirm-1');
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(done.replies);
    expect((await everyRow(db)).filter((r) => r.json.includes('U-ana'))).toEqual([]);

    // Coming back, Ana is someone new, with nothing from before.
    const history = await send(ana, { kind: 'command', args: 'history' }, 'back-1');
    expect(history.replies[0]!.text).toMatch(/^No debriefs yet/);
    const fresh = await insertMember(db, ana.userId);
    expect(fresh).not.toBe(anaId);

    // Ben's own forget, typed, works the same way.
    const benDone = await forget(ben, 'ben-forget', 'forget confirm');
    expect(benDone.replies[0]!.text).toMatch(/^Done\. I deleted 4 debriefs, 4 next steps, 1 conversation with \d+ answers, the record of \d+ messages and clicks, 2 other records,/);
    expect((await everyRow(db)).filter((r) => r.json.includes(benId))).toEqual([]);
  });

  it('typed `/debrief forget confirm` deletes at once, check-in slots and servers included', async () => {
    const db = app.database.db;
    const anaId = await insertMember(db, ana.userId);
    const benId = await insertMember(db, ben.userId);
    await insertSchedulerRows(db, anaId, benId);

    const done = await forget(ana, 'typed', 'forget confirm');
    expect(done.replies[0]!.text).toMatch(
      /^Done\. I deleted 0 debriefs, 0 next steps, 0 conversations with 0 answers, the record of 0 messages and clicks, 3 other records, and your member record\./,
    );
    expect((await everyRow(db)).filter((r) => r.json.includes(anaId))).toEqual([]);
    const left = await sql<{ member_id: string }>`select member_id from checkin_runs union all select member_id from member_communities`.execute(db);
    expect(left.rows.map((r) => r.member_id)).toEqual([benId, benId]);
  });

  it('the question can be answered by typing: "no" keeps everything, "yes" or "yes delete" deletes', async () => {
    const db = app.database.db;
    const text = (who: typeof ana, t: string, eventId: string) => send(who, { kind: 'text', text: t }, eventId);
    const anaId = await insertMember(db, ana.userId);
    await forget(ana, 'ask-1');
    const kept = await text(ana, 'no', 'typed-no');
    expect(kept.replies[0]!.text).toMatch(/nothing deleted/);
    expect(await db.selectFrom('members').select('id').where('id', '=', anaId).executeTakeFirst()).toBeDefined();

    await forget(ana, 'ask-2');
    const done = await text(ana, 'Yes delete', 'typed-yes');
    expect(done.replies[0]!.text).toMatch(/^Done\. I deleted/);
    expect(await db.selectFrom('members').select('id').where('id', '=', anaId).executeTakeFirst()).toBeUndefined();

    await insertMember(db, ben.userId);
    await forget(ben, 'ask-3');
    expect((await text(ben, 'yes', 'typed-yes-2')).replies[0]!.text).toMatch(/^Done\. I deleted/);
  });

  it('a typed "yes" long after the question deletes nothing', async () => {
    const db = app.database.db;
    const anaId = await insertMember(db, ana.userId);
    await forget(ana, 'ask-old');
    advance(11 * MINUTE);
    const late = await send(ana, { kind: 'text', text: 'yes' }, 'late-yes');
    expect(late.replies[0]!.text).not.toMatch(/Done/);
    expect(await db.selectFrom('members').select('id').where('id', '=', anaId).executeTakeFirst()).toBeDefined();
  });

  it('an unknown word just asks', async () => {
    const asked = await forget(ana, 'odd', 'forget everything');
    expect(asked.replies[0]!.choices?.map((c) => c.id)).toEqual(['forget:confirm', 'forget:keep']);
    expect(asked.replies[0]!.text).toContain('the record of your messages (there are no debriefs yet)');
  });
});
