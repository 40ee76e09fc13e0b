import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Slack's Socket Mode side, on loopback, speaking the protocol as documented
 * (https://docs.slack.dev/apis/events-api/using-socket-mode): `apps.connections.open` (served by the
 * fake Web API, see fake-slack.ts `socketUrl`) hands out a ws:// URL to this server; on connect it
 * says `hello`; it delivers envelopes (`events_api`, `slash_commands`, `interactive`) and waits for
 * each ack, `{envelope_id, payload?}`, within 3 s; it redelivers with `retry_attempt` and
 * `retry_reason`; it sends `disconnect` (refresh_requested) and drops the socket, as Slack does
 * every few hours, after which the client must open a new connection.
 */

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface Ack {
  envelopeId: string;
  payload: Record<string, unknown> | undefined;
  /** Milliseconds from delivery to ack. */
  ms: number;
}

export interface FakeSlackSocket {
  /** The ws:// URL apps.connections.open returns; each call gets a fresh ticket on it. */
  nextUrl(): string;
  /** Connections opened so far (each one got a hello). */
  readonly connections: number;
  /** True while a client is connected. */
  readonly connected: boolean;
  /** Every envelope sent, and every ack received. */
  readonly delivered: { envelopeId: string; type: EnvelopeType; retryAttempt: number }[];
  readonly acks: Ack[];
  /** Sends an envelope on the open connection and resolves with its ack; rejects after 3 s without one. */
  deliver(type: EnvelopeType, payload: unknown, opts?: { envelopeId?: string; retryAttempt?: number; retryReason?: string }): Promise<Ack>;
  /** Sends a raw frame (for malformed envelopes). */
  sendRaw(frame: string): void;
  /** Slack's `disconnect` message, then the socket is dropped from our side a moment later. */
  disconnect(reason?: string): Promise<void>;
  /** Waits until `n` connections have been opened in all and one is open now. */
  waitForConnections(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const ACK_DEADLINE_MS = 3000;

export async function startFakeSlackSocket(opts: { appId?: string } = {}): Promise<FakeSlackSocket> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  const tickets = new Set<string>();
  const delivered: FakeSlackSocket['delivered'] = [];
  const acks: Ack[] = [];
  const waiting = new Map<string, { sentAt: number; resolve: (a: Ack) => void }>();
  let socket: WebSocket | undefined;
  let connections = 0;
  let pinger: NodeJS.Timeout | undefined;

  wss.on('connection', (ws, req) => {
    const ticket = new URL(req.url ?? '/', 'http://x').searchParams.get('ticket') ?? '';
    // A URL from apps.connections.open is good for one connection, as Slack's are.
    if (!tickets.delete(ticket)) {
      ws.close(4001, 'invalid ticket');
      return;
    }
    connections += 1;
    socket = ws;
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack-socket', approximate_connection_time: 18060 }, connection_info: { app_id: opts.appId ?? 'A0DEBRIEF01' } }));
    ws.on('message', (raw) => {
      let msg: { envelope_id?: unknown; payload?: Record<string, unknown> };
      try {
        msg = JSON.parse(String(raw)) as typeof msg;
      } catch {
        return;
      }
      if (typeof msg.envelope_id !== 'string') return;
      const w = waiting.get(msg.envelope_id);
      const ack: Ack = { envelopeId: msg.envelope_id, payload: msg.payload, ms: w ? Date.now() - w.sentAt : -1 };
      acks.push(ack);
      if (w) {
        waiting.delete(msg.envelope_id);
        w.resolve(ack);
      }
    });
    ws.on('close', () => {
      if (socket === ws) socket = undefined;
    });
  });
  // Slack pings its clients; the client treats a long silence as a dead connection.
  pinger = setInterval(() => socket?.ping(), 5000);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    nextUrl() {
      const ticket = randomBytes(8).toString('hex');
      tickets.add(ticket);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${opts.appId ?? 'A0DEBRIEF01'}`;
    },
    get connections() {
      return connections;
    },
    get connected() {
      return socket?.readyState === 1;
    },
    delivered,
    acks,
    deliver(type, payload, o = {}) {
      const ws = socket;
      if (!ws || ws.readyState !== 1) return Promise.reject(new Error('no Socket Mode connection'));
      const envelopeId = o.envelopeId ?? randomBytes(12).toString('hex');
      const frame = {
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(o.retryAttempt ? { retry_attempt: o.retryAttempt, retry_reason: o.retryReason ?? 'timeout' } : { retry_attempt: 0, retry_reason: '' }),
      };
      delivered.push({ envelopeId, type, retryAttempt: o.retryAttempt ?? 0 });
      return new Promise<Ack>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`no ack for ${type} envelope ${envelopeId} within ${ACK_DEADLINE_MS} ms`));
        }, ACK_DEADLINE_MS);
        waiting.set(envelopeId, {
          sentAt: Date.now(),
          resolve: (a) => {
            clearTimeout(timer);
            resolve(a);
          },
        });
        ws.send(JSON.stringify(frame));
      });
    },
    sendRaw(frame) {
      socket?.send(frame);
    },
    async disconnect(reason = 'refresh_requested') {
      const ws = socket;
      if (!ws) return;
      ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack-socket' } }));
      await new Promise((r) => setTimeout(r, 100));
      ws.terminate();
    },
    async waitForConnections(n, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(connections >= n && socket?.readyState === 1)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for Socket Mode connection ${n} (have ${connections})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      clearInterval(pinger);
      pinger = undefined;
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
