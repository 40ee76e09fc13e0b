import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_TEXT } from '../../adapters/slack/handlers.js';
import type { StoredMessage } from '../helpers/fake-slack.js';
import { BOT_TOKEN, SIGNING_SECRET, TEAM_ID, startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { buttonLabels, visibleText, waitFor } from '../helpers/slack-requests.js';

const USER = 'U0PERSON01';

describe('Slack: a whole debrief from /debrief to the summary', () => {
  let h: SlackHarness;
  let dm: string;
  let seen = 0;

  beforeAll(async () => {
    h = await startSlackHarness();
    dm = h.fake.dmOf(USER);
  });
  afterAll(async () => h?.close());

  /** The next message the bot posts in the DM whose text includes `fragment`. */
  async function next(fragment: string): Promise<StoredMessage> {
    const found = await waitFor(`a DM message with "${fragment}"`, () => {
      const messages = h.fake.messages(dm);
      const i = messages.findIndex((m, idx) => idx >= seen && visibleText(m).includes(fragment));
      return i >= 0 ? { message: messages[i]!, i } : undefined;
    });
    seen = found.i + 1;
    return found.message;
  }

  async function click(message: StoredMessage, label: string, ticked?: string[]) {
    const sent = await h.driver.click(USER, message, label, ticked ? { ticked } : {});
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
    return sent;
  }

  async function say(text: string) {
    const sent = await h.driver.dm(USER, text);
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
  }

  /** After a click, the clicked message shows the answer and has no buttons left. */
  function expectAnswered(message: StoredMessage, answer: string | RegExp) {
    const now = h.fake.messages(dm).find((m) => m.ts === message.ts)!;
    expect(buttonLabels(now)).toEqual([]);
    expect(now.blocks.some((b) => b.type === 'actions')).toBe(false);
    if (typeof answer === 'string') expect(visibleText(now)).toContain(`✓ ${answer}`);
    else expect(visibleText(now)).toMatch(answer);
  }

  it('runs the dialogue in the DM with buttons, checkboxes and typed answers, and stores every row', async () => {
    const started = await h.driver.command(USER, '', 'C0CHANNEL01');
    expect(started.status).toBe(200);
    // The ack is the only thing shown in the channel, and only to the person.
    expect(JSON.parse(started.body)).toEqual({ response_type: 'ephemeral', text: ACK_TEXT });
    await h.settled(started.eventId);
    expect(h.fake.succeeded('conversations.open')[0]?.params).toMatchObject({ users: USER });
    await next("Let's debrief");
    await next('Which company');

    // Slack escapes & < > in message text; the engine gets what was typed, and the reply escapes it again.
    await say('Acme &amp; Co');
    const role = await next('And the role at Acme &amp; Co?');
    expect(buttonLabels(role)).toEqual([]);
    await say('Designer');

    const stage = await next('Which stage was this?');
    expect(buttonLabels(stage)).toEqual(['Phone or recruiter screen', 'Technical or skills', 'Panel or onsite', 'Final round', 'Something else']);
    await click(stage, 'Panel or onsite');
    expectAnswered(stage, 'Panel or onsite');

    const when = await next('When was it?');
    expect(buttonLabels(when)).toEqual(['Today', 'Yesterday', 'Skip']);
    await click(when, 'Yesterday');
    expectAnswered(when, /✓ \d{4}-\d{2}-\d{2}/); // the engine labels a date answer with the date

    await click(await next('Where did it land?'), "It was a no");
    const mood = await next('How are you feeling');
    expect(buttonLabels(mood)).toEqual(['1', '2', '3', '4', '5', 'Skip']);
    await click(mood, '2');
    await next("I'm sorry. That's a hard place to be");

    // Tags: checkboxes and a Done button that sends what was ticked.
    const strengths = await next('Which of these were strengths?');
    const picker = strengths.blocks.flatMap((b) => (b.type === 'actions' ? (b.elements as { type: string }[]) : []));
    expect(picker.map((e) => e.type)).toEqual(['checkboxes', 'button', 'button']);
    expect(buttonLabels(strengths)).toEqual(['Done', 'Skip']);
    await click(strengths, 'Done', ['Preparation', 'Rapport']);
    expectAnswered(strengths, 'Preparation, Rapport');

    await click(await next('what would you do differently'), 'Done', ['Nerves']);

    await click(await next('Have you asked them for feedback?'), "I haven't asked");
    const draft = await next("Here's a short note you could send");
    const pre = draft.blocks.find((b) => b.type === 'rich_text') as { elements: { type: string; elements: { text: string }[] }[] } | undefined;
    expect(pre?.elements[0]?.type).toBe('rich_text_preformatted');
    expect(pre?.elements[0]?.elements[0]?.text).toContain('Acme & Co');

    await click(await next('was the Designer role at Acme &amp; Co right for you?'), 'Partly');
    // The feedback request thanks them already, so "did you thank them?" is not asked.
    const contacts = await next('anyone worth staying in touch with');
    await click(contacts, 'Skip');
    expectAnswered(contacts, 'Skip');
    await next('one concrete step');
    await say('Practise two salary answers out loud');
    await click(await next('By when would you like'), 'In a week');

    const card = await next('Your debrief: Acme & Co'); // a header is plain text: no escaping
    expect(card.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Your debrief: Acme & Co' } });
    const fields = card.blocks.filter((b) => b.type === 'section').flatMap((b) => (b.fields as { text: string }[]) ?? []);
    expect(fields.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*Interview*\nDesigner at Acme &amp; Co', '*Outcome*\nIt was a no', '*Feeling*\n2 of 5']),
    );
    await next("I've saved this debrief");

    // Nothing was ever posted in the channel where /debrief was typed.
    expect(h.fake.calls.filter((c) => c.params.channel === 'C0CHANNEL01')).toEqual([]);
    expect(h.fake.calls.filter((c) => c.method === 'respond')).toEqual([]);
  });

  it('stored the debrief, its action item, one answer per step and the finished conversation', async () => {
    const db = h.app.database.db;
    const member = await db.selectFrom('members').selectAll().executeTakeFirstOrThrow();
    expect(member).toMatchObject({ platform: 'slack', workspace_id: TEAM_ID, user_id: USER });

    const debrief = await db.selectFrom('debriefs').selectAll().executeTakeFirstOrThrow();
    expect(debrief).toMatchObject({
      member_id: member.id,
      company: 'Acme & Co',
      role: 'Designer',
      stage: 'panel',
      outcome: 'rejected',
      mood: 2,
      strength_tags: ['preparation', 'rapport'],
      strengths: null,
      growth_tags: ['nerves'],
      growth_areas: null,
      feedback_status: 'not_asked',
      fit: 'partly',
      thanked: null,
      contacts: null,
      next_step: 'Practise two salary answers out loud',
    });
    expect(debrief.interview_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const items = await db.selectFrom('action_items').selectAll().execute();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ debrief_id: debrief.id, text: 'Practise two salary answers out loud', status: 'open' });
    expect(items[0]!.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const conversations = await db.selectFrom('conversations').selectAll().execute();
    expect(conversations.map((c) => c.status)).toEqual(['completed']);

    const answers = await db.selectFrom('answers').select(['step', 'skipped']).orderBy('created_at').execute();
    const steps = answers.map((a) => a.step);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toEqual(
      expect.arrayContaining(['company', 'role', 'stage', 'interview_date', 'outcome', 'mood', 'strength_tags', 'next_step', 'next_step_due']),
    );
    expect(answers.find((a) => a.step === 'contacts')?.skipped).toBe(true);
  });

  it('answers subcommands in the DM, and an unknown one with help, never in the channel', async () => {
    const history = await h.driver.command(USER, 'history', 'C0CHANNEL01');
    expect(JSON.parse(history.body)).toEqual({ response_type: 'ephemeral', text: ACK_TEXT });
    await h.settled(history.eventId);
    expect(visibleText(await next('Your debriefs'))).toContain('Acme &amp; Co');

    const unknown = await h.driver.command(USER, 'frobnicate', 'C0CHANNEL01');
    await h.settled(unknown.eventId);
    await next("I don't know");
    await next('/debrief history');
    expect(h.fake.calls.filter((c) => c.params.channel === 'C0CHANNEL01')).toEqual([]);
  });

  it('/debrief export uploads a file into the DM; /debrief forget asks with buttons and deletes on a click', async () => {
    const exported = await h.driver.command(USER, 'export', 'C0CHANNEL01');
    expect(await h.settled(exported.eventId)).toMatchObject({ outcome: 'delivered' });
    const complete = h.fake.succeeded('files.completeUploadExternal').at(-1);
    expect(complete?.params).toMatchObject({ channel_id: dm });
    expect(h.fake.succeeded('upload')).toHaveLength(1);

    const forget = await h.driver.command(USER, 'forget', 'C0CHANNEL01');
    await h.settled(forget.eventId);
    const ask = await next('This deletes everything Debrief holds about you');
    expect(buttonLabels(ask)).toEqual(['Yes, delete everything', 'No, keep my data']);
    const sure = await click(ask, 'Yes, delete everything');
    expect(sure.status).toBe(200);
    expectAnswered(ask, 'Yes, delete everything');
    await next('Debrief holds nothing about you now');
    const db = h.app.database.db;
    expect(await db.selectFrom('debriefs').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('members').selectAll().where('user_id', '=', USER).execute()).toEqual([]);
  });

  it('kept answers, tokens and secrets out of the logs', () => {
    const logs = h.logs.join('');
    expect(logs).toContain('turn delivered');
    for (const secret of ['Acme', 'Designer', 'migration project', 'salary', BOT_TOKEN, SIGNING_SECRET])
      expect(logs).not.toContain(secret);
  });
});
