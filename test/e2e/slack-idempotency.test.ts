import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_ID, BOT_USER_ID, type StoredMessage } from '../helpers/fake-slack.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { buttonLabels, visibleText, waitFor } from '../helpers/slack-requests.js';

const ALEX = 'U0PERSON01';
const SAM = 'U0PERSON02';

describe('Slack: retries, double clicks, foreign clicks and filtered messages', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
    const started = await h.driver.command(ALEX, '');
    await h.settled(started.eventId);
  });
  afterAll(async () => h?.close());

  const db = () => h.app.database.db;
  const answerCount = async () => Number((await db().selectFrom('answers').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const posts = () => h.fake.succeeded('chat.postMessage').length;
  const latest = (user: string, fragment: string) =>
    waitFor(`a message with "${fragment}"`, () =>
      h.fake
        .messages(h.fake.dmOf(user))
        .reverse()
        .find((m) => visibleText(m).includes(fragment)),
    );
  const conversationOf = async (user: string) =>
    db()
      .selectFrom('conversations')
      .innerJoin('members', 'members.id', 'conversations.member_id')
      .select(['conversations.step', 'conversations.seq', 'conversations.status'])
      .where('members.user_id', '=', user)
      .where('conversations.status', '=', 'active')
      .executeTakeFirstOrThrow();

  it("records a retried event once and doesn't post its replies again", async () => {
    const { raw, eventId } = h.driver.eventBody(ALEX, 'Globex');
    expect((await h.driver.post(raw, 'application/json')).status).toBe(200);
    expect(await h.settled(eventId)).toMatchObject({ outcome: 'delivered' });
    const answers = await answerCount();
    const posted = posts();
    expect(h.fake.messages(h.fake.dmOf(ALEX)).filter((m) => m.text.includes('And the role at Globex?'))).toHaveLength(1);

    // Slack's retries carry the same envelope (same event_id) and say so in headers.
    for (const retry of [1, 2, 3]) {
      const res = await h.driver.post(raw, 'application/json', { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' });
      expect(res.status).toBe(200);
      expect(await h.settled(eventId, retry + 1)).toMatchObject({ outcome: 'duplicate' });
    }
    expect(await answerCount()).toBe(answers);
    expect(posts()).toBe(posted);
    expect(h.fake.messages(h.fake.dmOf(ALEX)).filter((m) => m.text.includes('And the role at Globex?'))).toHaveLength(1);
    const events = await db().selectFrom('inbound_events').select('event_id').where('event_id', '=', eventId).execute();
    expect(events).toHaveLength(1);
  });

  it('records an event once when the retry races the first delivery', async () => {
    const { raw, eventId } = h.driver.eventBody(ALEX, 'Designer');
    const answers = await answerCount();
    const results = await Promise.all([
      h.driver.post(raw, 'application/json'),
      h.driver.post(raw, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await h.settled(eventId, 2);
    expect(h.reports.filter((r) => r.eventId === eventId).map((r) => r.outcome).sort()).toEqual(['delivered', 'duplicate']);
    expect(await answerCount()).toBe(answers + 1);
    expect(h.fake.messages(h.fake.dmOf(ALEX)).filter((m) => m.text.includes('Which stage was this?'))).toHaveLength(1);
  });

  it('records a double-clicked button once and updates the message once', async () => {
    const stage = await latest(ALEX, 'Which stage was this?');
    const answers = await answerCount();
    // Two clicks of a double click are two interactions with their own action_ts.
    const [a, b] = await Promise.all([h.driver.click(ALEX, stage, 'Final round'), h.driver.click(ALEX, stage, 'Final round')]);
    const outcomes = [(await h.settled(a.eventId)).outcome, (await h.settled(b.eventId)).outcome].sort();
    expect(outcomes).toEqual(['delivered', 'rejected-click']);
    // And the very same interaction delivered twice is a duplicate.
    const same = h.driver.clickBody(ALEX, stage, 'Final round');
    await h.driver.post(same.raw, 'application/x-www-form-urlencoded');
    await h.driver.post(same.raw, 'application/x-www-form-urlencoded');
    await h.settled(same.eventId, 2);

    expect(await answerCount()).toBe(answers + 1);
    const stageAnswers = await db().selectFrom('answers').select('value').where('step', '=', 'stage').execute();
    expect(stageAnswers).toHaveLength(1);
    expect(h.fake.succeeded('chat.update').filter((c) => c.params.ts === stage.ts)).toHaveLength(1);
    expect(h.fake.messages(h.fake.dmOf(ALEX)).filter((m) => m.text.includes('When was it?'))).toHaveLength(1);
    // The second click got a quiet explanation, visible to the clicker only.
    const ephemeral = h.fake.succeeded('respond').map((c) => c.params);
    expect(ephemeral.at(-1)).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(ephemeral.at(-1)?.text)).toContain('already been answered');
  });

  it("changes nothing when someone else presses a person's button", async () => {
    const when = await latest(ALEX, 'When was it?');
    const before = await conversationOf(ALEX);
    const answers = await answerCount();
    const updates = h.fake.succeeded('chat.update').length;
    const posted = posts();

    const foreign = h.driver.clickBody(SAM, when, 'Today');
    expect((await h.driver.post(foreign.raw, 'application/x-www-form-urlencoded')).status).toBe(200);
    expect(await h.settled(foreign.eventId)).toMatchObject({ outcome: 'rejected-click' });

    expect(await conversationOf(ALEX)).toEqual(before);
    expect(await answerCount()).toBe(answers);
    expect(h.fake.succeeded('chat.update')).toHaveLength(updates);
    expect(posts()).toBe(posted);
    const told = h.fake.succeeded('respond').at(-1)!;
    expect(told.params).toMatchObject({ response_type: 'ephemeral' });
    expect(buttonLabels(h.fake.messages(h.fake.dmOf(ALEX)).find((m) => m.ts === when.ts) as StoredMessage)).toEqual(['Today', 'Yesterday', 'Skip']);

    // The owner's own click still works afterwards.
    const own = await h.driver.click(ALEX, when, 'Today');
    expect(await h.settled(own.eventId)).toMatchObject({ outcome: 'delivered' });
    expect((await conversationOf(ALEX)).step).toBe('outcome');
  });

  it("ignores the bot's own messages, edits, other subtypes and channel messages", async () => {
    const answers = await answerCount();
    const posted = posts();
    const ignored = [
      h.driver.eventBody(BOT_USER_ID, 'Where did it land?', { event: { bot_id: BOT_ID } }),
      h.driver.eventBody(ALEX, 'It was a no', { event: { subtype: 'message_changed' } }),
      h.driver.eventBody(ALEX, 'It was a no', { event: { subtype: 'bot_message', bot_id: 'B0OTHER' } }),
      h.driver.eventBody(ALEX, 'It was a no', { event: { subtype: 'file_share' } }),
      h.driver.eventBody(ALEX, 'It was a no', { event: { channel_type: 'channel', channel: 'C0CHANNEL01' } }),
    ];
    for (const e of ignored) expect((await h.driver.post(e.raw, 'application/json')).status).toBe(200);
    // A real message after them is answered; the ignored ones left no trace.
    const real = await h.driver.dm(ALEX, 'It was a no');
    expect(await h.settled(real.eventId)).toMatchObject({ outcome: 'delivered' });
    expect(await answerCount()).toBe(answers + 1);
    expect(posts()).toBe(posted + 1);
    const seen = await db().selectFrom('inbound_events').select('event_id').where('event_id', 'in', ignored.map((e) => e.eventId)).execute();
    expect(seen).toEqual([]);
    expect(h.reports.filter((r) => ignored.some((e) => e.eventId === r.eventId))).toEqual([]);
  });
});
