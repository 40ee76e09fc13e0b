import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SocketModeReceiver, type App as BoltApp, type Receiver, type ReceiverEvent, type SocketModeReceiverOptions } from '@slack/bolt';
import { z } from 'zod';
import type { Logger } from '../../src/log.js';
import type { EdgeMetrics } from '../edge-metrics.js';
import { judge, type Verdict } from './schemas.js';

/**
 * The Slack edge in front of Bolt. Bolt 5.1's HTTPReceiver lets a signed body of JSON `null` throw
 * past it (and the process ends), accepts timestamps from the future, and leaves `app_rate_limited`
 * unanswered until a 404. This receiver owns the HTTP side: it checks the signature and a timestamp
 * window of five minutes either way (401), parses and judges the body against the documented shapes
 * (400, or an empty 200 where Slack expects one), and only then hands a request to Bolt. Nothing a
 * request carries can throw past it.
 */

/** Slack's guidance: refuse a timestamp more than five minutes from now, in either direction. */
export const TIMESTAMP_WINDOW_S = 5 * 60;
/** Slack's bodies are a few kilobytes; a megabyte leaves room for long messages and big block payloads. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Bolt's own deadline for an ack before it gives up on a request (HTTPResponseAck). */
const UNACKED_MS = 3001;

export type Signed = { ok: true } | { ok: false; why: 'signature' | 'timestamp' };

/**
 * `v0=HMAC-SHA256(secret, "v0:" + ts + ":" + body)`, within the timestamp window. The receiver passes
 * its secret as a KeyObject made once: from a string, createHmac prepares the key again on each call.
 */
export function verifySignature(secret: string | KeyObject, timestamp: string | undefined, sig: string | undefined, raw: string, nowMs = Date.now()): Signed {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, why: 'timestamp' };
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > TIMESTAMP_WINDOW_S) return { ok: false, why: 'timestamp' };
  if (!sig || !/^v0=[0-9a-f]{64}$/.test(sig)) return { ok: false, why: 'signature' };
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(sig.slice(3), 'hex')) ? { ok: true } : { ok: false, why: 'signature' };
}

/** A form (slash command, or interactivity's `payload=` JSON) or a JSON body; undefined if unreadable. */
export function parseBody(raw: string, contentType: string): { body: unknown } | undefined {
  try {
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const payload = form.get('payload');
      if (payload !== null) return { body: JSON.parse(payload) as unknown };
      return { body: Object.fromEntries(form) };
    }
    if (contentType.includes('application/json')) return { body: JSON.parse(raw) as unknown };
  } catch {
    return undefined;
  }
  return undefined;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === '' || body === null) res.writeHead(status).end();
  else if (typeof body === 'string') res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
  else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export interface EdgeReceiverOptions {
  signingSecret: string;
  logger: Logger;
  metrics: EdgeMetrics;
  /** Where Slack posts events, commands and interactivity (the manifest's request URLs). */
  path?: string;
}

/** Logs and counts a verdict that ran nothing; true if the request goes on to Bolt. */
function settle(verdict: Verdict, log: Logger, metrics: EdgeMetrics): verdict is Extract<Verdict, { kind: 'process' }> {
  if (verdict.kind === 'refuse') {
    metrics.refused.inc({ platform: 'slack', why: 'schema' });
    log.warn({ reason: verdict.reason }, 'slack request refused: malformed payload');
    return false;
  }
  if (verdict.kind === 'answer') {
    if (verdict.note === 'app_rate_limited') {
      metrics.rateLimited.inc({ team: String(verdict.ids?.team ?? '') });
      log.warn({ ...verdict.ids }, 'slack app_rate_limited: Slack is dropping our events for this minute');
    } else if (verdict.note === 'malformed event ignored') {
      metrics.refused.inc({ platform: 'slack', why: 'schema' });
      log.warn({ ...verdict.ids }, 'slack event ignored: malformed');
    } else log.debug({ ...verdict.ids }, verdict.note);
    return false;
  }
  return true;
}

export class EdgeReceiver implements Receiver {
  private bolt: BoltApp | undefined;
  private server: Server | undefined;
  private readonly log: Logger;
  private readonly signingKey: KeyObject;

  constructor(private readonly opts: EdgeReceiverOptions) {
    this.log = opts.logger.child({ adapter: 'slack' });
    this.signingKey = createSecretKey(Buffer.from(opts.signingSecret, 'utf8'));
  }

  init(app: BoltApp): void {
    this.bolt = app;
  }

