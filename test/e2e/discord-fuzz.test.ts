import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, snowflake, waitFor, type FakeUser } from '../helpers/fake-discord.js';
import { APPLICATION_ID, GUILD_ID, nextBotMessage, startHarness, type Harness } from '../helpers/discord-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- Discord JSON, broken on purpose */

/**
 * Gateway dispatches of every shape the bot handles (a DM, `/debrief` in a DM and in a server, a click
 * in a DM and on a shared post, autocomplete), each with a field the client or the handlers need
 * missing, null, of the wrong type or absurdly long, with unicode and extra fields, through the
 * loopback gateway to the real discord.js client. The process stays up and connected, nothing reaches
 * a handler or the database, and a normal debrief works afterwards.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 2000;
const FUZZER: FakeUser = { id: '1400000000000000001', username: 'fuzzer' };
type Obj = Record<string, any>;

const userJson = (u: FakeUser) => ({ id: u.id, username: u.username, discriminator: '0', global_name: u.username, avatar: null, public_flags: 0 });

function dmMessage(dmChannel: string): Obj {
  return {
    id: snowflake(),
    channel_id: dmChannel,
    author: userJson(FUZZER),
    content: 'Acme',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: 0,
    flags: 0,
    components: [],
    channel_type: 1,
  };
}

function interaction(place: 'dm' | 'guild', dmChannel: string, guildChannel: string): Obj {
  const common = { id: snowflake(), application_id: APPLICATION_ID, token: `tok_${snowflake()}`, version: 1, locale: 'en-GB', app_permissions: '562949953421311' };
  if (place === 'dm')
    return { ...common, user: userJson(FUZZER), channel_id: dmChannel, channel: { id: dmChannel, type: 1 }, context: 1 };
  return {
    ...common,
    guild_id: GUILD_ID,
    guild: { id: GUILD_ID, locale: 'en-GB', features: [] },
    member: { user: userJson(FUZZER), roles: [], joined_at: new Date(0).toISOString(), permissions: PERMISSIONS.member, nick: null },
    channel_id: guildChannel,
    channel: { id: guildChannel, type: 0, guild_id: GUILD_ID, name: 'job-hunt' },
    context: 0,
  };
}

const button = (owner: string) => ({
  type: 1,
  components: [{ type: 2, style: 1, label: 'Final round', custom_id: `d|${owner}|none|start:debrief` }],
});

/** Values no required field accepts: wrong types, empty, too long, not a snowflake. */
const badValue = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -5, max: 1e9 }),
  // Finite only: JSON carries NaN and Infinity as null, a valid value at nullable fields (edited_timestamp),
  // so such a "break" would reach the bot as a good message.
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(''),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `ü${s}`),
  fc.constant('9'.repeat(70_000)),
  fc.constant('🙂\u0000\u202e'),
);
const REMOVE = Symbol('remove');
const breakWith = fc.oneof({ weight: 1, arbitrary: fc.constant(REMOVE) }, { weight: 4, arbitrary: badValue });
const extras = fc.dictionary(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map((k) => `x_${k}`), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });

function setPath(obj: Obj, path: readonly string[], value: unknown): Obj {
  const copy = structuredClone(obj);
  let at: Obj = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  const last = path.at(-1)!;
  if (value === REMOVE) delete at[last];
  else at[last] = value;
  return copy;
}

