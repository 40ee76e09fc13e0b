import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { SIGNING_SECRET, TEAM_ID, startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { fixtures, signature, SlackDriver, waitFor } from '../helpers/slack-requests.js';
import { spawnBot, type Bot } from '../helpers/spawn-bot.js';

/**
 * What was seen from outside at the Slack edge (issue 13), each as Slack, a proxy or an attacker
 * would send it: bodies that are JSON `null`, timestamps from the future, `app_rate_limited`
 * notices, and a slash command with no user.
 */

const USER = 'U0PERSON01';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

describe('Slack edge: malformed and unusual requests', () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => h?.close());

  async function expectNothingStored() {
    const db = h.app.database.db;
    expect(await db.selectFrom('inbound_events').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('members').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('conversations').selectAll().execute()).toEqual([]);
  }

  it('refuses a correctly signed request stamped ten minutes in the future with 401', async () => {
    const ahead = Math.floor(Date.now() / 1000) + 10 * 60;
    const { raw } = h.driver.commandBody(USER, '');
    const res = await h.driver.post(raw, FORM, signature(SIGNING_SECRET, raw, ahead));
    expect(res.status).toBe(401);
    const event = h.driver.eventBody(USER, 'Acme');
    expect((await h.driver.post(event.raw, JSON_TYPE, signature(SIGNING_SECRET, event.raw, ahead))).status).toBe(401);
    // Five minutes either way is the window; a clock a minute ahead is still fine (checked below).
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    await expectNothingStored();
  });

  it('answers app_rate_limited with 200 at once, logs it with ids and counts it', async () => {
    const notice = { token: 'gIkuvaNzQIHg97ATvDxqgjtO', type: 'app_rate_limited', team_id: TEAM_ID, minute_rate_limited: 1518467820, api_app_id: 'A0DEBRIEF01' };
    const started = Date.now();
    const res = await h.driver.post(JSON.stringify(notice), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    const line = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => /app_rate_limited/.test(String(l.msg)));
    expect(line).toMatchObject({ team: 'T0TEST0001', app: 'A0DEBRIEF01', minute: 1518467820 });
    const metrics = await h.app.metrics.registry.metrics();
    expect(metrics).toMatch(/debrief_slack_app_rate_limited_total\{team="T0TEST0001"\} 1/);
    await expectNothingStored();
  });

  it('refuses a signed /debrief without user_id with 400, before any call or write', async () => {
    const { raw } = h.driver.commandBody(USER, '');
    const form = new URLSearchParams(raw);
    form.delete('user_id');
    const res = await h.driver.post(form.toString(), FORM);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('direct message');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.reports).toEqual([]);
    await expectNothingStored();
  });

  it('refuses bodies that are JSON null, `payload=null` and not JSON at all with 400', async () => {
    for (const [raw, type] of [
      ['null', JSON_TYPE],
      ['payload=null', FORM],
      ['{"type":', JSON_TYPE],
      ['payload=%7B', FORM],
      ['[]', JSON_TYPE],
      ['7', JSON_TYPE],
      ['', JSON_TYPE],
    ] as const) {
      expect((await h.driver.post(raw, type)).status, `${type} ${raw}`).toBe(400);
    }
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    await expectNothingStored();
  });

  it("answers Slack's URL check with its challenge and its certificate check with 200", async () => {
    const check = fixtures.urlVerification();
    const res = await h.driver.post(JSON.stringify(check), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ challenge: check.challenge });
    expect((await h.driver.post('token=gIkuvaNzQIHg97ATvDxqgjtO&ssl_check=1', FORM, { 'x-slack-signature': '' })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${h.slack.port}/slack/events`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${h.slack.port}/elsewhere`, { method: 'POST', body: 'null' })).status).toBe(404);
    await expectNothingStored();
  });

  it('still takes a correctly signed /debrief whose clock is a minute ahead', async () => {
    const { raw, triggerId } = h.driver.commandBody(USER, '');
    const res = await h.driver.post(raw, FORM, signature(SIGNING_SECRET, raw, Math.floor(Date.now() / 1000) + 60));
    expect(res.status).toBe(200);
    expect(await h.settled(`command:${triggerId}`)).toMatchObject({ outcome: 'delivered' });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('Slack edge: the process itself', () => {
  let fake: FakeSlack;
  let dir: string;
  let bot: Bot | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack();
    dir = await mkdtemp(join(tmpdir(), 'debrief-slack-edge-'));
  });
  afterAll(async () => {
    bot?.proc.kill('SIGTERM');
    if (bot) await bot.exited;
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stays up after signed bodies of JSON null and `payload=null`, and then runs a debrief', async () => {
    const port = await freePort();
    bot = spawnBot({ SLACK_BOT_TOKEN: 'xoxb-edge', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(port), DATA_DIR: dir });
    await bot.waitFor(/slack adapter started/, { ms: 150_000 });
    const driver = new SlackDriver({ eventsUrl: `http://127.0.0.1:${port}/slack/events`, secret: SIGNING_SECRET, fake, teamId: 'T0TEST0001' });
    expect((await driver.post('null', JSON_TYPE)).status).toBe(400);
    expect((await driver.post('payload=null', FORM)).status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(bot.proc.exitCode).toBeNull();
    expect((await driver.command(USER, '')).status).toBe(200);
    await waitFor('the first question in the DM', () => fake.messages(fake.dmOf(USER)).some((m) => m.text.includes('Which company')));
    expect(bot.proc.exitCode).toBeNull();
  }, 240_000);
});
