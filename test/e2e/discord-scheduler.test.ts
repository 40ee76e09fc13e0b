import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARED_OWNER } from '../../adapters/discord/parse.js';
import { runDue, type DueOptions } from '../../src/scheduler/due-runs.js';
import { checkinInvites } from '../../src/scheduler/kinds/checkin-invites.js';
import { communityPrompts } from '../../src/scheduler/kinds/community-prompts.js';
import { claimBatch, enqueue, recordPartSent } from '../../src/db/outbox.js';
import { drainAll } from '../../src/scheduler/worker.js';
import { PERMISSIONS, snowflake, waitFor, type FakeUser, type InteractionRecord } from '../helpers/fake-discord.js';
import { silentLogger } from '../helpers/fresh-db.js';
import { APPLICATION_ID, GUILD_ID, buttonId, nextBotMessage, startHarness, type Harness } from '../helpers/discord-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Discord JSON as the fake recorded it */

/**
 * Weekly community prompts and personal check-ins on Discord, end to end: an admin sets the schedule
 * with `/debrief` in a server, the scheduler (driven with a controlled clock) queues the post, and the
 * Discord deliverer posts it to the loopback Discord; members click its buttons in the channel and
 * carry on in a DM; Discord's failures reach the outbox as "retry after" or "failed for good".
 */

const ADMIN: FakeUser = { id: '500000000000000001', username: 'ada' };
const OWNER: FakeUser = { id: '500000000000000002', username: 'oz' };
const MEMBER: FakeUser = { id: '500000000000000003', username: 'ben' };
const OTHER: FakeUser = { id: '500000000000000004', username: 'cy' };
const CLOSED: FakeUser = { id: '500000000000000005', username: 'dee' };
const CHECKER: FakeUser = { id: '500000000000000006', username: 'eve' };

let h: Harness;
let jobs: string;
let lobby: string;