  async start(port: number): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.log.error({ err: { type: (err as Error)?.name ?? typeof err } }, 'slack request failed at the edge');
        send(res, 500);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || path !== (this.opts.path ?? '/slack/events')) {
      req.resume();
      return send(res, 404);
    }
    const raw = await readBody(req, BODY_LIMIT_BYTES);
    if (raw === undefined) {
      this.opts.metrics.refused.inc({ platform: 'slack', why: 'too-large' });
      res.setHeader('connection', 'close');
      return send(res, 413);
    }
    const contentType = header(req, 'content-type') ?? '';
    // Slack's certificate check is unsigned, as Bolt treats it; it runs nothing.
    if (contentType.includes('application/x-www-form-urlencoded') && /^(token=[^&]*&)?ssl_check=1(&token=[^&]*)?$/.test(raw)) return send(res, 200);

    const signed = verifySignature(this.signingKey, header(req, 'x-slack-request-timestamp'), header(req, 'x-slack-signature'), raw);
    if (!signed.ok) {
      this.opts.metrics.refused.inc({ platform: 'slack', why: signed.why });
      this.log.warn({ why: signed.why }, 'slack request refused: bad signature or timestamp');
      return send(res, 401);
    }
    const parsed = parseBody(raw, contentType);
    const verdict = parsed ? judge(parsed.body) : ({ kind: 'refuse', status: 400, reason: 'unreadable body' } as const);
    if (!settle(verdict, this.log, this.opts.metrics)) {
      if (verdict.kind === 'refuse') {
        // Slack would only send the same bytes again.
        res.setHeader('x-slack-no-retry', '1');
        return send(res, 400, { error: 'malformed_payload' });
      }
      if (verdict.kind === 'answer') return send(res, 200, verdict.json);
      return;
    }
    await this.dispatch(verdict.body, req, res);
  }

  /** As Bolt's HTTPReceiver: the listener's ack() is the HTTP answer; no ack in time is a 404. */
  private async dispatch(body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    let acked = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      this.log.warn('slack request not acknowledged within 3 seconds');
      send(res, 404);
    }, UNACKED_MS);
    const retryNum = Number.parseInt(header(req, 'x-slack-retry-num') ?? '', 10);
    const retryReason = header(req, 'x-slack-retry-reason');
    const event: ReceiverEvent = {
      body,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        clearTimeout(timer);
        send(res, 200, response);
      },
      ...(Number.isFinite(retryNum) ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
      customProperties: {},
    };
    try {
      if (!this.bolt) throw new Error('receiver used before init');
      await this.bolt.processEvent(event);
    } catch (err) {
      this.log.error({ err: { type: (err as Error)?.name ?? typeof err } }, 'slack event failed in Bolt');
      if (!acked) {
        acked = true;
        clearTimeout(timer);
        send(res, 500);
      }
    }
  }
}

/** The body as text, or undefined past the limit (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Socket Mode needs no signature, but its envelopes carry the same payloads: each is judged before
 * Bolt sees it. A refused one is still acked, so Slack does not redeliver what will never parse.
 */
export class GuardedSocketModeReceiver extends SocketModeReceiver {
  private readonly edge: { log: Logger; metrics: EdgeMetrics };

  constructor(opts: SocketModeReceiverOptions & { edgeLogger: Logger; metrics: EdgeMetrics }) {
    const { edgeLogger, metrics, ...rest } = opts;
    super(rest);
    this.edge = { log: edgeLogger.child({ adapter: 'slack', mode: 'socket' }), metrics };
    this.guardFrames();
  }

  /**
   * The Socket Mode client reads `payload.event.type` of an events_api frame before anything can
   * check it, in an async listener whose rejection nobody handles (the process ends). So each frame is
   * checked first: one that is not a well-formed envelope is acked (if it has an id, so Slack does not
   * redeliver it) and dropped; the client's own listener runs only on the rest, its errors caught.
   */
  private guardFrames(): void {
    const { log, metrics } = this.edge;
    const client = this.client;
    const inner = client.listeners('ws_message') as ((data: unknown, isBinary: boolean) => unknown)[];
    client.removeAllListeners('ws_message');
    client.on('ws_message', (data: unknown, isBinary: boolean) => {
      const frame = checkFrame(data, isBinary);
      if (!frame.ok) {
        metrics.refused.inc({ platform: 'slack', why: 'schema' });
        log.warn({ envelope: frame.envelopeId, reason: frame.reason }, 'slack socket frame dropped: malformed envelope');
        // send() is the client's own ack path (private in its typings); an ack that fails changes nothing.
        if (frame.envelopeId) (client as unknown as { send(id: string): Promise<void> }).send(frame.envelopeId).catch(() => undefined);
        return;
      }
      for (const listener of inner)
        Promise.resolve()
          .then(() => listener.call(client, data, isBinary))
          .catch((err: unknown) => log.error({ err: { type: (err as Error)?.name ?? typeof err } }, 'slack socket frame failed in the client'));
    });
  }

  override init(app: BoltApp): void {
    const { log, metrics } = this.edge;
    const guarded = {
      processEvent: async (event: ReceiverEvent) => {
        const verdict = judge(event.body);
        if (!settle(verdict, log, metrics)) {
          await event.ack();
          return;
        }
        await app.processEvent({ ...event, body: verdict.body });
      },
    };
    // SocketModeReceiver uses its app for processEvent alone.
    super.init(guarded as unknown as BoltApp);
  }
}

/** A Socket Mode frame the client can read without throwing: hello, disconnect, or an envelope. */
export function checkFrame(data: unknown, isBinary: boolean): { ok: true } | { ok: false; reason: string; envelopeId?: string } {
  // The client ignores binary frames and text that is not JSON; it reads everything else.
  if (isBinary) return { ok: true };
  let frame: unknown;
  try {
    frame = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return { ok: true };
  }
  const checked = envelopeSchema.safeParse(frame);
  if (checked.success) return { ok: true };
  const id = (frame as { envelope_id?: unknown } | null)?.envelope_id;
  const issue = checked.error.issues[0];
  return { ok: false, reason: issue ? `${issue.path.join('.') || '(root)'}: ${issue.code}` : 'invalid', ...(typeof id === 'string' && id.length <= 200 ? { envelopeId: id } : {}) };
}

const envelopeSchema = z.union([
  z.looseObject({ type: z.enum(['hello', 'disconnect']) }),
  z.looseObject({ type: z.literal('events_api'), envelope_id: z.string().min(1).max(200), payload: z.looseObject({ event: z.looseObject({ type: z.string() }) }) }),
  z.looseObject({ type: z.string().refine((t) => t !== 'events_api'), envelope_id: z.string().min(1).max(200), payload: z.looseObject({}) }),
]);
