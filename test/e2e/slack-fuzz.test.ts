import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { fixtures } from '../helpers/slack-requests.js';

/**
 * Thousands of correctly signed but malformed bodies against the real app over real HTTP: JSON
 * envelopes, slash command forms and `payload=` interactions with a required field missing, null,
 * of the wrong type or absurdly long, with unicode and extra fields, plus bodies that are not JSON at
 * all. Each gets 400 (or the empty 200 Slack expects for an event we will not read), the process
 * stays up, nothing reaches a handler, nothing is stored, and a normal debrief works afterwards.
 */

const USER = 'U0FUZZER01';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || 2000;
const BATCH = 25;

type Obj = Record<string, unknown>;

/** Values no required field accepts: wrong types, empty, too long, or not an id. */
const badValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  // NaN and Infinity are sent as JSON null, which optional fields rightly accept (a Home `view` may be null).
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(''),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `ü${s}`),
  fc.constant('x'.repeat(70_000)),
  fc.constant('🙂\u0000\u202e'),
);
/** Form fields are strings, so their bad values are strings too. */
const badString = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => `ü${s}`),
  fc.constant('x'.repeat(70_000)),
  fc.constant('null'),
  fc.constant('lower-case-id'),
);
const extraKey = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((k) => `x_${k}`);
const extras = fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });

function setPath(obj: Obj, path: readonly string[], value: unknown | typeof REMOVE): Obj {
  const copy = structuredClone(obj);
  let at: Obj = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Obj;
  const last = path.at(-1)!;
  if (value === REMOVE) delete at[last];
  else at[last] = value;
  return copy;
}
const REMOVE = Symbol('remove');
/** Fields where any short string is as good as Slack's (ids of events and clicks, message text). */
const acceptsAnyString = (path: readonly string[]) => ['event_id', 'event.text', 'actions.0.action_id', 'actions.0.action_ts'].includes(path.join('.'));
const breakWith = fc.oneof({ weight: 1, arbitrary: fc.constant(REMOVE) }, { weight: 4, arbitrary: badValue });

const envelope = () => {
  const base = fixtures.messageIm();
  return { ...base, event: { ...base.event, user: USER, channel: 'DFUZZER01' } } as Obj;
};
const homeOpened = () => ({ ...fixtures.appHomeOpened(), event: { ...fixtures.appHomeOpened().event, user: USER } }) as Obj;
const blockActions = () => ({ ...fixtures.blockActions(), user: { id: USER, team_id: 'T0TEST0001' } }) as Obj;
const command = () => ({ ...fixtures.command(), user_id: USER }) as Record<string, string>;

/** A body of one kind with one field the handlers need broken, and extra fields. */
const malformed: fc.Arbitrary<{ raw: string; type: string; what: string }> = fc.oneof(
  // Events API envelopes: the envelope broken is a 400; the event inside broken is an ignored 200.
  fc
    .tuple(fc.constantFrom(['type'], ['event_id'], ['event'], ['event', 'type'], ['event', 'channel'], ['event', 'user'], ['event', 'text'], ['team_id']), breakWith, extras)
    .filter(([path, v]) => !(v === REMOVE && ['event.user', 'event.text', 'team_id'].includes(path.join('.'))))
    .filter(([path, v]) => !(acceptsAnyString(path) && typeof v === 'string' && v.length > 0 && v.length <= 500))
    // Any text is a message (an empty one is ignored later): only a non-string breaks it.
    .filter(([path, v]) => !(path.join('.') === 'event.text' && typeof v === 'string'))
    .map(([path, v, x]) => ({ raw: JSON.stringify(setPath({ ...x, ...envelope() }, path, v)), type: JSON_TYPE, what: `event ${path.join('.')}` })),
  fc
    .tuple(fc.constantFrom(['event', 'user'], ['event', 'tab'], ['event', 'view']), badValue, extras)
    .filter(([path, v]) => path[1] === 'user' || (path[1] === 'tab' ? v !== null && typeof v !== 'string' : v !== null && (typeof v !== 'object' || Array.isArray(v))))
    .map(([path, v, x]) => ({ raw: JSON.stringify(setPath({ ...x, ...homeOpened() }, path, v)), type: JSON_TYPE, what: `home ${path.join('.')}` })),
  // Interactivity: `payload=<json>` with a broken block_actions payload, or a payload that is not an object.
  fc
    .tuple(fc.constantFrom(['user'], ['user', 'id'], ['actions'], ['actions', '0'], ['actions', '0', 'action_id'], ['actions', '0', 'action_ts'], ['team', 'id'], ['state'], ['message'], ['container']), breakWith, extras)
    .filter(([path, v]) => !(v === REMOVE && ['state', 'message', 'container'].includes(path.join('.'))))
    .filter(([path, v]) => !(acceptsAnyString(path) && typeof v === 'string' && v.length > 0 && v.length <= 500))
    .map(([path, v, x]) => ({
      raw: new URLSearchParams({ payload: JSON.stringify(setPath({ ...x, ...blockActions() }, path, v)) }).toString(),
      type: FORM,
      what: `block_actions ${path.join('.')}`,
    })),
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('type' in v)).map((v) => ({
    raw: new URLSearchParams({ payload: JSON.stringify(v) }).toString(),
    type: FORM,
    what: 'payload not an interaction',
  })),
  // Slash commands: a form with a required field missing or not what Slack sends.
  fc
    .tuple(fc.constantFrom('user_id', 'team_id', 'channel_id', 'trigger_id', 'command'), fc.oneof(fc.constant(REMOVE), badString), fc.dictionary(extraKey, fc.string({ maxLength: 20 }), { maxKeys: 3 }))
    .filter(([field, v]) => !(field === 'trigger_id' && typeof v === 'string' && v.length > 0 && v.length <= 500))
    .map(([field, v, x]) => {
      const form = { ...x, ...command() } as Record<string, string>;
      if (v === REMOVE) delete form[field];
      else form[field] = v;
      return { raw: new URLSearchParams(form).toString(), type: FORM, what: `command ${field}` };
    }),
  // Bodies that are no envelope at all.
  fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || !('type' in v || 'command' in v)).map((v) => ({ raw: JSON.stringify(v), type: JSON_TYPE, what: 'json not an envelope' })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ raw: s, type: JSON_TYPE, what: 'not json' })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ raw: `payload=${encodeURIComponent(`{${s}`)}`, type: FORM, what: 'payload not json' })),
);

