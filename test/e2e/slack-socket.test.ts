import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK_TEXT, type TurnReport } from '../../adapters/slack/handlers.js';
import { startSlack, type RunningSlack } from '../../adapters/slack/index.js';
import { createApp, type App } from '../../src/app.js';
import { platforms } from '../../adapters/index.js';
import { loadConfig } from '../../src/config.js';
import { startFakeSlack, type FakeSlack, type StoredMessage } from '../helpers/fake-slack.js';
import { ACK_DEADLINE_MS, startFakeSlackSocket, type FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { freshDatabase } from '../helpers/fresh-db.js';
import { BOT_TOKEN, FAST_RETRIES, TEAM_ID } from '../helpers/slack-app.js';
import { SlackDriver, visibleText, waitFor } from '../helpers/slack-requests.js';

/**
 * Socket Mode end to end: the real app connects through `apps.connections.open` to a loopback Socket
 * Mode server, takes a slash command, DMs and clicks as envelopes and acks each within 3 s, records a
 * redelivered envelope once, reconnects after Slack's `disconnect`, and carries on with the debrief.
 */

const USER = 'U0SOCKET01';
const APP_TOKEN = 'xapp-1-A0DEBRIEF01-1111-socketmode';

describe('Slack over Socket Mode', () => {
  let fake: FakeSlack;
  let sock: FakeSlackSocket;
  let app: App;
  let slack: RunningSlack;
  let driver: SlackDriver;
  const reports: TurnReport[] = [];
  const logs: string[] = [];
  let seen = 0;

  beforeAll(async () => {
    sock = await startFakeSlackSocket();
    fake = await startFakeSlack({ teamId: TEAM_ID, socketUrl: () => sock.nextUrl() });
    const logger = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString('utf8')), done()) }));
    const config = loadConfig({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl }, platforms);
    app = await createApp(config, logger, { database: await freshDatabase() });
    slack = await startSlack(app, [], { retryConfig: FAST_RETRIES, observe: (r) => reports.push(r) });
    // Only used to build payloads in Slack's shapes; nothing is POSTed in Socket Mode.
    driver = new SlackDriver({ eventsUrl: 'http://127.0.0.1:9/unused', secret: 'unused', fake, teamId: TEAM_ID });
  });
  afterAll(async () => {
    await slack?.stop();
    await app?.close().catch(() => {});
    await fake?.close();
    await sock?.close();
  });

  const settled = (eventId: string, deliveries = 1) =>
    waitFor(`${deliveries} deliveries of ${eventId}`, () => {
      const mine = reports.filter((r) => r.eventId === eventId);
      return mine.length >= deliveries ? mine[deliveries - 1] : undefined;
    });

  async function next(fragment: string): Promise<StoredMessage> {
    const found = await waitFor(`a DM message with "${fragment}"`, () => {
      const messages = fake.messages(fake.dmOf(USER));
      const i = messages.findIndex((m, idx) => idx >= seen && visibleText(m).includes(fragment));
      return i >= 0 ? { message: messages[i]!, i } : undefined;
    });
    seen = found.i + 1;
    return found.message;
  }

  async function say(text: string) {
    const { raw, eventId } = driver.eventBody(USER, text);
    const ack = await sock.deliver('events_api', JSON.parse(raw));
    expect(ack.ms).toBeLessThan(ACK_DEADLINE_MS);
    expect(await settled(eventId)).toMatchObject({ outcome: 'delivered' });
    return { payload: JSON.parse(raw) as unknown, eventId };
  }

  async function click(message: StoredMessage, label: string) {
    const { payload, eventId } = driver.clickBody(USER, message, label);
    const ack = await sock.deliver('interactive', payload);
    expect(ack.ms).toBeLessThan(ACK_DEADLINE_MS);
    expect(await settled(eventId)).toMatchObject({ outcome: 'delivered' });
  }

  it('connected through apps.connections.open with the app token, and was greeted', () => {
    expect(fake.succeeded('apps.connections.open')).toHaveLength(1);
    expect(sock.connections).toBe(1);
    expect(slack.mode).toBe('socket');
  });

  it('runs a debrief over the socket: command, DMs and clicks, each acked within 3 s', async () => {
    const form = Object.fromEntries(new URLSearchParams(driver.commandBody(USER, '', 'C0CHANNEL01').raw));
    const ack = await sock.deliver('slash_commands', form);
    expect(ack.ms).toBeLessThan(ACK_DEADLINE_MS);
    // The ack's payload is the ephemeral answer, as over HTTP.
    expect(ack.payload).toEqual({ response_type: 'ephemeral', text: ACK_TEXT });
    await settled(`command:${form.trigger_id}`);
    await next('Which company');
    await say('Acme');
    await next('And the role at Acme?');
    await say('Designer');
    await click(await next('Which stage was this?'), 'Final round');
    await next('When was it?');
  });

  it('records a redelivered envelope (retry_attempt 1) once and posts nothing twice', async () => {
    const when = fake.messages(fake.dmOf(USER)).find((m) => visibleText(m).includes('When was it?'))!;
    const { payload, eventId } = driver.clickBody(USER, when, 'Yesterday');
    await sock.deliver('interactive', payload);
    await settled(eventId);
    await next('Where did it land?');
    const posted = fake.succeeded('chat.postMessage').length;

    const dm = await say('Some typed text at the wrong moment');
    const postedAfterDm = fake.succeeded('chat.postMessage').length;
    expect(postedAfterDm).toBeGreaterThan(posted);
    const again = await sock.deliver('events_api', dm.payload, { retryAttempt: 1, retryReason: 'timeout' });
    expect(again.ms).toBeLessThan(ACK_DEADLINE_MS);
    expect(await settled(dm.eventId, 2)).toMatchObject({ outcome: 'duplicate' });
    expect(fake.succeeded('chat.postMessage').length).toBe(postedAfterDm);
    const rows = await app.database.db.selectFrom('inbound_events').where('event_id', '=', dm.eventId).selectAll().execute();
    expect(rows).toHaveLength(1);
  });

  it('reconnects after Slack says disconnect and drops the socket, and carries on', async () => {
    await sock.disconnect('refresh_requested');
    await sock.waitForConnections(2);
    expect(fake.succeeded('apps.connections.open')).toHaveLength(2);
    const land = fake.messages(fake.dmOf(USER)).find((m) => visibleText(m).includes('Where did it land?'))!;
    await click(land, 'It was a no');
    await next('How are you feeling');
  });

  it('acks malformed envelopes without running anything, and stays connected', async () => {
    const countRows = async () => (await app.database.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const before = { rows: await countRows(), calls: fake.calls.length, reports: reports.length };
    const noUser = Object.fromEntries(new URLSearchParams(driver.commandBody(USER, '').raw));
    delete noUser.user_id;
    for (const [type, payload] of [
      ['slash_commands', noUser],
      ['slash_commands', null],
      ['interactive', null],
      ['interactive', { type: 'block_actions', user: null, actions: [] }],
      ['events_api', { type: 'event_callback', event_id: 'EvBROKEN', event: null }],
      ['events_api', null],
    ] as const) {
      const ack = await sock.deliver(type, payload);
      expect(ack.ms, `${type} ${JSON.stringify(payload)}`).toBeLessThan(ACK_DEADLINE_MS);
    }
    sock.sendRaw('not json');
    sock.sendRaw(JSON.stringify({ type: 'events_api', envelope_id: 'e-raw', payload: { event: null } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(await countRows()).toBe(before.rows);
    expect(fake.calls.length).toBe(before.calls);
    expect(reports.length).toBe(before.reports);
    expect(sock.connected).toBe(true);
    // Still working after all that.
    const mood = fake.messages(fake.dmOf(USER)).find((m) => visibleText(m).includes('How are you feeling'))!;
    await click(mood, '3');
  });
});
