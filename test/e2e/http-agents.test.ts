import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { agentFetch, keepAliveAgent } from '../../adapters/http-agents.js';

/** A loopback HTTP server that counts the connections made to it. */
async function server(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
  let connections = 0;
  const s: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handle(req, Buffer.concat(parts), res));
  });
  s.on('connection', () => connections++);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/`,
    connections: () => connections,
    close: () => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r()))),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('Web API calls over the keep-alive agent', () => {
  it('reuses its sockets for calls one after another, and sends a file upload as multipart', async () => {
    const seen: string[] = [];
    const s = await server((req, body, res) => {
      seen.push(`${req.url} ${req.headers['content-type']?.split(';')[0]} ${body.length > 0}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ts: '1.000001', channel: 'D1' }));
    });
    const agent = keepAliveAgent({ timeoutMs: 5_000 });
    cleanups.push(s.close, () => agent.close());
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: s.url, fetch: agentFetch(agent, 5_000), timeout: 0, retryConfig: { retries: 0 } });
    for (let i = 0; i < 20; i++) expect((await client.chat.postMessage({ channel: 'D1', text: `hi ${i}` })).ok).toBe(true);
    // undici may open a second socket while the first is being handed back; never one per call.
    expect(s.connections()).toBeLessThanOrEqual(2);
    // The upload step of files.uploadV2, as the client makes it: a Buffer becomes a multipart form.
    await client.apiCall('files.upload.step', { file: Buffer.from('png bytes') });
    expect(seen.at(-1)).toBe('/api/files.upload.step multipart/form-data true');
  });

  it('gives up on a call that is never answered after the agent timeout, with no timer of the client', async () => {
    const s = await server(() => {});
    const agent = keepAliveAgent({ timeoutMs: 5_000 });
    cleanups.push(s.close, () => agent.close());
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: s.url, fetch: agentFetch(agent, 1_000), timeout: 0, retryConfig: { retries: 0 } });
    const started = Date.now();
    await expect(client.chat.postMessage({ channel: 'D1', text: 'hi' })).rejects.toMatchObject({ code: 'slack_webapi_request_error' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('frees the socket of a 429 whose body the client never reads, so the next call goes out at once', async () => {
    let calls = 0;
    const s = await server((_req, _body, res) => {
      if (calls++ === 0) res.writeHead(429, { 'retry-after': '30', 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
    const agent = keepAliveAgent({ timeoutMs: 10_000, connections: 1 });
    cleanups.push(s.close, () => agent.close());
    const client = new webApi.WebClient('xoxb-test', {
      slackApiUrl: s.url,
      fetch: agentFetch(agent, 10_000),
      timeout: 0,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    await expect(client.chat.postMessage({ channel: 'D1', text: 'one' })).rejects.toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 30 });
    const started = Date.now();
    expect((await client.chat.postMessage({ channel: 'D1', text: 'two' })).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