/** Values that are as good as Discord's at these paths: such a "break" would leave the payload valid. */
const STILL_VALID: Record<string, (v: unknown) => boolean> = {
  content: (v) => typeof v === 'string' && v.length <= 20_000,
  token: (v) => typeof v === 'string' && v.length >= 1 && v.length <= 1000,
  'author.username': (v) => typeof v === 'string' && v.length <= 100,
  'data.name': (v) => typeof v === 'string' && v.length >= 1 && v.length <= 32,
  'data.options.0.name': (v) => typeof v === 'string' && v.length >= 1 && v.length <= 32,
  'data.options': (v) => v === REMOVE,
  'data.custom_id': (v) => typeof v === 'string' && v.length >= 1 && v.length <= 100,
  timestamp: (v) => typeof v === 'string' && v.length <= 64,
  edited_timestamp: (v) => v === null || (typeof v === 'string' && v.length <= 64),
  type: (v) => Number.isInteger(v),
  version: (v) => Number.isInteger(v),
  'data.component_type': (v) => Number.isInteger(v),
  tts: (v) => typeof v === 'boolean',
  pinned: (v) => typeof v === 'boolean',
  app_permissions: (v) => v === REMOVE,
};
const isBreaking = (path: readonly string[], v: unknown) =>
  !(Array.isArray(v) && v.length === 0) && !(STILL_VALID[path.join('.')]?.(v) ?? false);