describe('Slack edge under fuzzing', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h?.close());

  it(`answers ${RUNS} signed malformed bodies with 400 (or an ignored 200), storing nothing`, async () => {
    const statuses = new Map<number, number>();
    // Sent BATCH at a time, as Slack's deliveries arrive concurrently, and so that thousands fit in CI's minute.
    await fc.assert(
      fc.asyncProperty(fc.array(malformed, { minLength: BATCH, maxLength: BATCH }), async (bodies) => {
        const answers = await Promise.all(bodies.map(({ raw, type }) => h.driver.post(raw, type)));
        answers.forEach((res, i) => {
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect([400, 200], bodies[i]!.what).toContain(res.status);
          if (res.status === 200) expect(res.body, bodies[i]!.what).toBe('');
        });
      }),
      // A fixed seed keeps CI repeatable; FUZZ_SEED explores others.
      { numRuns: Math.ceil(RUNS / BATCH), seed: Number(process.env.FUZZ_SEED ?? 20261129) },
    );
    expect(statuses.get(400)).toBeGreaterThan(RUNS / 2);
    // Nothing reached a handler, Bolt or the database.
    expect(h.reports).toEqual([]);
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    const db = h.app.database.db;
    for (const table of ['inbound_events', 'members', 'conversations', 'answers', 'debriefs'] as const)
      expect(await db.selectFrom(table).selectAll().execute(), table).toEqual([]);
    expect(h.logs.join('')).not.toMatch(/slack listener error|failed in Bolt|failed at the edge/);
    expect(await h.app.metrics.registry.getSingleMetricAsString('debrief_edge_refused_total')).toMatch(/platform="slack",why="schema"/);
    // About twenty seconds on a busy CI machine; the margin is for one busy with the rest of the suite.
  }, 180_000);

  it('takes valid commands and DMs with odd unicode, huge text and extra fields without a 5xx', async () => {
    const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('x'.repeat(30_000)), fc.constant('🙂\u0000\u202e<&>'));
    await fc.assert(
      fc.asyncProperty(fc.boolean(), text, fc.dictionary(extraKey, fc.string({ maxLength: 10 }), { maxKeys: 3 }), async (asCommand, t, x) => {
        const sent = asCommand
          ? await h.driver.post(new URLSearchParams({ ...x, ...Object.fromEntries(new URLSearchParams(h.driver.commandBody(USER, t.slice(0, 3000)).raw)) }).toString(), FORM)
          : await h.driver.dm(USER, t);
        expect(sent.status).toBe(200);
      }),
      { numRuns: 40 },
    );
  });

  it('runs a normal debrief after the barrage', async () => {
    const person = 'U0AFTERFUZZ';
    const sent = await h.driver.command(person, '');
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
    expect(h.fake.messages(h.fake.dmOf(person)).some((m) => m.text.includes('Which company'))).toBe(true);
    const answered = await h.driver.dm(person, 'Acme');
    expect(await h.settled(answered.eventId)).toMatchObject({ outcome: 'delivered' });
    const db = h.app.database.db;
    const rows = await db.selectFrom('answers').innerJoin('conversations', 'conversations.id', 'answers.conversation_id').innerJoin('members', 'members.id', 'conversations.member_id').where('members.user_id', '=', person).select('answers.step').execute();
    expect(rows.length).toBeGreaterThan(0);
  });
});
