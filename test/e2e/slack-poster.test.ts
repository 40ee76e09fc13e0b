import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentFetch, keepAliveAgent } from '../../adapters/http-agents.js';
import { slackErrorSummary } from '../../adapters/slack/send.js';
import { backoff, slackPoster, type HotCalls, type RetryPolicy } from '../../adapters/slack/web-poster.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';

const TOKEN = 'xoxb-poster-secret-token';
const TEXT = 'a private answer 7f3a';
const FAST: RetryPolicy = { retries: 2, factor: 1, minTimeout: 20, maxTimeout: 50 };

// The turn's hot calls through our poster, against the fake over real HTTP; where the library's
// WebClient is the reference (retries, error objects), both run the same failures side by side.
describe('Slack: the turn poster (web-poster.ts)', () => {
  let fake: FakeSlack;
  const agent = keepAliveAgent({ timeoutMs: 2_000 });
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => void (logs.push(c.toString()), done()) }));
  let poster: HotCalls;
  const clientWith = (retryConfig: RetryPolicy) =>
    new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl, fetch: agentFetch(agent, 2_000) as never, timeout: 0, retryConfig, logger: quiet });

  beforeAll(async () => {
    fake = await startFakeSlack();
    poster = slackPoster({ token: TOKEN, apiUrl: fake.apiUrl, dispatcher: agent, retry: FAST, logger });
  });
  afterEach(() => {
    fake.calls.length = 0;
  });
  afterAll(async () => {
    await fake?.close();
    await agent.close();
  });

  const post = (calls: HotCalls, channel = 'D0POSTER01') =>
    calls.chat.postMessage({ channel, text: TEXT, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: TEXT } }], metadata: { event_type: 'debrief_reply', event_payload: { key: 'Ev1', part: 0 } } });

  it('posts a message as JSON with a Bearer token, and returns Slack’s answer', async () => {
    const res = await post(poster);
    expect(res).toMatchObject({ ok: true, channel: 'D0POSTER01' });
    expect(res.ts).toMatch(/^\d+\.\d{6}$/);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ method: 'chat.postMessage', status: 200, ok: true, contentType: 'application/json; charset=utf-8' });
    // Objects arrive as JSON, not as form strings; Slack saw no missing_charset (nothing was logged).
    expect(fake.messages('D0POSTER01')[0]).toMatchObject({ text: TEXT, metadata: { event_type: 'debrief_reply', event_payload: { key: 'Ev1', part: 0 } } });
    expect(logs).toEqual([]);
  });

  it('updates a message and opens a DM', async () => {
    const { ts } = await post(poster, 'D0POSTER02');
    await poster.chat.update({ channel: 'D0POSTER02', ts: ts!, text: 'changed', blocks: [] });
    expect(fake.messages('D0POSTER02')[0]!.text).toBe('changed');
    const open = await poster.conversations.open({ users: 'U0PERSON09' });
    expect(open.channel?.id).toBe(fake.dmOf('U0PERSON09'));
  });

  it('ok:false is a platform error at once, read by slackErrorSummary as the library’s', async () => {
    fake.failNext('chat.postMessage', { kind: 'slack-error', error: 'invalid_blocks' }, 2);
    const ours = await post(poster).catch((e: unknown) => e);
    const theirs = await post(clientWith(FAST)).catch((e: unknown) => e);
    expect(fake.calls.map((c) => c.ok)).toEqual([false, false]); // one attempt each
    expect(ours).toBeInstanceOf(webApi.WebAPIPlatformError);
    expect(slackErrorSummary(ours)).toEqual({ type: 'WebAPIPlatformError', code: 'slack_webapi_platform_error', error: 'invalid_blocks' });
    expect(slackErrorSummary(ours)).toEqual(slackErrorSummary(theirs));
  });

  it('waits out a 429’s Retry-After (counted as a retry), then posts once', async () => {
    fake.failNext('chat.postMessage', { kind: 'rate-limited', retryAfterSeconds: 1 });
    const res = await post(poster, 'D0POSTER03');
    expect(res.ok).toBe(true);
    const [limited, ok] = fake.calls;
    expect(limited).toMatchObject({ status: 429 });
    expect(ok).toMatchObject({ status: 200, ok: true });
    expect(ok!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(fake.messages('D0POSTER03')).toHaveLength(1);

    // Every 429 counts: with no retries left it fails as the library does.
    fake.failNext('chat.postMessage', { kind: 'rate-limited', retryAfterSeconds: 0 }, 6);
    await expectSameFailure(fake, poster, clientWith(FAST), 3);
  });

  it('holds other calls while a 429’s Retry-After runs', async () => {
    fake.failNext('chat.postMessage', { kind: 'rate-limited', retryAfterSeconds: 1 });
    const first = post(poster, 'D0POSTER04');
    await new Promise((r) => setTimeout(r, 200));
    await poster.conversations.open({ users: 'U0PERSON10' });
    const opened = fake.calls.find((c) => c.method === 'conversations.open')!;
    expect(opened.at - fake.calls[0]!.at).toBeGreaterThanOrEqual(950);
    await first;
  });

  it('retries an HTTP 500 by the policy and then fails as the library does', async () => {
    fake.failNext('chat.postMessage', { kind: 'http', status: 500 }, 6);
    const err = await expectSameFailure(fake, poster, clientWith(FAST), 3);
    expect(slackErrorSummary(err)).toEqual({ type: 'WebAPIHTTPError', code: 'slack_webapi_http_error', status: 500 });

    fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
    expect((await post(poster)).ok).toBe(true);
  });

  it('retries a dropped connection, then fails as the library does', async () => {
    fake.failNext('chat.postMessage', { kind: 'lost-response' }, 6);
    const err = await expectSameFailure(fake, poster, clientWith(FAST), 3);
    expect(slackErrorSummary(err)).toMatchObject({ type: 'WebAPIRequestError', code: 'slack_webapi_request_error' });

    // Slack took the first, but its answer was lost: the retry posts again, as the library's would.
    fake.calls.length = 0;
    fake.failNext('chat.postMessage', { kind: 'lost-response' });
    expect((await post(poster, 'D0POSTER05')).ok).toBe(true);
    expect(fake.calls.map((c) => c.status)).toEqual([0, 200]);
  });

  it('with no retries (retries: 0) makes one attempt', async () => {
    const once = slackPoster({ token: TOKEN, apiUrl: fake.apiUrl, dispatcher: agent, retry: { retries: 0 }, logger });
    fake.failNext('chat.postMessage', { kind: 'http', status: 502 });
    await expect(post(once)).rejects.toMatchObject({ code: 'slack_webapi_http_error', statusCode: 502 });
    expect(fake.calls).toHaveLength(1);
  });

  it('a 429 without a usable Retry-After fails at once, as the library’s', async () => {
    const server = createServer((_req, res) => res.writeHead(429, { 'content-type': 'application/json' }).end('{"ok":false}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    let hits = 0;
    server.on('request', () => hits++);
    try {
      const ours = slackPoster({ token: TOKEN, apiUrl: url, dispatcher: agent, retry: FAST, logger });
      const theirs = new webApi.WebClient(TOKEN, { slackApiUrl: url, fetch: agentFetch(agent, 2_000) as never, timeout: 0, retryConfig: FAST, logger: quiet });
      const a = await post(ours).catch((e: unknown) => e);
      const b = await post(theirs).catch((e: unknown) => e);
      expect(hits).toBe(2);
      expect(slackErrorSummary(a)).toEqual({ type: 'Error' });
      expect(slackErrorSummary(a)).toEqual(slackErrorSummary(b));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('logs codes only: never the token or the text', () => {
    const all = logs.join('');
    expect(all).toContain('slack web api request failed');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(TEXT);
  });

  it('waits between attempts as node-retry does', () => {
    expect(backoff(webApi.retryPolicies.fiveRetriesInFiveMinutes)).toEqual([1000, 3860, 14900, 57512, 221998]);
    expect(backoff({ retries: 0 })).toEqual([]);
    expect(backoff(FAST)).toEqual([20, 20]);
    expect(backoff(webApi.retryPolicies.rapidRetryPolicy)).toHaveLength(10);
  });
});

/** Runs the same planned failures through both and checks attempts and the error read by slackErrorSummary match. */
async function expectSameFailure(fake: FakeSlack, ours: HotCalls, theirs: HotCalls, attempts: number): Promise<unknown> {
  const failures = (from: number) => fake.calls.slice(from).filter((c) => c.method === 'chat.postMessage').length;
  const start = fake.calls.length;
  const a = await ours.chat.postMessage({ channel: 'D0POSTERXX', text: TEXT }).catch((e: unknown) => e);
  const mid = fake.calls.length;
  const b = await theirs.chat.postMessage({ channel: 'D0POSTERXX', text: TEXT }).catch((e: unknown) => e);
  expect(failures(start) - failures(mid)).toBe(attempts);
  expect(failures(mid)).toBe(attempts);
  expect(a).toBeInstanceOf(Error);
  expect(a!.constructor).toBe(b!.constructor);
  expect(slackErrorSummary(a)).toEqual(slackErrorSummary(b));
  return a;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => webApi.LogLevel.INFO, setName() {} };