describe('Discord edge under fuzzing', () => {
  let h: Harness;
  let dmChannel: string;
  let guildChannel: string;

  beforeAll(async () => {
    h = await startHarness();
    h.fake.user(FUZZER);
    dmChannel = h.fake.dmChannelId(FUZZER.id);
    guildChannel = h.fake.textChannel(GUILD_ID);
  });
  afterAll(async () => h?.stop());

  it(`drops ${RUNS} malformed MESSAGE_CREATE and INTERACTION_CREATE dispatches before any handler, storing nothing`, async () => {
    const shapes = {
      message: () => dmMessage(dmChannel),
      dmCommand: () => ({ ...interaction('dm', dmChannel, guildChannel), type: 2, data: { id: '1300000000000000001', name: 'debrief', type: 1, options: [] } }),
      guildCommand: () => ({ ...interaction('guild', dmChannel, guildChannel), type: 2, data: { id: '1300000000000000001', name: 'debrief', type: 1, guild_id: GUILD_ID, options: [{ name: 'action', type: 3, value: 'history' }] } }),
      autocomplete: () => ({ ...interaction('guild', dmChannel, guildChannel), type: 4, data: { id: '1300000000000000001', name: 'debrief', type: 1, options: [{ name: 'action', type: 3, value: 'his', focused: true }] } }),
      dmClick: () => ({ ...interaction('dm', dmChannel, guildChannel), type: 3, message: { ...dmMessage(dmChannel), author: userJson(h.fake.bot), components: [button(FUZZER.id)] }, data: { custom_id: `d|${FUZZER.id}|none|start:debrief`, component_type: 2 } }),
      sharedClick: () => ({ ...interaction('guild', dmChannel, guildChannel), type: 3, message: { ...dmMessage(guildChannel), channel_type: undefined, author: userJson(h.fake.bot), components: [button('*')] }, data: { custom_id: 'd|*|none|start:reflection', component_type: 2 } }),
    };
    const messagePaths = [['id'], ['channel_id'], ['author'], ['author', 'id'], ['author', 'username'], ['content'], ['timestamp'], ['tts'], ['mentions'], ['mention_roles'], ['attachments'], ['embeds'], ['pinned'], ['type'], ['edited_timestamp']] as const;
    const interactionPaths = [['id'], ['application_id'], ['token'], ['type'], ['version'], ['data'], ['channel', 'id'], ['app_permissions']] as const;
    const guildPaths = [...interactionPaths, ['member'], ['member', 'permissions'], ['member', 'user'], ['member', 'user', 'id'], ['member', 'roles']] as const;
    const dmPaths = [...interactionPaths, ['user'], ['user', 'id']] as const;
    const commandPaths = [['data', 'name'], ['data', 'id'], ['data', 'options'], ['data', 'options', '0'], ['data', 'options', '0', 'name']] as const;
    const clickPaths = [['data', 'custom_id'], ['data', 'component_type'], ['message'], ['message', 'id'], ['message', 'author']] as const;

    const dispatch = fc.oneof(
      fc.tuple(fc.constant('message' as const), fc.constantFrom(...messagePaths)),
      fc.tuple(fc.constant('dmCommand' as const), fc.constantFrom(...dmPaths, ...commandPaths.slice(0, 3))),
      fc.tuple(fc.constant('guildCommand' as const), fc.constantFrom(...guildPaths, ...commandPaths)),
      fc.tuple(fc.constant('autocomplete' as const), fc.constantFrom(...guildPaths, ...commandPaths)),
      fc.tuple(fc.constant('dmClick' as const), fc.constantFrom(...dmPaths, ...clickPaths)),
      fc.tuple(fc.constant('sharedClick' as const), fc.constantFrom(...guildPaths, ...clickPaths)),
    );

    let sent = 0;
    const sentIds = new Map<string, string>();
    fc.assert(
      fc.property(dispatch, breakWith, extras, ([shape, path], value, x) => {
        // An interaction's `type` other than 1..5 breaks it; any integer is a message type.
        if (path.join('.') === 'type' && shape !== 'message' && !(Number.isInteger(value) && [1, 2, 3, 4, 5].includes(value as number))) {
          // breaking: go on
        } else if (!isBreaking(path, value)) return;
        const d = setPath({ ...x, ...shapes[shape]() }, path, value);
        h.fake.dispatch(shape === 'message' ? 'MESSAGE_CREATE' : 'INTERACTION_CREATE', d);
        sent++;
        // Keyed by id where the id is plain (a broken id may not survive the log's encoding; the count covers it).
        if (typeof d.id === 'string' && /^[\x20-\x7e]{1,24}$/.test(d.id)) sentIds.set(d.id.slice(0, 24), `${shape} ${path.join('.')} ${JSON.stringify(value)?.slice(0, 40)}`);
      }),
      { numRuns: RUNS },
    );
    // A whole dispatch of null, and dispatches of the wrong kind of value altogether.
    for (const d of [null, 7, 'x', [], {}]) {
      h.fake.dispatch('MESSAGE_CREATE', d);
      h.fake.dispatch('INTERACTION_CREATE', d);
      sent += 2;
    }
    expect(sent).toBeGreaterThan(RUNS / 2);

    const dropped = () => h.logs.filter((l) => l.msg === 'discord dispatch dropped: malformed payload').length;
    // About ten seconds on an idle CI machine; the margin is for a machine busy with the rest of the suite.
    await waitFor(`${sent} dispatches dropped`, () => dropped() >= sent, 120_000).catch(() => undefined);
    const droppedIds = new Set(h.logs.filter((l) => l.msg === 'discord dispatch dropped: malformed payload').map((l) => l.event));
    expect([...sentIds].filter(([id]) => !droppedIds.has(id)).map(([, what]) => what).slice(0, 10)).toEqual([]);
    expect(dropped()).toBe(sent);
    // Still connected (a busy machine may have resumed the session once; the process never went down).
    await waitFor('the gateway connection', () => h.fake.connected, 30_000);
    expect(h.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
    // No handler ran: no REST call from a turn, no row.
    expect(h.fake.calls.filter((c) => /\/interactions\/|\/messages|\/users\/@me\/channels/.test(c.path))).toEqual([]);
    const db = h.app.database.db;
    for (const table of ['inbound_events', 'members', 'conversations', 'answers', 'debriefs'] as const)
      expect(await db.selectFrom(table).selectAll().execute(), table).toEqual([]);
  }, 240_000);

  it('runs a normal debrief in a DM after the barrage', async () => {
    const person: FakeUser = { id: '1400000000000000002', username: 'after' };
    const first = h.fake.sendDm(person, '/debrief');
    expect(first.id).toBeTruthy();
    await nextBotMessage(h.fake, person, 0, /company/i, 30_000);
    const before = h.fake.botMessages(person.id).length;
    h.fake.sendDm(person, 'Acme');
    await nextBotMessage(h.fake, person, before, /.+/, 30_000);
    const rows = await h.app.database.db.selectFrom('inbound_events').selectAll().execute();
    expect(rows.length).toBe(2);
  });
});
