import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { signature } from '../helpers/slack-requests.js';

const USER = 'U0PERSON01';
const FORM = 'application/x-www-form-urlencoded';

describe('Slack: request signatures', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h?.close());

  /** Nothing reached a handler: no engine turn, no row, no Web API call beyond start-up's auth.test. */
  async function expectUntouched() {
    const db = h.app.database.db;
    expect(await db.selectFrom('inbound_events').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('members').selectAll().execute()).toEqual([]);
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.reports).toEqual([]);
  }

  function requests() {
    const command = h.driver.commandBody(USER, '');
    const event = h.driver.eventBody(USER, 'Acme');
    const click = h.driver.clickBody(
      USER,
      {
        channel: h.fake.dmOf(USER),
        ts: '1700000001.000100',
        text: 'Which stage was this?',
        blocks: [{ type: 'actions', elements: [{ type: 'button', action_id: 'debrief:choice:0', text: { type: 'plain_text', text: 'Final round' }, value: '{"p":"none","c":"start:debrief"}' }] }],
      },
      'Final round',
    );
    return [
      { raw: command.raw, type: FORM },
      { raw: event.raw, type: 'application/json' },
      { raw: click.raw, type: FORM },
    ];
  }

  it('rejects a forged signature with 401 before any handler runs', async () => {
    for (const { raw, type } of requests()) {
      const forged = signature('not-the-signing-secret', raw);
      expect((await h.driver.post(raw, type, forged)).status).toBe(401);
      // A body changed after signing is forged too.
      const signed = signature('e2e-signing-secret-0123456789abcdef', raw);
      expect((await h.driver.post(`${raw}&x=1`, type, signed)).status).toBe(401);
      expect((await h.driver.post(raw, type, { 'x-slack-signature': '', 'x-slack-request-timestamp': '' })).status).toBe(401);
    }
    await expectUntouched();
  });

  it('rejects a correctly signed request older than five minutes with 401 (replay)', async () => {
    const old = Math.floor(Date.now() / 1000) - 5 * 60 - 1;
    for (const { raw, type } of requests()) {
      const stale = signature('e2e-signing-secret-0123456789abcdef', raw, old);
      expect((await h.driver.post(raw, type, stale)).status).toBe(401);
    }
    await expectUntouched();
  });

  it('still answers correctly signed requests', async () => {
    const sent = await h.driver.command(USER, '');
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
  });
});
