import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { suggestActions } from '../../adapters/discord/commands.js';
import { discord as discordPlatform } from '../../adapters/discord/config.js';
import { startDiscord } from '../../adapters/discord/index.js';
import { registerCommands } from '../../adapters/discord/register-commands.js';
import { settingsOf } from '../../src/config.js';
import type { Engine } from '../../src/engine/engine.js';
import { StartupError } from '../../src/startup-error.js';
import { waitFor } from '../helpers/fake-discord.js';
import { APPLICATION_ID, GUILD_ID, buttonId, nextBotMessage, startHarness, type Harness } from '../helpers/discord-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Discord JSON as the fake recorded it */

const SLOW_USER = '400000000000000009';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    adapter: { deferAfterMs: 300 },
    // One user's turns take longer than the ack deadline allows, as on a slow database.
    wrapEngine: (engine: Engine): Engine => ({
      drain: () => engine.drain(),
      handle: async (turn) => {
        if (turn.userId === SLOW_USER) await new Promise((r) => setTimeout(r, 900));
        return engine.handle(turn);
      },
    }),
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('/debrief in a server', () => {
  test('answers ephemerally at once and carries on in a DM', async () => {
    const gil = { id: '400000000000000001', username: 'gil' };
    const command = h.fake.slashCommand(gil, { guildId: GUILD_ID });
    const question = await nextBotMessage(h.fake, gil, 0, /Which company/);
    await waitFor('the ephemeral answer to be edited', () => command.original?.content);
    // Deferred ephemerally (type 5, flag 64) well inside the 3-second deadline.
    expect(command.callbacks[0]).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(command.callbacks[0]!.at - command.createdAt).toBeLessThan(3000);
    expect(command.original!.content).toContain(`https://discord.com/channels/@me/${question.channel_id}`);
    // Nothing of the dialogue is posted in the server channel.
    expect(h.fake.calls.some((c) => c.path === `/channels/${command.payload.channel_id}/messages`)).toBe(false);

    // The DM continues as if it had started there.
    const before = h.fake.botMessages(gil.id).length;
    h.fake.sendDm(gil, 'Acme');
    await nextBotMessage(h.fake, gil, before, /And the role at Acme/);
  });

  test('a subcommand goes to the engine; an unknown one gets the help', async () => {
    const hal = { id: '400000000000000002', username: 'hal' };
    h.fake.slashCommand(hal, { guildId: GUILD_ID, action: 'history' });
    await nextBotMessage(h.fake, hal, 0, /./);
    const members = await h.app.database.db.selectFrom('members').where('user_id', '=', hal.id).selectAll().execute();
    expect(members).toEqual([expect.objectContaining({ platform: 'discord', workspace_id: APPLICATION_ID })]);
    h.fake.slashCommand(hal, { action: 'sing' });
    await nextBotMessage(h.fake, hal, 0, /I don't know "sing" yet/);
  });

  test('a user whose DMs are closed (50007) is told in the server how to allow them; nothing crashes', async () => {
    const ivy = { id: '400000000000000003', username: 'ivy' };
    h.fake.blockDms(ivy.id);
    const command = h.fake.slashCommand(ivy, { guildId: GUILD_ID });
    await waitFor('the ephemeral explanation', () => command.original?.content);
    expect(command.original!.flags & 64).toBe(64);
    expect(command.original!.content).toMatch(/Privacy Settings/);
    expect(command.original!.content).toMatch(/Direct Messages/);
    expect(h.fake.calls.some((c) => c.status === 403 && c.path === `/channels/${h.fake.dmChannelId(ivy.id)}/messages`)).toBe(true);

    // The bot carries on serving everyone else.
    const jo = { id: '400000000000000004', username: 'jo' };
    h.fake.sendDm(jo, 'hi');
    await nextBotMessage(h.fake, jo, 0, /Hi, I'm Debrief/);
  });
});

describe('Discord limits', () => {
  test('a 429 is waited out as Discord tells, and the message is posted once', async () => {
    const kim = { id: '400000000000000005', username: 'kim' };
    const route = new RegExp(`^/channels/${h.fake.dmChannelId(kim.id)}/messages$`);
    h.fake.rateLimitNext('POST', route, { retryAfterSeconds: 1 });
    const sent = h.fake.sendDm(kim, 'hello');
    await nextBotMessage(h.fake, kim, 0, /Hi, I'm Debrief/, 10_000);
    const attempts = h.fake.calls.filter((c) => c.method === 'POST' && route.test(c.path));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(attempts[1]!.body.nonce).toBe(`${sent.id}:0`);
    expect(h.fake.botMessages(kim.id)).toHaveLength(1);
    expect(h.logs.some((l) => l.msg === 'rate limited; waiting as told')).toBe(true);
  });

  test('a slow turn defers the click and then shows the answer', async () => {
    const slow = { id: SLOW_USER, username: 'slow' };
    h.fake.sendDm(slow, '/debrief');
    await nextBotMessage(h.fake, slow, 0, /Which company/);
    h.fake.sendDm(slow, 'Acme');
    await nextBotMessage(h.fake, slow, 0, /And the role/);
    h.fake.sendDm(slow, 'Designer');
    const stage = await nextBotMessage(h.fake, slow, 0, /Which stage/);
    const before = h.fake.botMessages(slow.id).length;
    const click = h.fake.click(slow, stage, buttonId(stage, 'Final round'));
    await nextBotMessage(h.fake, slow, before, /When was it/);
    // DEFERRED_UPDATE_MESSAGE inside the deadline, then the message edited through the webhook.
    expect(click.callbacks.map((c) => c.type)).toEqual([6]);
    expect(click.callbacks[0]!.at - click.createdAt).toBeLessThan(3000);
    expect(h.fake.calls.some((c) => c.method === 'PATCH' && c.path === `/webhooks/${APPLICATION_ID}/${click.token}/messages/@original`)).toBe(true);
    expect(stage.content).toContain('✓ Final round');
    expect(stage.components[0].components.every((c: any) => c.disabled)).toBe(true);
  });

  test('a slow /debrief in a DM is deferred, then answered', async () => {
    const slow = { id: SLOW_USER, username: 'slow' };
    const before = h.fake.botMessages(slow.id).length;
    const command = h.fake.slashCommand(slow, { action: 'help' });
    await waitFor('the deferred reply to be edited', () => command.original?.edited_timestamp);
    expect(command.callbacks.map((c) => c.type)).toEqual([5]);
    // The help for the question in progress answers the command; the question follows as a DM.
    expect(command.original!.content).toMatch(/A rough day is fine/);
    await nextBotMessage(h.fake, slow, before + 1, /When was it/);
  });
});

describe('set-up', () => {
  test('discord:register puts /debrief with its actions in the server, or globally', async () => {
    const discord = { token: h.token, applicationId: APPLICATION_ID, guildId: GUILD_ID, apiUrl: h.fake.apiUrl };
    expect(await registerCommands(discord)).toEqual({ scope: 'guild', names: ['debrief'] });
    expect(await registerCommands({ ...discord, guildId: undefined })).toEqual({ scope: 'global', names: ['debrief'] });
    const puts = h.fake.calls.filter((c) => c.method === 'PUT');
    expect(puts.map((c) => c.path)).toEqual([
      `/applications/${APPLICATION_ID}/guilds/${GUILD_ID}/commands`,
      `/applications/${APPLICATION_ID}/commands`,
    ]);
    const [command] = puts[0]!.body;
    expect(command).toMatchObject({ name: 'debrief', type: 1, contexts: [0, 1], integration_types: [0] });
    // Free text with suggestions, not fixed choices: Discord would refuse `admin schedule #jobs ...`
    // typed into an option that has choices.
    expect(command.options[0]).toMatchObject({ name: 'action', type: 3, required: false, autocomplete: true });
    expect(command.options[0].choices).toBeUndefined();
    const values = suggestActions('', { admin: false }).map((c) => c.value);
    expect(values).toEqual(expect.arrayContaining(['help', 'history', 'insights', 'checkins on', 'export', 'forget']));
    expect(values.some((v) => v.startsWith('admin'))).toBe(false);
    expect(suggestActions('check', { admin: true }).map((c) => c.value)).toEqual(['check', 'checkins on', 'checkins off']);
  });

  test('a rejected token is one clear start-up error', async () => {
    const platforms = { ...h.app.config.platforms, discord: { ...settingsOf(h.app.config, discordPlatform)!, token: 'not-the-token' } };
    const app = { ...h.app, config: { ...h.app.config, platforms } };
    const err = await startDiscord(app, [], { readyTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/^DISCORD_TOKEN was rejected by Discord/);
    expect((err as Error).message).not.toContain('not-the-token');
  });
});