beforeAll(async () => {
  h = await startHarness();
  jobs = h.fake.textChannel(GUILD_ID, 'jobs');
  lobby = h.fake.textChannel(GUILD_ID, 'lobby');
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.app.database.db;
const due = (now: Date, instanceId = 'replica-1'): DueOptions => ({
  now,
  instanceId,
  graceMs: h.app.config.scheduler.graceMs,
});
const drain = (now: Date, workerId = 'replica-1') =>
  drainAll({ db: db(), deliverers: new Map([['discord', h.adapter.deliverer!]]), workerId, now: () => now, logger: silentLogger });
const schedules = () => db().selectFrom('schedules').selectAll().where('platform', '=', 'discord').execute();
const outboxRow = (key: string) => db().selectFrom('outbox').selectAll().where('dedupe_key', '=', key).executeTakeFirstOrThrow();
const posts = (channelId: string) => h.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${channelId}/messages`);

/** `/debrief action:<text>` typed in the lobby; resolves with the bot's DM that answers it. */
async function inServer(user: FakeUser, action: string, permissions: string, reply: RegExp) {
  const before = h.fake.botMessages(user.id).length;
  const command = h.fake.slashCommand(user, { guildId: GUILD_ID, channelId: lobby, action, permissions });
  const dm = await nextBotMessage(h.fake, user, before, reply);
  await waitFor('the private note in the server', () => command.original?.content);
  return { command, dm };
}

const buttons = (m: any) => m.components.flatMap((r: any) => r.components).map((c: any) => [c.label, c.custom_id]);

describe('Discord: weekly prompts', () => {
  it('refuses a member without Manage Server, and names the accepted forms of a bad cron or zone', async () => {
    await inServer(MEMBER, `admin schedule <#${jobs}> "0 9 * * 1" Europe/London`, PERMISSIONS.member, /Only workspace or server admins/);
    await inServer(ADMIN, `admin schedule <#${jobs}> "0 9 * *" Europe/London`, PERMISSIONS.manageGuild, /needs exactly five fields/);
    await inServer(ADMIN, `admin schedule <#${jobs}> "0 9 * * 1" Europe/Lundon`, PERMISSIONS.manageGuild, /Use a name like Europe\/London/);
    expect(await schedules()).toEqual([]);
  });

  it('an admin schedules the prompt for the server by channel mention (or id), typed in another channel', async () => {
    // A bare id (Copy Channel ID) from an Administrator.
    await inServer(OWNER, `admin schedule ${lobby} "0 8 * * 1" UTC`, PERMISSIONS.administrator, /Done\. The weekly reflection will post in/);
    expect(await schedules()).toEqual([expect.objectContaining({ workspace_id: GUILD_ID, channel_id: lobby })]);

    // Discord's client writes a picked #channel as <#id>, and may drop the space after it.
    const { command, dm } = await inServer(
      ADMIN,
      `admin schedule <#${jobs}>"0 9 * * 1" Europe/London`,
      PERMISSIONS.manageGuild,
      /Done\. The weekly reflection will post in/,
    );
    expect(dm.content).toContain(`<#${jobs}>`);
    expect(command.callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(command.original!.content).toMatch(/I've sent you a direct message/);
    const [schedule] = await schedules();
    // Kept per server (the community), with the application as the members' workspace.
    expect(schedule).toMatchObject({ workspace_id: GUILD_ID, channel_id: jobs, cron: '0 9 * * 1', time_zone: 'Europe/London', enabled: true });
    expect(await schedules()).toHaveLength(1);

    const status = await inServer(ADMIN, 'admin status', PERMISSIONS.manageGuild, /Community prompts/);
    expect(status.dm.content).toContain(`<#${jobs}>`);
    expect(status.dm.content).toContain('Europe/London');
  });

  let prompt: any;

  it('when due, three replicas ticking at once post one prompt in the channel, with buttons for anyone', async () => {
    const [schedule] = await schedules();
    const slot = schedule!.next_run_at;
    const at = new Date(slot.getTime() + 5_000);
    const ticks = await Promise.all([1, 2, 3].map((n) => runDue(db(), communityPrompts, due(at, `replica-${n}`))));
    expect(ticks.reduce((n, t) => n + t.queued, 0)).toBe(1);
    expect(await drain(at)).toEqual({ sent: 1, retry: 0, failed: 0 });
    // A replica restarting a minute later finds nothing to do.
    await runDue(db(), communityPrompts, due(new Date(at.getTime() + 60_000), 'replica-restarted'));
    await drain(new Date(at.getTime() + 60_000));

    const inChannel = h.fake.channelMessages(jobs);
    expect(inChannel).toHaveLength(1);
    prompt = inChannel[0];
    expect(prompt.content).toContain("**This week's reflection**");
    expect(buttons(prompt).map(([label]: string[]) => label)).toEqual(['Reflect privately', 'Debrief an interview']);
    for (const [, id] of buttons(prompt)) expect(id.startsWith(`d|${SHARED_OWNER}|none|start:`)).toBe(true);

    const [post] = posts(jobs);
    expect(post!.body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(post!.body.nonce.length).toBeLessThanOrEqual(25);
    const key = `prompt:${schedule!.id}:${slot.toISOString()}`;
    expect(await outboxRow(key)).toMatchObject({ status: 'sent', attempts: 1, external_id: prompt.id, target_id: jobs });
    // Nothing is posted in the channel the admin typed in.
    expect(h.fake.channelMessages(lobby)).toEqual([]);
  });

  it('a member clicking "Reflect privately" gets the reflection in a DM and a private note; the post is untouched', async () => {
    const snapshot = structuredClone(prompt);
    const click = h.fake.click(MEMBER, prompt, buttonId(prompt, 'Reflect privately'));
    await nextBotMessage(h.fake, MEMBER, 0, /This week's question/);
    await waitFor('the private note', () => click.original?.edited_timestamp && click.original.content);
    expect(click.callbacks).toEqual([expect.objectContaining({ type: 5, data: { flags: 64 } })]);
    expect(click.original!.content).toMatch(/I've sent you a direct message/);

    // Someone else uses the same post; someone whose DMs are closed is told how to open them.
    const other = h.fake.click(OTHER, prompt, buttonId(prompt, 'Debrief an interview'));
    await nextBotMessage(h.fake, OTHER, 0, /Which company/);
    await waitFor('the second note', () => other.original?.edited_timestamp);
    h.fake.blockDms(CLOSED.id);
    const closed = h.fake.click(CLOSED, prompt, buttonId(prompt, 'Reflect privately'));
    await waitFor('the DMs-closed note', () => closed.original?.edited_timestamp && closed.original.content);
    expect(closed.original!.content).toMatch(/Privacy Settings/);

    // Never updated, never disabled, nothing more in the channel.
    expect(prompt).toEqual(snapshot);
    const all: InteractionRecord[] = [click, other, closed];
    expect(all.flatMap((r) => r.callbacks.map((c) => c.type))).toEqual([5, 5, 5]);
    expect(h.fake.calls.filter((c) => c.method === 'PATCH' && !c.path.endsWith('/messages/@original'))).toEqual([]);
    expect(h.fake.channelMessages(jobs)).toHaveLength(1);
    expect(posts(jobs)).toHaveLength(1);
  });

  it('suggests the actions as an admin types, and keeps what they typed first', async () => {
    const typed = `admin schedule <#${jobs}> "0 9 * * 1" Europe/London`;
    const record = h.fake.autocomplete(ADMIN, typed, { guildId: GUILD_ID, permissions: PERMISSIONS.manageGuild });
    await waitFor('the suggestions', () => record.callbacks[0]);
    expect(record.callbacks[0]).toMatchObject({ type: 8 });
    expect(record.callbacks[0]!.data.choices[0]).toEqual({ name: typed, value: typed });

    const member = h.fake.autocomplete(MEMBER, 'adm', { guildId: GUILD_ID });
    await waitFor('a member\'s suggestions', () => member.callbacks[0]);
    expect(member.callbacks[0]!.data.choices.map((c: any) => c.value)).toEqual(['adm']);
  });
});

describe('Discord: check-ins', () => {
  it('`checkins on` in a DM asks the time zone once; a zone button sets it; the due check-in arrives', async () => {
    const command = h.fake.slashCommand(CHECKER, { action: 'checkins on' });
    const ask = await nextBotMessage(h.fake, CHECKER, 0, /Which time zone are you in/);
    // In a DM the command's own response asks (a reply, or a deferred one edited on a slow machine).
    expect([4, 5]).toContain(command.callbacks[0]!.type);
    const zone = buttonId(ask, 'Europe/Berlin');
    expect(zone).toMatch(new RegExp(`^d\\|${CHECKER.id}\\|command:\\d+\\|checkins:zone:Europe/Berlin$`));
    const before = h.fake.botMessages(CHECKER.id).length;
    h.fake.click(CHECKER, ask, zone);
    const on = await nextBotMessage(h.fake, CHECKER, before, /Check-ins are on/);
    expect(on.content).toContain('(Europe/Berlin)');
    const member = await db()
      .selectFrom('members')
      .select(['id', 'time_zone', 'checkins_enabled', 'next_checkin_at'])
      .where('platform', '=', 'discord')
      .where('user_id', '=', CHECKER.id)
      .executeTakeFirstOrThrow();
    expect(member).toMatchObject({ time_zone: 'Europe/Berlin', checkins_enabled: true });
    const local = member.next_checkin_at!.toLocaleString('en-GB', { timeZone: 'Europe/Berlin', weekday: 'short', hour: '2-digit', minute: '2-digit' });
    expect(local).toBe('Mon 10:00');

    // Asked once: `checkins on` again uses the zone it has.
    h.fake.slashCommand(CHECKER, { action: 'checkins on' });
    await nextBotMessage(h.fake, CHECKER, before + 1, /Check-ins are on/);

    const at = new Date(member.next_checkin_at!.getTime() + 5_000);
    await Promise.all([1, 2].map((n) => runDue(db(), checkinInvites(h.app.config.scheduler), due(at, `replica-${n}`))));
    await drain(at);
    const invites = h.fake.botMessages(CHECKER.id).filter((m) => m.content.includes('your weekly check-in'));
    expect(invites).toHaveLength(1);
    expect(buttons(invites[0]).map(([label]: string[]) => label)).toEqual(['Check in', 'Debrief an interview']);
    expect(await outboxRow(`checkin:${member.id}:${member.next_checkin_at!.toISOString()}`)).toMatchObject({
      status: 'sent',
      target_kind: 'dm',
      target_id: CHECKER.id,
      workspace_id: APPLICATION_ID,
    });

    // Its buttons are the member's own: the answer replaces them and the check-in goes on below.
    const count = h.fake.botMessages(CHECKER.id).length;
    h.fake.click(CHECKER, invites[0], buttonId(invites[0], 'Check in'));
    await nextBotMessage(h.fake, CHECKER, count, /Any interviews this week/);
    expect(invites[0].content).toContain('✓ Check in');
  });
});

describe('Discord: delivery outcomes', () => {
  const t0 = new Date('2030-01-07T09:00:00Z');
  let n = 0;
  async function queue(target: { kind: 'channel' | 'dm'; id: string }, text = 'A weekly note') {
    const key = `test:${++n}`;
    await enqueue(db(), { dedupeKey: key, platform: 'discord', workspaceId: GUILD_ID, target, replies: [{ text, expectsText: false }], notBefore: t0 }, t0);
    return key;
  }

  it('a 429 comes back to the outbox as "retry after", without the client waiting; then it goes once', async () => {
    const channel = h.fake.textChannel(GUILD_ID, 'rate');
    const key = await queue({ kind: 'channel', id: channel });
    h.fake.rateLimitNext('POST', new RegExp(`^/channels/${channel}/messages$`), { retryAfterSeconds: 0.4 });
    const started = Date.now();
    expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
    const row = await outboxRow(key);
    // A rate limit is the platform's pace, not a failed attempt: it does not count towards giving up.
    expect(row).toMatchObject({ status: 'pending', last_error: 'rate_limited', attempts: 0 });
    expect(row.not_before.getTime()).toBeGreaterThanOrEqual(t0.getTime() + 400);

    // Not before the wait. After it, exactly once: the REST client also remembers the bucket until
    // it resets in real time, and until then says "retry after" without calling Discord.
    expect(await drain(new Date(t0.getTime() + 100))).toEqual({ sent: 0, retry: 0, failed: 0 });
    const deadline = Date.now() + 5_000;
    while ((await drain((await outboxRow(key)).not_before)).sent === 0) {
      if (Date.now() > deadline) throw new Error('the rate-limited post never went out');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await outboxRow(key)).toMatchObject({ status: 'sent' });
    expect(h.fake.channelMessages(channel)).toHaveLength(1);
    expect(posts(channel).map((c) => c.status)).toEqual([429, 200]);
  });

  it('a gone channel, missing permissions or closed DMs are failed with the code and not retried; a 5xx is retried', async () => {
    const gone = await queue({ kind: 'channel', id: snowflake() });
    const denied = h.fake.textChannel(GUILD_ID, 'locked');
    h.fake.denyChannel(denied, { status: 403, code: 50013, message: 'Missing Permissions' });
    const noPerms = await queue({ kind: 'channel', id: denied });
    const blocked: FakeUser = h.fake.user({ id: '500000000000000007', username: 'fay' });
    h.fake.blockDms(blocked.id);
    const closed = await queue({ kind: 'dm', id: blocked.id });
    const flaky = h.fake.textChannel(GUILD_ID, 'flaky');
    h.fake.failNext('POST', new RegExp(`^/channels/${flaky}/messages$`), { status: 503, message: 'Service Unavailable' });
    const outage = await queue({ kind: 'channel', id: flaky });

    expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 3 });
    expect(await outboxRow(gone)).toMatchObject({ status: 'failed', last_error: '10003 Unknown Channel', attempts: 1 });
    expect(await outboxRow(noPerms)).toMatchObject({ status: 'failed', last_error: '50013 Missing Permissions', attempts: 1 });
    expect(await outboxRow(closed)).toMatchObject({ status: 'failed', last_error: '50007 Cannot send messages to this user', attempts: 1 });
    expect(await outboxRow(outage)).toMatchObject({ status: 'pending', last_error: 'http_503' });

    // A day later: the failed ones are left alone; the 5xx one goes.
    const calls = h.fake.calls.length;
    expect(await drain(new Date(t0.getTime() + 86_400_000))).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.calls.slice(calls).map((c) => c.path)).toEqual([`/channels/${flaky}/messages`]);
  });

  it('a resend after a lost answer or a crash carries the same nonce, and Discord keeps one message', async () => {
    // The answer is lost after Discord posted: retried, and the resend returns the same message.
    const lost = h.fake.textChannel(GUILD_ID, 'lost');
    h.fake.failNext('POST', new RegExp(`^/channels/${lost}/messages$`), { drop: true });
    const lostKey = await queue({ kind: 'channel', id: lost }, 'Once only');
    expect(await drain(t0)).toEqual({ sent: 0, retry: 1, failed: 0 });
    expect(h.fake.channelMessages(lost)).toHaveLength(1);
    const row = await outboxRow(lostKey);
    expect(await drain(row.not_before)).toEqual({ sent: 1, retry: 0, failed: 0 });
    expect(h.fake.channelMessages(lost)).toHaveLength(1);
    const [first, second] = posts(lost);
    expect(second!.body.nonce).toBe(first!.body.nonce);
    expect(second!.deduped).toBe(true);
    expect(await outboxRow(lostKey)).toMatchObject({ status: 'sent', external_id: h.fake.channelMessages(lost)[0].id });

    // The process dies after posting, before recording: the lease runs out and the next worker is
    // told the message is uncertain.
    const crash = h.fake.textChannel(GUILD_ID, 'crash');
    const crashKey = await queue({ kind: 'channel', id: crash }, 'Also once');
    const [claimed] = await claimBatch(db(), { workerId: 'doomed', now: t0, limit: 10, leaseMs: 60_000, platforms: ['discord'] });
    expect(claimed!.dedupeKey).toBe(crashKey);
    expect(await h.adapter.deliverer!.deliver(claimed!)).toMatchObject({ status: 'sent' });
    const later = new Date(t0.getTime() + 61_000);
    const [again] = await claimBatch(db(), { workerId: 'replica-2', now: later, limit: 10, leaseMs: 60_000, platforms: ['discord'] });
    expect(again).toMatchObject({ dedupeKey: crashKey, uncertain: true, attempt: 2 });
    expect(await h.adapter.deliverer!.deliver(again!)).toEqual({ status: 'sent', externalId: h.fake.channelMessages(crash)[0].id });
    expect(h.fake.channelMessages(crash)).toHaveLength(1);
    expect(posts(crash).map((c) => c.deduped ?? false)).toEqual([false, true]);
  });

  it('a resend hours later, when Discord no longer knows the nonce, posts nothing Discord had already answered for', async () => {
    const channel = h.fake.textChannel(GUILD_ID, 'outage');
    const key = 'test:long-outage';
    const replies = [{ text: 'Part one', expectsText: false }, { text: 'Part two', expectsText: false }];
    await enqueue(db(), { dedupeKey: key, platform: 'discord', workspaceId: GUILD_ID, target: { kind: 'channel', id: channel }, replies, notBefore: t0 }, t0);
    // Both parts go out and are recorded as Discord answers; the process dies before settling.
    const [claimed] = await claimBatch(db(), { workerId: 'doomed', now: t0, limit: 10, leaseMs: 60_000, platforms: ['discord'] });
    const onPartSent = (part: number, id: string) => recordPartSent(db(), claimed!.id, 'doomed', part, id);
    expect(await h.adapter.deliverer!.deliver({ ...claimed!, onPartSent })).toMatchObject({ status: 'sent' });
    expect((await outboxRow(key)).sent_parts).toEqual({ 0: h.fake.channelMessages(channel)[0].id, 1: h.fake.channelMessages(channel)[1].id });

    // A long outage: hours pass, and Discord has forgotten the nonces.
    h.fake.expireNonces();
    await drain(new Date(t0.getTime() + 6 * 3_600_000));
    expect(h.fake.channelMessages(channel).map((m: any) => m.content)).toEqual(['Part one', 'Part two']);
    expect(posts(channel)).toHaveLength(2);
    expect(await outboxRow(key)).toMatchObject({ status: 'sent', external_id: h.fake.channelMessages(channel)[0].id });
  });
});
