import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Slack Web API: a real HTTP server that answers the methods Debrief calls the way Slack
 * does (POST /api/<method>, form-encoded or JSON, Bearer token, `{ok: ...}` JSON, 429 with Retry-After), and
 * records every call so tests can assert what a person would have seen. It also serves response_urls
 * (`/respond/<id>`) and file upload URLs (`/upload/<id>`). Beyond messages it knows people
 * (users.info, with admin flags and time zone), channel history with message metadata
 * (conversations.history, `include_all_metadata`) and App Home views (views.publish).
 */

export const BOT_USER_ID = 'UBOT0000001';
export const BOT_ID = 'BBOT0000001';

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  /** The HTTP status we answered with (0 when the connection was dropped). */
  status: number;
  /** `ok` of our JSON answer (false for Slack errors and HTTP failures). */
  ok: boolean;
  at: number;
  /** The request's Content-Type. */
  contentType?: string;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Record<string, unknown>[];
  /** Message metadata as posted (`{event_type, event_payload}`), if any. */
  metadata?: Record<string, unknown>;
}

/** The users.info fields Debrief reads. */
export interface FakeUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_primary_owner?: boolean;
  /** IANA zone of the profile; Slack sends one for every human user. */
  tz?: string;
}

export type Failure =
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'http'; status: number }
  | { kind: 'slack-error'; error: string }
  /** Slack carries the call out, but the answer never arrives (the connection drops). */
  | { kind: 'lost-response' }
  /** The request is held open, never answered and never carried out (the caller dies waiting). */
  | { kind: 'hold' };

export interface FakeSlack {
  /** e.g. http://127.0.0.1:PORT */
  url: string;
  /** The value for SLACK_API_URL. */
  apiUrl: string;
  calls: SlackCall[];
  /** Successful calls of a method, oldest first. */
  succeeded(method: string): SlackCall[];
  /** Copies of the messages in a channel as they stand now (chat.update applied), oldest first. */
  messages(channel: string): StoredMessage[];
  /** A message from a person in the channel (no metadata), as a busy channel has many of. */
  postAsPerson(channel: string, text: string): void;
  /** The next `times` calls of `method` fail this way. */
  failNext(method: string, failure: Failure, times?: number): void;
  /** Every call of `method` whose params match fails this way, until the returned function is called. */
  failWhere(method: string, match: (params: Record<string, unknown>) => boolean, failure: Failure): () => void;
  /** Sets a person's profile for users.info (unknown U... ids are ordinary members in UTC). */
  setUser(userId: string, user: FakeUser): void;
  /** The Home tab last published for a person (views.publish), if any. */
  homeView(userId: string): { type: string; blocks: Record<string, unknown>[] } | undefined;
  /** While set, every request fails: with an HTTP status, or by dropping the connection. */
  setOutage(outage: { kind: 'http'; status: number } | { kind: 'drop' } | null): void;
  /** A response_url for an interaction payload. */
  responseUrl(id: string): string;
  /** DM channel id that conversations.open gives for a user. */
  dmOf(userId: string): string;
  close(): Promise<void>;
}

