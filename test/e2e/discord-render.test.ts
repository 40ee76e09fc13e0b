import { describe, expect, test } from 'vitest';
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { classify } from '../../adapters/discord/outbox-deliverer.js';
import { SHARED_OWNER, choiceTurn, commandTurn, decodeCustomId, encodeCustomId, messageTurn, normalizeAction } from '../../adapters/discord/parse.js';
import { answeredMessage, markup, renderReply, splitContent } from '../../adapters/discord/render.js';
import { nonceFor } from '../../adapters/discord/send.js';
import * as fx from '../fixtures/discord/replies.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Discord JSON */

const OWNER = '300000000000000001';
const APP = '1100000000000000001';

describe('rendering replies as Discord messages', () => {
  test('light markup becomes Discord markdown', () => {
    expect(markup('type *help* or _skip_, or `/debrief`')).toBe('type **help** or _skip_, or `/debrief`');
    expect(markup('5 * 3 and **already bold**')).toBe('5 * 3 and **already bold**');
  });

  test('a scale is one row of buttons, skip a grey button on its own row', () => {
    const [m] = renderReply(fx.scale, OWNER);
    expect(m!.components).toHaveLength(2);
    expect(m!.components[0]!.components.map((c: any) => [c.label, c.style])).toEqual([
      ['1', 1], ['2', 1], ['3', 1], ['4', 1], ['5', 1],
    ]);
    expect(m!.components[1]!.components).toEqual([expect.objectContaining({ label: 'Skip', style: 2, custom_id: `d|${OWNER}|${fx.promptRef}|cmd:skip` })]);
  });

  test('tags are a multi-select menu (1 to N), commands stay buttons', () => {
    const [m] = renderReply(fx.tags, OWNER);
    const menu = m!.components[0]!.components[0] as any;
    expect(menu).toMatchObject({ type: 3, min_values: 1, max_values: 3, custom_id: `d|${OWNER}|${fx.promptRef}|` });
    expect(menu.options.map((o: any) => o.value)).toEqual(['preparation', 'communication', 'company_research']);
  });

  test('a card is an embed within Discord limits', () => {
    const [m] = renderReply(fx.card, OWNER);
    expect(m!.content).toBe('');
    expect(m!.embeds[0]!.title).toBe('Your debrief: Acme');
    expect(m!.embeds[0]!.fields![1]!.value.length).toBeLessThanOrEqual(1024);
  });

  test('a copyable text is a code block that cannot be closed early', () => {
    const [m] = renderReply(fx.draft, OWNER);
    expect(m!.content.startsWith('Here is one you can copy and adjust:\n```\nHi [name],')).toBe(true);
    expect(m!.content.endsWith('```')).toBe(true);
    expect(m!.content.match(/```/g)).toHaveLength(2);
  });

  test('a file is an attachment', () => {
    const [m] = renderReply(fx.exportFile, OWNER);
    expect(m!.files).toEqual([{ name: 'debrief-export.json', attachment: Buffer.from('{"debriefs":[]}') }]);
  });

  test('a text over 2,000 characters is split at line breaks, the buttons under the last part', () => {
    const long = { ...fx.scale, text: Array.from({ length: 60 }, (_, i) => `line ${i} `.padEnd(60, '.')).join('\n') };
    const parts = renderReply(long, OWNER);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.content.length <= 2000)).toBe(true);
    expect(parts[0]!.components).toEqual([]);
    expect(parts[1]!.components.length).toBe(2);
    expect(splitContent('x'.repeat(4500))).toHaveLength(3);
  });

  test('after a click the buttons are disabled and the answer written under the question', () => {
    const [m] = renderReply(fx.scale, OWNER);
    const clicked = `d|${OWNER}|${fx.promptRef}|2`;
    const done = answeredMessage(m!.content, m!.components, { customId: clicked, values: [] }, ['2']);
    expect(done.content.endsWith('\n> ✓ 2')).toBe(true);
    const buttons = done.components.flatMap((r) => r.components) as any[];
    expect(buttons.every((b) => b.disabled)).toBe(true);
    expect(buttons.filter((b) => b.style === 3).map((b) => b.label)).toEqual(['2']);
  });
});

describe('parsing Discord events', () => {
  test('custom ids carry owner, promptRef and choice within 100 characters', () => {
    const id = encodeCustomId({ owner: '12345678901234567890', promptRef: fx.promptRef, choiceId: 'company_research' });
    expect(id.length).toBeLessThanOrEqual(100);
    expect(decodeCustomId(id)).toEqual({ owner: '12345678901234567890', promptRef: fx.promptRef, choiceId: 'company_research' });
    expect(decodeCustomId('something-else')).toBeNull();
    expect(() => encodeCustomId({ owner: OWNER, promptRef: 'a|b', choiceId: 'x' })).toThrow();
    // A button on a message many people see (the weekly prompt) is anyone's.
    const shared = encodeCustomId({ owner: SHARED_OWNER, promptRef: 'none', choiceId: 'start:reflection:p07' });
    expect(decodeCustomId(shared)).toEqual({ owner: SHARED_OWNER, promptRef: 'none', choiceId: 'start:reflection:p07' });
    expect(decodeCustomId('d|someone|none|start:debrief')).toBeNull();
  });

  test('a channel in `admin schedule` reaches the engine as <#id>, however it was typed', () => {
    const id = '1234567890123456789';
    const byName = (name: string) => (name === 'jobs' ? id : undefined);
    const want = `admin schedule <#${id}> "0 9 * * 1" Europe/London`;
    expect(normalizeAction(`admin schedule <#${id}> "0 9 * * 1" Europe/London`, byName)).toEqual({ action: want });
    expect(normalizeAction(`admin schedule <#${id}>"0 9 * * 1" Europe/London`, byName)).toEqual({ action: want });
    expect(normalizeAction(`admin schedule ${id} "0 9 * * 1" Europe/London`, byName)).toEqual({ action: want });
    expect(normalizeAction('admin schedule #jobs "0 9 * * 1" Europe/London', byName)).toEqual({ action: want });
    expect(normalizeAction('admin schedule #nowhere "0 9 * * 1" UTC', byName)).toMatchObject({ unknownChannel: '#nowhere' });
    // No channel: the engine uses the one the command was typed in.
    expect(normalizeAction('admin schedule "0 9 * * 1" UTC', byName)).toEqual({ action: 'admin schedule "0 9 * * 1" UTC' });
    expect(normalizeAction('history')).toEqual({ action: 'history' });
    expect(normalizeAction(null)).toEqual({ action: null });
  });

  test('Discord errors become outbox outcomes', () => {
    const api = (status: number, code: number) => new DiscordAPIError({ code, message: 'x' }, code, status, 'POST', '/x', { body: undefined, files: undefined });
    expect(classify(api(404, 10003))).toEqual({ status: 'failed', reason: '10003 Unknown Channel' });
    expect(classify(api(403, 50001))).toEqual({ status: 'failed', reason: '50001 Missing Access' });
    expect(classify(api(403, 50013))).toEqual({ status: 'failed', reason: '50013 Missing Permissions' });
    expect(classify(api(400, 50007))).toEqual({ status: 'failed', reason: '50007 Cannot send messages to this user' });
    expect(classify(api(404, 10013))).toEqual({ status: 'failed', reason: '10013 Unknown User' });
    expect(classify(api(400, 50035))).toEqual({ status: 'failed', reason: '50035' });
    expect(classify(api(401, 0))).toMatchObject({ status: 'retry', reason: 'http_401' });
    expect(classify(new HTTPError(502, 'Bad Gateway', 'POST', '/x', { body: undefined, files: undefined }))).toEqual({ status: 'retry', reason: 'http_502' });
    const limited = new RateLimitError({
      timeToReset: 1500, limit: 5, method: 'POST', hash: 'h', url: '/x', route: '/channels/:id/messages', majorParameter: '1',
      global: false, retryAfter: 1500, sublimitTimeout: 0, scope: 'user',
    });
    expect(classify(limited)).toEqual({ status: 'retry', reason: 'rate_limited', afterMs: 1500 });
    expect(classify(Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } }))).toEqual({ status: 'retry', reason: 'UND_ERR_SOCKET' });
  });

  test('only people in DMs are answered', () => {
    const base = { id: '1', content: 'hi', author: { id: OWNER, bot: false }, inDm: true, type: 0 };
    expect(messageTurn(APP, base)).toEqual({ platform: 'discord', workspaceId: APP, userId: OWNER, eventId: '1', input: { kind: 'text', text: 'hi' } });
    expect(messageTurn(APP, { ...base, author: { id: OWNER, bot: true } })).toBeNull();
    expect(messageTurn(APP, { ...base, inDm: false })).toBeNull();
    expect(messageTurn(APP, { ...base, type: 7 })).toBeNull();
    expect(messageTurn(APP, { ...base, webhookId: '9' })).toBeNull();
    expect(messageTurn(APP, { ...base, content: '/debrief history' })!.input).toEqual({ kind: 'command', args: 'history' });
  });

  test('commands and choices become engine inputs', () => {
    expect(commandTurn(APP, '5', OWNER, null).input).toEqual({ kind: 'command', args: '' });
    expect(commandTurn(APP, '5', OWNER, 'start').input).toEqual({ kind: 'command', args: '' });
    expect(commandTurn(APP, '5', OWNER, 'checkins on').input).toEqual({ kind: 'command', args: 'checkins on' });
    const ref = { owner: OWNER, promptRef: fx.promptRef, choiceId: '' };
    expect(choiceTurn(APP, '6', OWNER, ref, ['a', 'b']).input).toEqual({ kind: 'choice', promptRef: fx.promptRef, choiceIds: ['a', 'b'] });
  });

  test('nonces fit Discord\'s 25 characters and are stable per event and reply', () => {
    expect(nonceFor('1575972163943399425', 0)).toBe('1575972163943399425:0');
    const long = nonceFor('a-much-longer-event-id-than-a-snowflake', 3);
    expect(long.length).toBeLessThanOrEqual(25);
    expect(nonceFor('a-much-longer-event-id-than-a-snowflake', 3)).toBe(long);
  });
});
