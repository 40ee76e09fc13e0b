import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DM_NOTE } from '../../adapters/slack/handlers.js';
import { METADATA_EVENT } from '../../adapters/slack/outbox-deliverer.js';
import { runDue, type DueOptions } from '../../src/scheduler/due-runs.js';
import { checkinInvites } from '../../src/scheduler/kinds/checkin-invites.js';
import { communityPrompts } from '../../src/scheduler/kinds/community-prompts.js';
import { claimBatch, enqueue } from '../../src/db/outbox.js';
import { drainAll } from '../../src/scheduler/worker.js';
import type { StoredMessage } from '../helpers/fake-slack.js';
import { silentLogger } from '../helpers/fresh-db.js';
import { TEAM_ID, startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { buttonLabels, visibleText, waitFor } from '../helpers/slack-requests.js';

/**
 * Weekly community prompts and personal check-ins on Slack, end to end: an admin sets the schedule with
 * a signed slash command, the scheduler (driven with a controlled clock) queues the post, and the Slack
 * deliverer posts it to the loopback Slack; members click its buttons; Slack's failures reach the outbox
 * as "retry after" or "failed for good".
 */

const ADMIN = 'U0ADMIN0001';
const MEMBER = 'U0MEMBER001';
const CHECKER = 'U0CHECKER01';
const CHANNEL = 'C0JOBS00001';
const SCHEDULE = `admin schedule <#${CHANNEL}|jobs> "0 9 * * 1" Europe/London`;

describe('Slack: weekly prompts and check-ins', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
    h.fake.setUser(ADMIN, { is_admin: true, tz: 'Europe/London' });
    h.fake.setUser(MEMBER, { tz: 'Europe/Berlin' });
    h.fake.setUser(CHECKER, { tz: 'Asia/Kolkata' });
  });
  afterAll(async () => h?.close());

  const db = () => h.database.db;
  const due = (now: Date, instanceId = 'replica-1'): DueOptions => ({
    now,
    instanceId,
    graceMs: h.app.config.scheduler.graceMs,
  });
  const drain = (now: Date, workerId = 'replica-1') =>
    drainAll({ db: db(), deliverers: new Map([['slack', h.slack.deliverer]]), workerId, now: () => now, logger: silentLogger });

  /** `/debrief <text>` typed in `channel`, signed as Slack does; resolves when its replies are posted. */
  async function command(user: string, text: string, channel = CHANNEL) {
    const sent = await h.driver.command(user, text, channel);
    expect(sent.status).toBe(200);
    await h.settled(sent.eventId);
  }

  const dmWith = (user: string, fragment: string) =>
    waitFor(`a DM to ${user} with "${fragment}"`, () => h.fake.messages(h.fake.dmOf(user)).find((m) => visibleText(m).includes(fragment)));

  const schedules = () => db().selectFrom('schedules').selectAll().where('workspace_id', '=', TEAM_ID).execute();
  const outboxRow = (key: string) => db().selectFrom('outbox').selectAll().where('dedupe_key', '=', key).executeTakeFirstOrThrow();

  it('refuses a member who is not a workspace admin, asking Slack rather than trusting the request', async () => {
    await command(MEMBER, SCHEDULE);
    await dmWith(MEMBER, 'Only workspace or server admins');
    expect(h.fake.succeeded('users.info').map((c) => c.params.user)).toContain(MEMBER);
    expect(await schedules()).toHaveLength(0);
  });

  it('tells an admin what is accepted when the cron expression or the time zone is wrong', async () => {
    await command(ADMIN, `admin schedule <#${CHANNEL}|jobs> "0 9 * *" Europe/London`);
    await dmWith(ADMIN, 'needs exactly five fields');
    await command(ADMIN, `admin schedule <#${CHANNEL}|jobs> "0 9 * * 1" Europe/Lundon`);
    await dmWith(ADMIN, 'Use a name like Europe/London');
    expect(await schedules()).toHaveLength(0);
  });

  let prompt: StoredMessage;

  it('an admin schedules the weekly prompt; when it is due, exactly one post lands in the channel, with its buttons', async () => {
    await command(ADMIN, SCHEDULE);
    const done = await dmWith(ADMIN, 'Done. The weekly reflection will post in');
    // The channel stays a link in Slack, not escaped text.
    expect(visibleText(done)).toContain(`<#${CHANNEL}>`);
    const [schedule] = await schedules();
    expect(schedule).toMatchObject({ channel_id: CHANNEL, cron: '0 9 * * 1', time_zone: 'Europe/London', enabled: true });
    const local = schedule!.next_run_at.toLocaleString('en-GB', { timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    expect(local).toBe('Mon 09:00');

    // Just before: nothing. At the slot, two replicas tick and drain; a restart ticks again later.
    const slot = schedule!.next_run_at.getTime();
    await runDue(db(), communityPrompts, due(new Date(slot - 60_000)));
    await drain(new Date(slot - 60_000));
    expect(h.fake.messages(CHANNEL)).toHaveLength(0);
    const at = new Date(slot + 5_000);
    await Promise.all([runDue(db(), communityPrompts, due(at, 'replica-1')), runDue(db(), communityPrompts, due(at, 'replica-2'))]);
    await Promise.all([drain(at, 'replica-1'), drain(at, 'replica-2')]);
    await runDue(db(), communityPrompts, due(new Date(slot + 10 * 60_000), 'replica-3'));
    await drain(new Date(slot + 10 * 60_000), 'replica-3');

    const posts = h.fake.messages(CHANNEL);
    expect(posts).toHaveLength(1);
    prompt = posts[0]!;
    expect(visibleText(prompt)).toContain("This week's reflection");
    expect(buttonLabels(prompt)).toEqual(['Reflect privately', 'Debrief an interview']);
    const key = `prompt:${schedule!.id}:${new Date(slot).toISOString()}`;
    expect(prompt.metadata).toEqual({ event_type: METADATA_EVENT, event_payload: { key, part: 0 } });
    expect(await outboxRow(key)).toMatchObject({ status: 'sent', attempts: 1, external_id: prompt.ts });
  });

  it('a member clicking "Reflect privately" in the channel gets the reflection in a DM; the channel post is untouched', async () => {
    const before = h.fake.messages(CHANNEL);
    const sent = await h.driver.click(MEMBER, prompt, 'Reflect privately');
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });

    await dmWith(MEMBER, "This week's question");
    // Nothing posted in the channel, nothing changed on the post: others still need its buttons.
    expect(h.fake.messages(CHANNEL)).toEqual(before);
    expect(h.fake.calls.filter((c) => c.method === 'chat.update' && c.params.channel === CHANNEL)).toHaveLength(0);
    expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === CHANNEL)).toHaveLength(1);
    // Only the clicker sees a short note under the post.
    const notes = h.fake.calls.filter((c) => c.method === 'respond' && c.params.text === DM_NOTE);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.params).toMatchObject({ response_type: 'ephemeral', replace_original: false });

    // Someone else can still use the same post.
    const other = await h.driver.click(CHECKER, prompt, 'Debrief an interview');
    expect(await h.settled(other.eventId)).toMatchObject({ outcome: 'delivered' });
    await dmWith(CHECKER, 'Which company');
    expect(h.fake.messages(CHANNEL)).toEqual(before);
  });

  it('`checkins on` takes the time zone from the Slack profile, and the due check-in arrives in the DM', async () => {
    await command(CHECKER, 'checkins on');
    await dmWith(CHECKER, 'Check-ins are on');
    await dmWith(CHECKER, '(Asia/Kolkata)');
    const member = await db()
      .selectFrom('members')
      .select(['id', 'time_zone', 'checkins_enabled', 'next_checkin_at'])
      .where('user_id', '=', CHECKER)
      .executeTakeFirstOrThrow();
    expect(member).toMatchObject({ time_zone: 'Asia/Kolkata', checkins_enabled: true });

    const at = new Date(member.next_checkin_at!.getTime() + 5_000);
    const local = member.next_checkin_at!.toLocaleString('en-GB', { timeZone: 'Asia/Kolkata', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    expect(local).toBe('Mon 10:00');
    await runDue(db(), checkinInvites(h.app.config.scheduler), due(at));
    await drain(at);
    await runDue(db(), checkinInvites(h.app.config.scheduler), due(new Date(at.getTime() + 60_000)));
    await drain(new Date(at.getTime() + 60_000));

    const dm = h.fake.dmOf(CHECKER);
    const invites = h.fake.messages(dm).filter((m) => visibleText(m).includes('your weekly check-in'));
    expect(invites).toHaveLength(1);
    expect(buttonLabels(invites[0]!)).toEqual(['Check in', 'Debrief an interview']);
    expect(await outboxRow(`checkin:${member.id}:${member.next_checkin_at!.toISOString()}`)).toMatchObject({ status: 'sent', target_id: CHECKER });

    // Its buttons behave as any DM button: the answer replaces them, and the dialogue goes on below.
    const click = await h.driver.click(CHECKER, invites[0]!, 'Check in');
    expect(await h.settled(click.eventId)).toMatchObject({ outcome: 'delivered' });
    const updated = h.fake.messages(dm).find((m) => m.ts === invites[0]!.ts)!;
    expect(buttonLabels(updated)).toEqual([]);
    expect(visibleText(updated)).toContain('✓ Check in');
  });

  it('a 429 comes back to the outbox as "retry after Retry-After", and the post goes out once after the wait', async () => {
    const t0 = new Date('2030-01-07T09:00:00Z');
    await enqueue(db(), { dedupeKey: 'test:429', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: 'C0RATE00001' }, replies: [{ text: 'Rate me', expectsText: false }], notBefore: t0 }, t0);
    h.fake.failNext('chat.postMessage', { kind: 'rate-limited', retryAfterSeconds: 120 });
    const started = Date.now();
    expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(5_000); // the client did not sit out the two minutes itself
    const row = await outboxRow('test:429');
    expect(row).toMatchObject({ status: 'pending', last_error: 'rate_limited' });
    expect(row.not_before.getTime()).toBeGreaterThanOrEqual(t0.getTime() + 120_000);

    expect(await drain(new Date(t0.getTime() + 60_000))).toEqual({ sent: 0, retry: 0, failed: 0 });
    expect(await drain(row.not_before)).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.messages('C0RATE00001').map((m) => m.text)).toEqual(['Rate me']);
  });

  it('a channel that is gone, or a DM Slack refuses, is recorded as failed with Slack\'s code and not retried', async () => {
    const t0 = new Date('2030-02-04T09:00:00Z');
    const stopGone = h.fake.failWhere('chat.postMessage', (p) => p.channel === 'C0GONE00001', { kind: 'slack-error', error: 'channel_not_found' });
    const stopBot = h.fake.failWhere('conversations.open', (p) => p.users === 'U0SOMEBOT01', { kind: 'slack-error', error: 'cannot_dm_bot' });
    try {
      await enqueue(db(), { dedupeKey: 'test:gone', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: 'C0GONE00001' }, replies: [{ text: 'Anyone?', expectsText: false }], notBefore: t0 }, t0);
      await enqueue(db(), { dedupeKey: 'test:bot', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'dm', id: 'U0SOMEBOT01' }, replies: [{ text: 'Hello bot', expectsText: false }], notBefore: t0 }, t0);
      expect(await drain(t0)).toEqual({ sent: 0, retry: 0, failed: 2 });
      expect(await drain(new Date(t0.getTime() + 86_400_000))).toEqual({ sent: 0, retry: 0, failed: 0 });
      expect(await outboxRow('test:gone')).toMatchObject({ status: 'failed', last_error: 'channel_not_found', attempts: 1 });
      expect(await outboxRow('test:bot')).toMatchObject({ status: 'failed', last_error: 'cannot_dm_bot', attempts: 1 });
      expect(h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === 'C0GONE00001')).toHaveLength(1);
    } finally {
      stopGone();
      stopBot();
    }
  });

  it('a resend after an uncertain attempt finds the earlier post by its metadata and does not post twice', async () => {
    const t0 = new Date('2030-03-04T09:00:00Z');
    const channel = 'C0MAYBE0001';
    const posts = () => h.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === channel && c.ok);

    // 1. A replica posts, then dies before recording it: its lease runs out, the next one checks first.
    await enqueue(db(), { dedupeKey: 'test:crash', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: channel }, replies: [{ text: 'Once only', expectsText: false }], notBefore: t0 }, t0);
    const [claimed] = await claimBatch(db(), { workerId: 'doomed', now: t0, limit: 1, leaseMs: 60_000, platforms: ['slack'] });
    expect(await h.slack.deliverer.deliver(claimed!)).toMatchObject({ status: 'sent' });
    expect(await drain(new Date(t0.getTime() + 30_000))).toEqual({ sent: 0, retry: 0, failed: 0 }); // still leased
    expect(await drain(new Date(t0.getTime() + 2 * 60_000))).toEqual({ sent: 1, retry: 0, failed: 0 });
    const first = h.fake.messages(channel);
    expect(first).toHaveLength(1);
    expect(await outboxRow('test:crash')).toMatchObject({ status: 'sent', external_id: first[0]!.ts });
    const lookups = h.fake.succeeded('conversations.history').filter((c) => c.params.channel === channel);
    expect(lookups).toHaveLength(1);
    expect(String(lookups[0]!.params.include_all_metadata)).toBe('true');

    // 2. Slack posts, but the answer is lost on the way back: the outbox retries as uncertain.
    await enqueue(db(), { dedupeKey: 'test:lost', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: channel }, replies: [{ text: 'Also once', expectsText: false }], notBefore: t0 }, t0);
    h.fake.failNext('chat.postMessage', { kind: 'lost-response' });
    expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 0 });
    expect(await drain(new Date(t0.getTime() + 3 * 3_600_000))).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.messages(channel).map((m) => m.text)).toEqual(['Once only', 'Also once']);
    expect(posts()).toHaveLength(2);
    expect(await outboxRow('test:lost')).toMatchObject({ status: 'sent', external_id: h.fake.messages(channel)[1]!.ts });
  });

  it('a resend after a long outage in a busy channel still finds the earlier post, past the newest 100 messages', async () => {
    const t0 = new Date();
    const channel = 'C0BUSY00001';
    await enqueue(db(), { dedupeKey: 'test:busy', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: channel }, replies: [{ text: 'Posted once', expectsText: false }], notBefore: t0 }, t0);
    // Slack takes the post, then the replica dies before it can hear back or record anything.
    const [claimed] = await claimBatch(db(), { workerId: 'doomed', now: t0, limit: 1, leaseMs: 60_000, platforms: ['slack'] });
    expect(await h.slack.deliverer.deliver(claimed!)).toMatchObject({ status: 'sent' });
    // A long outage, and the channel goes on: 250 messages from people since.
    for (let i = 0; i < 250; i++) h.fake.postAsPerson(channel, `chatter ${i}`);
    expect(await drain(new Date(t0.getTime() + 6 * 3_600_000))).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.messages(channel).filter((m) => m.text === 'Posted once')).toHaveLength(1);
    const lookups = h.fake.succeeded('conversations.history').filter((c) => c.params.channel === channel);
    expect(lookups.length).toBeGreaterThan(1);
    expect(await outboxRow('test:busy')).toMatchObject({ status: 'sent', external_id: h.fake.messages(channel)[0]!.ts });
  });

  it('records each part the moment Slack answers, so a retry after a later part failed posts only the rest', async () => {
    const t0 = new Date();
    const channel = 'C0PARTS0001';
    const replies = ['One', 'Two', 'Three'].map((text) => ({ text, expectsText: false }));
    await enqueue(db(), { dedupeKey: 'test:parts', platform: 'slack', workspaceId: TEAM_ID, target: { kind: 'channel', id: channel }, replies, notBefore: t0 }, t0);
    let posts = 0;
    const stop = h.fake.failWhere('chat.postMessage', (p) => p.channel === channel && ++posts === 3, { kind: 'slack-error', error: 'internal_error' });
    try {
      expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 0 });
    } finally {
      stop();
    }
    const row = await outboxRow('test:parts');
    const [one, two] = h.fake.messages(channel);
    expect(row.sent_parts).toEqual({ 0: one!.ts, 1: two!.ts });
    const before = h.fake.succeeded('conversations.history').length;
    expect(await drain(new Date(t0.getTime() + 3_600_000))).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.messages(channel).map((m) => m.text)).toEqual(['One', 'Two', 'Three']);
    // The recorded parts were enough: no history search.
    expect(h.fake.succeeded('conversations.history')).toHaveLength(before);
  });
});
