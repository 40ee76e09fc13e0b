import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { waitFor, type FakeUser } from '../helpers/fake-discord.js';
import { APPLICATION_ID, buttonId, nextBotMessage, selectId, startHarness, type Harness } from '../helpers/discord-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Discord JSON as the fake recorded it */

let h: Harness;
let failing = false;

beforeAll(async () => {
  h = await startHarness({
    // A switch to make the engine fail as it would with the database down.
    wrapEngine: (engine: Engine): Engine => ({
      drain: () => engine.drain(),
      handle: (turn) => (failing ? Promise.reject(Object.assign(new Error('connection terminated'), { code: '57P01' })) : engine.handle(turn)),
    }),
  });
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.app.database.db;

/** A person in DMs with the bot: type, click, pick, each waiting for the bot's answer. */
function person(user: FakeUser) {
  const fake = () => h.fake;
  const seen = () => fake().botMessages(user.id).length;
  return {
    user,
    async say(text: string, expectReply: RegExp) {
      const before = seen();
      const message = fake().sendDm(user, text);
      return { message, reply: await nextBotMessage(fake(), user, before, expectReply) };
    },
    async press(on: any, label: string, expectReply: RegExp) {
      const before = seen();
      const interaction = fake().click(user, on, buttonId(on, label));
      return { interaction, reply: await nextBotMessage(fake(), user, before, expectReply) };
    },
    async pick(on: any, values: string[], expectReply: RegExp) {
      const before = seen();
      const interaction = fake().click(user, on, selectId(on), values);
      return { interaction, reply: await nextBotMessage(fake(), user, before, expectReply) };
    },
  };
}

async function answersFor(step: string, userId: string) {
  return db()
    .selectFrom('answers')
    .innerJoin('conversations', 'conversations.id', 'answers.conversation_id')
    .innerJoin('members', 'members.id', 'conversations.member_id')
    .where('members.user_id', '=', userId)
    .where('answers.step', '=', step)
    .select(['answers.value', 'answers.inbound_id'])
    .execute();
}

const allDisabled = (message: any) => message.components.every((row: any) => row.components.every((c: any) => c.disabled === true));

describe('a whole debrief through DMs, buttons and a select menu', () => {
  const ana = { id: '300000000000000001', username: 'ana' };

  test('runs from hello to the summary card, storing every answer once', async () => {
    const p = person(ana);
    const hello = await p.say('hi', /Hi, I'm Debrief/);
    expect(hello.reply.components.length).toBeGreaterThan(0);

    const start = await p.press(hello.reply, 'Debrief an interview', /Which company/);
    // UPDATE_MESSAGE (or, on a slow turn, DEFERRED_UPDATE_MESSAGE then an edit) within the deadline.
    expect(start.interaction.callbacks).toHaveLength(1);
    expect([6, 7]).toContain(start.interaction.callbacks[0]!.type);
    expect(start.interaction.callbacks[0]!.at - start.interaction.createdAt).toBeLessThan(3000);
    expect(allDisabled(start.interaction.message)).toBe(true);
    // The intro's markup is Discord's: *help* became **help**.
    expect(h.fake.botMessages(ana.id).some((m) => m.content.includes('**help**'))).toBe(true);

    // Company and role in one answer.
    const stage = await p.say('Acme, Product designer', /Product designer at Acme\. Which stage/);

    // A double click: two interactions on the same button. The first answers, the second is told
    // so privately and changes nothing.
    const first = await p.press(stage.reply, 'Panel or onsite', /When was it/);
    const second = h.fake.click(ana, stage.reply, buttonId(stage.reply, 'Panel or onsite'));
    await waitFor('the second click to be answered', () => second.callbacks.length > 0);
    expect(first.interaction.message.content).toContain('✓ Panel or onsite');
    expect(allDisabled(first.interaction.message)).toBe(true);
    expect(second.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(second.callbacks[0]!.data.content).toMatch(/already been answered/);
    expect(await answersFor('stage', ana.id)).toHaveLength(1);

    const outcome = await p.press(first.reply, 'Yesterday', /Where did it land/);
    const mood = await p.press(outcome.reply, 'It was a no', /How are you feeling/);
    const moodButtons = mood.reply.components.flatMap((r: any) => r.components.map((c: any) => c.label));
    expect(moodButtons).toEqual(['1', '2', '3', '4', '5', 'Skip']);
    const tags = await p.press(mood.reply, '2', /Which of these were strengths/);
    // A low score gets a moment of empathy before going on.
    expect(h.fake.botMessages(ana.id).some((m) => /That's a hard place to be/.test(m.content))).toBe(true);

    // Tags are a multi-select; skip stays a button.
    const menu = tags.reply.components[0].components[0];
    expect(menu).toMatchObject({ type: 3, min_values: 1, max_values: 8 });
    expect(buttonId(tags.reply, 'Skip')).toMatch(/\|cmd:skip$/);
    const strengths = await p.pick(tags.reply, ['preparation', 'rapport'], /do differently next time/);
    expect(strengths.interaction.message.content).toContain('✓ Preparation, Rapport');
    expect(strengths.interaction.callbacks).toHaveLength(1);
    // Tags and words in one message.
    const feedback = await p.say('2, 6 Practise salary answers', /asked them for feedback/);

    // The same MESSAGE_CREATE dispatched again: nothing is recorded twice and nothing posted twice.
    const postedBefore = h.fake.botMessages(ana.id).length;
    h.fake.dispatch('MESSAGE_CREATE', { ...feedback.message, channel_type: 1 });
    await waitFor('the redelivered message to be handled', () =>
      h.fake.calls.some((c) => c.deduped && String(c.body.nonce).startsWith(`${feedback.message.id}:`)),
    );
    expect(h.fake.botMessages(ana.id)).toHaveLength(postedBefore);
    expect(await answersFor('growth_areas', ana.id)).toHaveLength(1);

    const fit = await p.press(feedback.reply, 'I asked, no reply yet', /was the Product designer role at Acme right for you/);
    const thanked = await p.press(fit.reply, 'Partly', /thank the interviewer/);
    const contacts = await p.press(thanked.reply, 'No', /anyone worth staying in touch with/);
    // A "No" reads as the word, not as the stored false.
    expect(contacts.interaction.message.content).toContain('✓ No');
    expect(contacts.interaction.message.content).not.toContain('false');
    // The thank-you note comes as a code block, easy to copy.
    const draft = h.fake.botMessages(ana.id).find((m) => /Here's a short note you could send/.test(m.content));
    expect(draft.content).toMatch(/```\nHi \[name\],[\s\S]*Product designer role at Acme\.[\s\S]*```$/);

    // The gateway drops mid-debrief. The next DM arrives while the client is away; the client
    // resumes its session, Discord replays the missed event, and the debrief carries on.
    const identifiesBefore = h.fake.opcodes(2);
    h.fake.dropConnection();
    const before = h.fake.botMessages(ana.id).length;
    h.fake.sendDm(ana, 'Sam, the hiring manager: connect on LinkedIn');
    const nextStep = await nextBotMessage(h.fake, ana, before, /one concrete step/, 15_000);
    expect(h.fake.opcodes(6)).toBeGreaterThanOrEqual(1); // RESUME
    expect(h.fake.opcodes(2)).toBe(identifiesBefore); // no new session: nothing was missed
    expect(nextStep).toBeTruthy();
    void contacts;

    const due = await p.say('Practise two salary answers out loud', /By when/);
    const summary = await p.press(due.reply, 'In a week', /Your debrief: Acme/);
    const card = summary.reply.embeds[0];
    expect(card.title).toBe('Your debrief: Acme');
    expect(card.fields).toEqual(
      expect.arrayContaining([
        { name: 'Interview', value: 'Product designer at Acme', inline: false },
        { name: 'Outcome', value: 'It was a no', inline: false },
        { name: 'Went well', value: 'Preparation; Rapport', inline: false },
      ]),
    );
    await nextBotMessage(h.fake, ana, 0, /I've saved this debrief/);

    // What Postgres holds.
    const debriefs = await db()
      .selectFrom('debriefs')
      .innerJoin('members', 'members.id', 'debriefs.member_id')
      .where('members.platform', '=', 'discord')
      .where('members.workspace_id', '=', APPLICATION_ID)
      .where('members.user_id', '=', ana.id)
      .selectAll('debriefs')
      .execute();
    expect(debriefs).toHaveLength(1);
    expect(debriefs[0]).toMatchObject({
      company: 'Acme',
      role: 'Product designer',
      stage: 'panel',
      outcome: 'rejected',
      mood: 2,
      strength_tags: ['preparation', 'rapport'],
      strengths: null,
      growth_tags: ['nerves', 'salary'],
      growth_areas: 'Practise salary answers',
      feedback_status: 'asked',
      fit: 'partly',
      thanked: false,
      contacts: 'Sam, the hiring manager: connect on LinkedIn',
      next_step: 'Practise two salary answers out loud',
    });
    const items = await db().selectFrom('action_items').where('debrief_id', '=', debriefs[0]!.id).selectAll().execute();
    expect(items).toEqual([expect.objectContaining({ text: 'Practise two salary answers out loud', status: 'open' })]);
    expect(items[0]!.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const conversations = await db().selectFrom('conversations').where('member_id', '=', debriefs[0]!.member_id).selectAll().execute();
    expect(conversations).toEqual([expect.objectContaining({ status: 'completed', flow: 'debrief' })]);
    const answers = await db().selectFrom('answers').where('conversation_id', '=', conversations[0]!.id).select(['step']).execute();
    const steps = answers.map((a) => a.step);
    expect(new Set(steps).size).toBe(steps.length); // each step answered exactly once
    expect(steps).toEqual(
      expect.arrayContaining(['company', 'role', 'stage', 'interview_date', 'outcome', 'mood', 'strength_tags', 'growth_tags', 'growth_areas', 'feedback', 'fit', 'thanked', 'contacts', 'next_step', 'next_step_due']),
    );

    // Every message the bot posted carried a nonce, and none was posted twice.
    const posts = h.fake.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path));
    expect(posts.every((c) => c.body.enforce_nonce === true && typeof c.body.nonce === 'string')).toBe(true);
    const nonces = h.fake.botMessages(ana.id).map((m) => m.nonce);
    expect(new Set(nonces).size).toBe(nonces.length);

    // Logs carry ids and timings, never what was said, never the token.
    const logs = h.logText();
    expect(logs).toContain(ana.id);
    for (const secret of ['Acme', 'Sam, the hiring', 'salary answers', h.token]) expect(logs).not.toContain(secret);
  });

  test('a re-dispatched click (the same interaction id) records nothing twice', async () => {
    const bo = { id: '300000000000000002', username: 'bo' };
    const p = person(bo);
    await p.say('/debrief', /Which company/);
    await p.say('Globex', /And the role/);
    const stage = await p.say('Engineer', /Which stage/);
    const click = await p.press(stage.reply, 'Final round', /When was it/);
    const posted = h.fake.botMessages(bo.id).length;
    h.fake.redispatchInteraction(click.interaction);
    await waitFor('the replayed click to be handled', () =>
      h.fake.calls.some((c) => c.deduped && String(c.body.nonce).startsWith(`${click.interaction.id}:`)),
    );
    expect(h.fake.botMessages(bo.id)).toHaveLength(posted);
    expect(click.interaction.callbacks).toHaveLength(1);
    expect(await answersFor('stage', bo.id)).toHaveLength(1);
  });
});

describe('clicks that are not for the engine', () => {
  test("another user's click on someone's button is turned away privately and changes nothing", async () => {
    const cy = { id: '300000000000000003', username: 'cy' };
    const mallory = { id: '300000000000000004', username: 'mallory' };
    const p = person(cy);
    await p.say('/debrief', /Which company/);
    await p.say('Initech', /And the role/);
    const stage = await p.say('Analyst', /Which stage/);
    const contentBefore = stage.reply.content;

    const foreign = h.fake.click(mallory, stage.reply, buttonId(stage.reply, 'Technical or skills'));
    await waitFor('the foreign click to be answered', () => foreign.callbacks.length > 0);
    expect(foreign.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(foreign.callbacks[0]!.data.content).toMatch(/belongs to someone else/);
    expect(stage.reply.content).toBe(contentBefore);
    expect(stage.reply.components.flat().some((r: any) => r.components.some((c: any) => c.disabled))).toBe(false);
    expect(await answersFor('stage', cy.id)).toHaveLength(0);
    const members = await db().selectFrom('members').where('user_id', '=', mallory.id).selectAll().execute();
    expect(members).toHaveLength(0);

    // The owner's own click still works afterwards.
    await p.press(stage.reply, 'Technical or skills', /When was it/);
    expect(await answersFor('stage', cy.id)).toHaveLength(1);
  });

  test('an old button (an earlier question) gets an ephemeral explanation', async () => {
    const di = { id: '300000000000000005', username: 'di' };
    const p = person(di);
    await p.say('/debrief', /Which company/);
    await p.say('Hooli', /And the role/);
    const stage = await p.say('Researcher', /Which stage/);
    await p.say('screen', /When was it/); // answered by typing; the buttons are still on the old message
    const old = h.fake.click(di, stage.reply, buttonId(stage.reply, 'Final round'));
    await waitFor('the old click to be answered', () => old.callbacks.length > 0);
    expect(old.callbacks[0]).toMatchObject({ type: 4, data: { flags: 64 } });
    expect((await answersFor('stage', di.id)).map((a) => a.value)).toEqual(['screen']);
  });
});

describe('what the bot ignores and how it fails', () => {
  test('messages from bots, including its own echoes, get no answer', async () => {
    const robot = { id: '300000000000000006', username: 'robot', bot: true };
    const callsBefore = h.fake.calls.length;
    h.fake.sendDm(robot, 'hello from another bot');
    // A human DM afterwards is answered; by then the bot message has been passed over.
    const eve = { id: '300000000000000007', username: 'eve' };
    await person(eve).say('hello', /Hi, I'm Debrief/);
    const posts = h.fake.calls.slice(callsBefore).filter((c) => c.method === 'POST' && c.path.includes('/messages'));
    expect(posts).toHaveLength(1);
    expect(await db().selectFrom('members').where('user_id', '=', robot.id).selectAll().execute()).toHaveLength(0);
    // The bot's own messages are dispatched back to it too; none of them became a turn.
    expect(await db().selectFrom('members').where('user_id', '=', h.fake.bot.id).selectAll().execute()).toHaveLength(0);
  });

  test('an unexpected engine failure gets a short apology and is logged by id only', async () => {
    const flo = { id: '300000000000000008', username: 'flo' };
    failing = true;
    try {
      const { message } = await person(flo).say('Umbrella Corp', /couldn't save that just now/);
      const line = h.logs.find((l) => l.msg === 'turn failed in the engine' && l.event === message.id);
      expect(line).toMatchObject({ user: flo.id, err: { code: '57P01' } });
      expect(h.logText()).not.toContain('Umbrella');
    } finally {
      failing = false;
    }
    // Once the database is back, the same person carries on normally.
    await person(flo).say('hello', /Hi, I'm Debrief/);
  });
});