export async function startFakeSlack(
  opts: {
    teamId?: string;
    validToken?: (token: string) => boolean;
    /** Socket Mode: the ws:// URL `apps.connections.open` returns (called with an app-level xapp- token). */
    socketUrl?: () => string;
  } = {},
): Promise<FakeSlack> {
  const teamId = opts.teamId ?? 'T0TEST0001';
  const validToken = opts.validToken ?? ((t: string) => t.startsWith('xoxb-'));
  const calls: SlackCall[] = [];
  const stored: StoredMessage[] = [];
  const failures = new Map<string, { failure: Failure; times: number }>();
  const rules: { method: string; match: (p: Record<string, unknown>) => boolean; failure: Failure }[] = [];
  const users = new Map<string, FakeUser>();
  const views = new Map<string, { type: string; blocks: Record<string, unknown>[] }>();
  let outage: { kind: 'http'; status: number } | { kind: 'drop' } | null = null;
  let tsCounter = 0;
  let fileCounter = 0;
  let url = '';
  const dmOf = (userId: string) => `D${userId.replace(/^U/, '')}`;
  // Wall-clock seconds, as Slack's, so a search by `oldest` finds what was posted since; the counter
  // keeps every ts unique and increasing.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;

  const record = (method: string, params: Record<string, unknown>, contentType: string | undefined, status: number, ok: boolean) =>
    calls.push({ method, params, status, ok, at: Date.now(), ...(contentType ? { contentType } : {}) });

  function answerMethod(method: string, p: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.test/', team: 'Fake team', user: 'debrief', team_id: teamId, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'conversations.open': {
        const users = String(p.users ?? '');
        if (!users) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: dmOf(users.split(',')[0]!) } };
      }
      case 'chat.postMessage': {
        if (!p.channel) return { ok: false, error: 'channel_not_found' };
        if (!p.text && !p.blocks) return { ok: false, error: 'no_text' };
        const message: StoredMessage = {
          channel: String(p.channel),
          ts: nextTs(),
          text: String(p.text ?? ''),
          blocks: (p.blocks as StoredMessage['blocks']) ?? [],
          ...(p.metadata && typeof p.metadata === 'object' ? { metadata: p.metadata as Record<string, unknown> } : {}),
        };
        stored.push(message);
        return { ok: true, channel: message.channel, ts: message.ts, message: { type: 'message', user: BOT_USER_ID, bot_id: BOT_ID, ...message } };
      }
      case 'chat.update': {
        const message = stored.find((m) => m.channel === p.channel && m.ts === p.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(p.text ?? message.text);
        if (p.blocks) message.blocks = p.blocks as StoredMessage['blocks'];
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'users.info': {
        const id = String(p.user ?? '');
        if (!/^[UW][A-Z0-9]+$/.test(id)) return { ok: false, error: 'user_not_found' };
        const u = users.get(id) ?? {};
        return {
          ok: true,
          user: {
            id,
            team_id: teamId,
            name: id.toLowerCase(),
            deleted: false,
            is_bot: false,
            is_admin: u.is_admin ?? false,
            is_owner: u.is_owner ?? false,
            is_primary_owner: u.is_primary_owner ?? false,
            tz: u.tz ?? 'UTC',
            tz_label: u.tz ?? 'UTC',
          },
        };
      }
      case 'conversations.history': {
        if (!p.channel) return { ok: false, error: 'channel_not_found' };
        const withMetadata = p.include_all_metadata === true || p.include_all_metadata === 'true';
        const limit = Math.min(Number(p.limit ?? 100) || 100, 999);
        const oldest = p.oldest === undefined ? 0 : Number(p.oldest);
        // Newest first, as Slack; `oldest` is exclusive; the cursor is where the next page starts.
        const all = stored.filter((m) => m.channel === p.channel && Number(m.ts) > oldest).reverse();
        const from = p.cursor ? Number(Buffer.from(String(p.cursor), 'base64').toString()) : 0;
        const more = all.length > from + limit;
        const messages = all.slice(from, from + limit).map((m) => ({
          type: 'message',
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          ts: m.ts,
          text: m.text,
          blocks: m.blocks,
          ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
        }));
        return {
          ok: true,
          messages,
          has_more: more,
          pin_count: 0,
          ...(more ? { response_metadata: { next_cursor: Buffer.from(String(from + limit)).toString('base64') } } : {}),
        };
      }
      case 'views.publish': {
        const view = p.view as { type?: string; blocks?: Record<string, unknown>[] } | undefined;
        if (!p.user_id || !view || view.type !== 'home') return { ok: false, error: 'invalid_arguments' };
        views.set(String(p.user_id), { type: view.type, blocks: view.blocks ?? [] });
        return { ok: true, view: { id: `V${String(p.user_id)}`, type: 'home', blocks: view.blocks ?? [] } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'files.getUploadURLExternal': {
        const id = `F${String(++fileCounter).padStart(8, '0')}`;
        return { ok: true, upload_url: `${url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = JSON.parse(String(p.files ?? '[]')) as { id: string; title?: string }[];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.startsWith('/respond/') ? 'respond' : path.startsWith('/upload/') ? 'upload' : path;
    const contentType = req.headers['content-type'];
    const params = parseParams(contentType, body);
    if (outage?.kind === 'drop') {
      record(method, params, contentType, 0, false);
      req.socket.destroy();
      return;
    }
    if (outage?.kind === 'http') {
      record(method, params, contentType, outage.status, false);
      res.writeHead(outage.status, { 'content-type': 'text/plain' }).end('service unavailable');
      return;
    }
    const planned = failures.get(method);
    const rule = rules.find((r) => r.method === method && r.match(params));
    if ((planned && planned.times > 0) || rule) {
      let f: Failure;
      if (planned && planned.times > 0) {
        planned.times -= 1;
        f = planned.failure;
      } else f = rule!.failure;
      if (f.kind === 'hold') {
        record(method, params, contentType, 0, false);
        return;
      }
      if (f.kind === 'lost-response') {
        const answer = answerMethod(method, params);
        record(method, params, contentType, 0, answer.ok === true);
        req.socket.destroy();
        return;
      }
      if (f.kind === 'rate-limited') {
        record(method, params, contentType, 429, false);
        res.writeHead(429, { 'retry-after': String(f.retryAfterSeconds), 'content-type': 'application/json' }).end('{"ok":false,"error":"ratelimited"}');
        return;
      }
      if (f.kind === 'http') {
        record(method, params, contentType, f.status, false);
        res.writeHead(f.status, { 'content-type': 'text/plain' }).end('error');
        return;
      }
      record(method, params, contentType, 200, false);
      json(res, { ok: false, error: f.error });
      return;
    }
    if (method === 'respond' || method === 'upload') {
      record(method, params, contentType, 200, true);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    if (!path.startsWith('/api/')) {
      record(method, params, contentType, 404, false);
      res.writeHead(404).end();
      return;
    }
    // Slack takes a JSON body's token only from the Authorization header, and wants its charset.
    const isJson = (contentType ?? '').includes('application/json');
    const auth = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1] ?? (isJson ? '' : String(params.token ?? ''));
    if (method === 'apps.connections.open') {
      // Only an app-level token opens a Socket Mode connection.
      const opened = !auth.startsWith('xapp-') ? { ok: false, error: 'not_allowed_token_type' } : opts.socketUrl ? { ok: true, url: opts.socketUrl() } : { ok: false, error: 'socket_mode_not_enabled' };
      record(method, params, contentType, 200, opened.ok);
      json(res, opened);
      return;
    }
    const answer = params === INVALID_JSON
      ? { ok: false, error: 'invalid_json' }
      : !auth ? { ok: false, error: 'not_authed' } : !validToken(auth) ? { ok: false, error: 'invalid_auth' } : answerMethod(method, params);
    record(method, params, contentType, 200, answer.ok === true);
    json(res, isJson && !/charset=utf-8/i.test(contentType ?? '') ? { ...answer, warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } } : answer);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    succeeded: (method) => calls.filter((c) => c.method === method && c.ok),
    messages: (channel) => structuredClone(stored.filter((m) => m.channel === channel)),
    postAsPerson: (channel, text) => void stored.push({ channel, ts: nextTs(), text, blocks: [] }),
    failNext: (method, failure, times = 1) => failures.set(method, { failure, times }),
    failWhere: (method, match, failure) => {
      const rule = { method, match, failure };
      rules.push(rule);
      return () => void rules.splice(rules.indexOf(rule), 1);
    },
    setUser: (userId, user) => users.set(userId, user),
    homeView: (userId) => structuredClone(views.get(userId)),
    setOutage: (o) => {
      outage = o;
    },
    responseUrl: (id) => `${url}/respond/${id}`,
    dmOf,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/** A JSON body that does not parse (Slack answers `invalid_json`). */
const INVALID_JSON: Record<string, unknown> = Object.freeze({});

/** Form fields as Slack's client sends them (object arguments such as blocks arrive as JSON strings), or a JSON body. */
function parseParams(contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const type = contentType ?? '';
  if (type.includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : INVALID_JSON;
    } catch {
      return INVALID_JSON;
    }
  }
  if (type.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) {
      if (k === 'blocks' || k === 'attachments' || k === 'metadata' || k === 'view') {
        try {
          out[k] = JSON.parse(v);
          continue;
        } catch {
          // leave it as the string it was
        }
      }
      out[k] = v;
    }
    return out;
  }
  return { bytes: body.length };
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
