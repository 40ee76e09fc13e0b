import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A loopback Discord for end-to-end tests: the REST routes the adapter uses (node:http) and a gateway
 * (a `ws` server) that speaks the real handshake: HELLO, IDENTIFY → READY, heartbeat → ACK, RESUME
 * with replay → RESUMED, and dispatches in Discord's documented shapes
 * (https://discord.com/developers/docs/events/gateway, .../interactions/receiving-and-responding).
 * It records every REST call and can answer 429 or 50007, or drop the socket to force a resume.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON payloads of Discord's API, checked by the client under test */
type Json = any;

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface RecordedCall {
  method: string;
  /** Without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  body: Json;
  files: { name: string; size: number }[];
  status: number;
  at: number;
  /** A message create answered with an existing message of the same nonce. */
  deduped?: boolean;
}

export interface InteractionRecord {
  id: string;
  token: string;
  payload: Json;
  createdAt: number;
  acknowledgedAt?: number;
  callbacks: { type: number; data: Json; at: number }[];
  /** The response message (type 4, or 5 then edited), ephemeral ones included. */
  original?: Json;
  followUps: Json[];
  /** For a component: the message the component is on (updated in place by type 7 / editReply after 6). */
  message?: Json;
}

interface Session {
  id: string;
  shard: [number, number];
  seq: number;
  log: Json[];
  socket: WebSocket | undefined;
}

const DISCORD_EPOCH = 1420070400000n;
let sequence = 0n;
export function snowflake(): string {
  sequence = (sequence + 1n) & 4095n;
  return ((BigInt(Date.now()) - DISCORD_EPOCH) << 22n | sequence).toString();
}

const userJson = (u: FakeUser) => ({
  id: u.id,
  username: u.username,
  discriminator: '0',
  global_name: u.username,
  avatar: null,
  public_flags: 0,
  ...(u.bot ? { bot: true } : {}),
});

const P = { addReactions: 1n << 6n, viewChannel: 1n << 10n, sendMessages: 1n << 11n, embedLinks: 1n << 14n, attachFiles: 1n << 15n, readHistory: 1n << 16n, useCommands: 1n << 31n };
/** A member's permissions in a channel, as Discord computes them into `member.permissions` of an interaction. */
export const PERMISSIONS = {
  member: (P.addReactions | P.viewChannel | P.sendMessages | P.embedLinks | P.attachFiles | P.readHistory | P.useCommands).toString(),
  /** Manage Server (1 << 5) on top of a member's. */
  manageGuild: (P.addReactions | P.viewChannel | P.sendMessages | P.embedLinks | P.attachFiles | P.readHistory | P.useCommands | (1n << 5n)).toString(),
  /** Administrator (1 << 3) implies every other permission. */
  administrator: (1n << 3n).toString(),
} as const;

/** Where a guild interaction happens and what the member may do there. */
export interface GuildPlace {
  guildId: string;
  /** A channel made with `textChannel`; by default the guild's first one. */
  channelId?: string;
  /** Default: a member without Manage Server. */
  permissions?: string;
}

export interface FakeDiscordOptions {
  token: string;
  applicationId: string;
  heartbeatIntervalMs?: number;
  /** Dispatch MESSAGE_CREATE for the bot's own messages, as Discord does (default true). */
  echoOwnMessages?: boolean;
  /** Reject interaction callbacks arriving later than this, as Discord does after 3 s. */
  interactionDeadlineMs?: number;
}

export class FakeDiscord {
  readonly calls: RecordedCall[] = [];
  /** Opcodes the client sent on the gateway, in order. */
  readonly gatewayReceived: { op: number; d: Json; at: number }[] = [];
  readonly bot: FakeUser;
  readonly interactions = new Map<string, InteractionRecord>();
  private readonly messages = new Map<string, Json[]>();
  private readonly dmChannels = new Map<string, string>();
  private readonly users = new Map<string, FakeUser>();
  private readonly blocked = new Set<string>();
  private readonly sessions = new Map<string, Session>();
  private rateLimits: { method: string; path: RegExp; times: number; retryAfter: number }[] = [];
  private failures: { method: string; path: RegExp; times: number; status: number; code?: number; message: string; drop?: boolean; hold?: boolean }[] = [];
  /** Guild text channels: id -> guild id and name. Their messages are in `messages` as DMs' are. */
  private readonly textChannels = new Map<string, { guildId: string; name: string }>();
  private readonly deniedChannels = new Map<string, { status: number; code: number; message: string }>();
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private port = 0;

  private constructor(private readonly opts: FakeDiscordOptions) {
    this.bot = { id: opts.applicationId, username: 'Debrief', bot: true };
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(opts: FakeDiscordOptions): Promise<FakeDiscord> {
    const fake = new FakeDiscord(opts);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- what tests look at -------------------------------------------------------------------

  opcodes(op: number): number {
    return this.gatewayReceived.filter((g) => g.op === op).length;
  }

  /** True while some session has an open socket that has identified or resumed. */
  get connected(): boolean {
    return [...this.sessions.values()].some((s) => s.socket?.readyState === 1);
  }

  user(u: FakeUser): FakeUser {
    this.users.set(u.id, u);
    return u;
  }

  dmChannelId(userId: string): string {
    let id = this.dmChannels.get(userId);
    if (!id) {
      id = snowflake();
      this.dmChannels.set(userId, id);
      this.messages.set(id, []);
    }
    return id;
  }

  /** Messages in the DM with this user, in order (theirs and the bot's; ephemeral ones are not here). */
  dm(userId: string): Json[] {
    return this.messages.get(this.dmChannelId(userId)) ?? [];
  }

  botMessages(userId: string): Json[] {
    return this.dm(userId).filter((m) => m.author.id === this.bot.id);
  }

  blockDms(userId: string): void {
    this.blocked.add(userId);
  }

  /** The next `times` requests matching answer 429 with Discord's rate-limit headers. */
  rateLimitNext(method: string, path: RegExp, opts: { times?: number; retryAfterSeconds?: number } = {}): void {
    this.rateLimits.push({ method, path, times: opts.times ?? 1, retryAfter: opts.retryAfterSeconds ?? 1 });
  }

  /**
   * The next `times` requests matching fail: with an HTTP status (a 5xx has no JSON body, as Discord's
   * edge answers), or `drop`, which carries the request out (a message is stored) and then closes the
   * connection without an answer, as when Discord posted but the response was lost; or `hold`, which
   * neither carries it out nor answers (the bot dies waiting).
   */
  failNext(method: string, path: RegExp, opts: { status?: number; code?: number; message?: string; drop?: boolean; hold?: boolean; times?: number } = {}): void {
    this.failures.push({ method, path, times: opts.times ?? 1, status: opts.status ?? 500, message: opts.message ?? 'Internal Server Error', ...(opts.code !== undefined ? { code: opts.code } : {}), ...(opts.drop ? { drop: true } : {}), ...(opts.hold ? { hold: true } : {}) });
  }

  /** A text channel in a server the bot can post in (until `denyChannel`). */
  textChannel(guildId: string, name = 'job-hunt', id = snowflake()): string {
    this.textChannels.set(id, { guildId, name });
    if (!this.messages.has(id)) this.messages.set(id, []);
    return id;
  }

  /** Messages posted in a server channel, in order. */
  channelMessages(channelId: string): Json[] {
    return this.messages.get(channelId) ?? [];
  }

  /** Posting in this channel fails from now on, e.g. 403 / 50013 Missing Permissions. */
  /** Discord remembers a nonce for a few minutes only: after this, no message so far matches one. */
  expireNonces(): void {
    for (const list of this.messages.values()) for (const m of list) this.nonceExpired.add(m);
  }
  private readonly nonceExpired = new WeakSet<Json>();

  denyChannel(channelId: string, error: { status: number; code: number; message: string }): void {
    this.deniedChannels.set(channelId, error);
  }

  // ---- driving the client -------------------------------------------------------------------

  /** Sends a gateway dispatch on the session of shard 0 (DMs always go there). If the socket is down,
   *  the event waits in the session's log and is replayed on RESUME, as Discord does. */
  dispatch(t: string, d: Json, shard = 0): void {
    const session = [...this.sessions.values()].filter((s) => s.shard[0] === shard).at(-1);
    if (!session) throw new Error(`no gateway session for shard ${shard}`);
    this.send(session, t, d);
  }

  /** A person's DM to the bot (MESSAGE_CREATE, channel_type 1). Returns the payload, to re-dispatch it. */
  sendDm(from: FakeUser, content: string, extra: Json = {}): Json {
    this.user(from);
    const message = {
      id: snowflake(),
      channel_id: this.dmChannelId(from.id),
      author: userJson(from),
      content,
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
      ...extra,
    };
    if (!from.bot) this.messages.get(message.channel_id)!.push(message);
    this.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
    return message;
  }

  private newInteraction(payload: Json, message?: Json): InteractionRecord {
    const record: InteractionRecord = { id: payload.id, token: payload.token, payload, createdAt: Date.now(), callbacks: [], followUps: [], message };
    this.interactions.set(record.id, record);
    this.dispatch('INTERACTION_CREATE', payload);
    return record;
  }

  private base(user: FakeUser, place: GuildPlace | undefined): Json {
    const guildId = place?.guildId;
    this.user(user);
    const id = snowflake();
    const common = {
      id,
      application_id: this.opts.applicationId,
      token: `tok_${randomBytes(12).toString('hex')}`,
      version: 1,
      locale: 'en-GB',
      app_permissions: '562949953421311',
      entitlements: [],
      attachment_size_limit: 10485760,
    };
    if (!guildId) {
      const channelId = this.dmChannelId(user.id);
      return {
        ...common,
        user: userJson(user),
        channel_id: channelId,
        channel: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [userJson(user)] },
        context: 1,
        // A guild-installed app used in its bot DM: the guild owner key is "0".
        authorizing_integration_owners: { '0': '0' },
      };
    }
    const channelId = place?.channelId ?? this.guildChannel(guildId);
    const channelName = this.textChannels.get(channelId)?.name ?? 'job-hunt';
    return {
      ...common,
      guild_id: guildId,
      guild: { id: guildId, locale: 'en-GB', features: [] },
      guild_locale: 'en-GB',
      member: {
        user: userJson(user),
        roles: [],
        joined_at: new Date(0).toISOString(),
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        nick: null,
        avatar: null,
        premium_since: null,
        communication_disabled_until: null,
        permissions: place?.permissions ?? PERMISSIONS.member,
      },
      channel_id: channelId,
      channel: { id: channelId, type: 0, guild_id: guildId, name: channelName, position: 0, flags: 0, parent_id: null, nsfw: false, topic: null, last_message_id: null, rate_limit_per_user: 0, permissions: '562949953421311' },
      context: 0,
      authorizing_integration_owners: { '0': guildId },
    };
  }

  private readonly guildChannels = new Map<string, string>();
  private guildChannel(guildId: string): string {
    if (!this.guildChannels.has(guildId)) this.guildChannels.set(guildId, this.textChannel(guildId));
    return this.guildChannels.get(guildId)!;
  }

  /** `/debrief [action]` (INTERACTION_CREATE type 2), in a DM or, with guildId, in a server channel. */
  slashCommand(user: FakeUser, opts: { action?: string } & Partial<GuildPlace> = {}): InteractionRecord {
    const payload = {
      ...this.base(user, placeOf(opts)),
      type: 2,
      data: {
        id: '1300000000000000001',
        name: 'debrief',
        type: 1,
        ...(opts.guildId ? { guild_id: opts.guildId } : {}),
        options: opts.action ? [{ name: 'action', type: 3, value: opts.action }] : [],
      },
    };
    return this.newInteraction(payload);
  }

  /** What the member has typed so far into `/debrief action:` (APPLICATION_COMMAND_AUTOCOMPLETE, type 4). */
  autocomplete(user: FakeUser, typed: string, opts: Partial<GuildPlace> = {}): InteractionRecord {
    const payload = {
      ...this.base(user, placeOf(opts)),
      type: 4,
      data: {
        id: '1300000000000000001',
        name: 'debrief',
        type: 1,
        ...(opts.guildId ? { guild_id: opts.guildId } : {}),
        options: [{ name: 'action', type: 3, value: typed, focused: true }],
      },
    };
    return this.newInteraction(payload);
  }

  /** A click on a button (type 3, component_type 2) or a choice in a select menu (component_type 3),
   *  where the message is: a DM, or a server channel (then `permissions` are the member's there). */
  click(user: FakeUser, message: Json, customId: string, values?: string[], opts: { permissions?: string } = {}): InteractionRecord {
    const guildId = this.textChannels.get(message.channel_id)?.guildId;
    const payload = {
      ...this.base(user, guildId ? { guildId, channelId: message.channel_id, ...opts } : undefined),
      type: 3,
      message,
      data: values ? { custom_id: customId, component_type: 3, values } : { custom_id: customId, component_type: 2 },
    };
    // Discord sends the channel the message is in; a click is always where the message is.
    payload.channel_id = message.channel_id;
    payload.channel = { ...payload.channel, id: message.channel_id };
    return this.newInteraction(payload, message);
  }

  /** The same INTERACTION_CREATE again (a re-dispatch); returns the same record. */
  redispatchInteraction(record: InteractionRecord): void {
    this.dispatch('INTERACTION_CREATE', record.payload);
  }

  /** Closes the gateway socket from our side; the client should reconnect and RESUME. */
  dropConnection(code = 4000): void {
    for (const s of this.sessions.values()) {
      if (!s.socket) continue;
      s.socket.close(code, 'dropped by the test');
      s.socket = undefined;
    }
  }

  // ---- gateway ------------------------------------------------------------------------------

  private send(session: Session, t: string, d: Json): void {
    const frame = { op: 0, t, s: ++session.seq, d };
    session.log.push(frame);
    if (session.socket?.readyState === 1) session.socket.send(JSON.stringify(frame));
  }

  private onConnection(ws: WebSocket): void {
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.opts.heartbeatIntervalMs ?? 1500 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const p = JSON.parse(String(raw)) as { op: number; d: Json };
      this.gatewayReceived.push({ op: p.op, d: p.op === 2 || p.op === 6 ? { ...p.d, token: '[redacted]' } : p.d, at: Date.now() });
      if (p.op === 1) ws.send(JSON.stringify({ op: 11 }));
      else if (p.op === 2) this.identify(ws, p.d);
      else if (p.op === 6) this.resume(ws, p.d);
    });
    ws.on('close', () => {
      for (const s of this.sessions.values()) if (s.socket === ws) s.socket = undefined;
    });
  }

  private identify(ws: WebSocket, d: Json): void {
    if (d.token !== this.opts.token && d.token !== `Bot ${this.opts.token}`) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    const shard: [number, number] = Array.isArray(d.shard) ? d.shard : [0, 1];
    const session: Session = { id: randomBytes(16).toString('hex'), shard, seq: 0, log: [], socket: ws };
    this.sessions.set(session.id, session);
    this.send(session, 'READY', {
      v: 10,
      user_settings: {},
      user: userJson(this.bot),
      session_type: 'normal',
      session_id: session.id,
      resume_gateway_url: this.gatewayUrl,
      relationships: [],
      private_channels: [],
      presences: [],
      guilds: [],
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
      application: { id: this.opts.applicationId, flags: 0 },
      shard,
    });
  }

  private resume(ws: WebSocket, d: Json): void {
    const session = this.sessions.get(d.session_id);
    if (!session || d.token !== this.opts.token) {
      ws.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
      return;
    }
    session.socket = ws;
    for (const frame of session.log.filter((f) => f.s > (d.seq ?? 0))) ws.send(JSON.stringify(frame));
    this.send(session, 'RESUMED', {});
  }

  // ---- REST ---------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const method = req.method ?? 'GET';
    const { body, files } = await parseBody(raw, String(req.headers['content-type'] ?? ''));
    const call: RecordedCall = { method, path, body, files, status: 0, at: Date.now() };
    this.calls.push(call);
    const reply = (status: number, json?: Json, headers: Record<string, string> = {}) => {
      call.status = status;
      if (json === undefined) {
        // Discord answers an interaction callback with 204 and no content-type; discord.js parses
        // any JSON content-type as JSON and would fail on the empty body.
        res.writeHead(status, headers).end();
        return;
      }
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(json));
    };

    const limit = this.rateLimits.find((r) => r.method === method && r.path.test(path) && r.times > 0);
    if (limit) {
      limit.times--;
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: limit.retryAfter, global: false },
        {
          'retry-after': String(limit.retryAfter),
          'x-ratelimit-limit': '5',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset-after': String(limit.retryAfter),
          'x-ratelimit-bucket': 'fake-bucket',
          'x-ratelimit-scope': 'user',
        },
      );
    }

    const failure = this.failures.find((f) => f.method === method && f.path.test(path) && f.times > 0);
    let dropped = false;
    if (failure) {
      failure.times--;
      if (failure.hold) {
        call.status = 0;
        return;
      }
      if (failure.drop) dropped = true;
      else if (failure.code !== undefined) return reply(failure.status, { message: failure.message, code: failure.code });
      else {
        call.status = failure.status;
        res.writeHead(failure.status, { 'content-type': 'text/plain' }).end(failure.message);
        return;
      }
    }
    if (dropped) {
      // Carry the request out, then lose the answer: the socket closes before any response.
      res.writeHead = (() => res) as never;
      res.end = (() => {
        call.status = -1;
        req.socket.destroy();
        return res;
      }) as never;
    }

    const botRoute = !path.startsWith('/interactions/') && !path.startsWith('/webhooks/');
    if (botRoute && req.headers.authorization !== `Bot ${this.opts.token}`) return reply(401, { message: '401: Unauthorized', code: 0 });

    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot')
      return reply(200, {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    if (method === 'GET' && path === '/users/@me') return reply(200, userJson(this.bot));
    if (method === 'POST' && path === '/users/@me/channels') {
      const user = this.users.get(body.recipient_id) ?? { id: body.recipient_id, username: `user${body.recipient_id.slice(-4)}` };
      return reply(200, { id: this.dmChannelId(user.id), type: 1, last_message_id: null, flags: 0, recipients: [userJson(user)] });
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path)) && method === 'POST') return this.createMessage(m[1]!, body, files, call, reply);
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path)) && method === 'PUT')
      return reply(200, (body as Json[]).map((c) => ({ ...c, id: snowflake(), application_id: m![1], version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) })));
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === 'POST') return this.callback(m[1]!, m[2]!, body, reply);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/.exec(path)) && method === 'PATCH') return this.editOriginal(m[2]!, body, reply);
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)$/.exec(path)) && method === 'POST') return this.followUp(m[2]!, body, reply);
    return reply(404, { message: '404: Not Found', code: 0 });
  }

  private messageJson(channelId: string, body: Json, files: { name: string; size: number }[], extra: Json = {}): Json {
    return {
      id: snowflake(),
      channel_id: channelId,
      author: userJson(this.bot),
      content: body.content ?? '',
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      attachments: files.map((f, i) => ({ id: String(i), filename: f.name, size: f.size, url: `${this.apiUrl}/files/${f.name}`, proxy_url: '' })),
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      pinned: false,
      type: 0,
      flags: body.flags ?? 0,
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...extra,
    };
  }

  private createMessage(channelId: string, body: Json, files: RecordedCall['files'], call: RecordedCall, reply: (s: number, j?: Json) => void): void {
    const owner = [...this.dmChannels.entries()].find(([, id]) => id === channelId)?.[0];
    const guildChannel = this.textChannels.get(channelId);
    if (!owner && !guildChannel) return reply(404, { message: 'Unknown Channel', code: 10003 });
    const denied = this.deniedChannels.get(channelId);
    if (denied) return reply(denied.status, { message: denied.message, code: denied.code });
    if (owner && this.blocked.has(owner)) return reply(403, { message: 'Cannot send messages to this user', code: 50007 });
    const list = this.messages.get(channelId)!;
    if (body.enforce_nonce && body.nonce !== undefined) {
      const existing = list.find((x) => x.author.id === this.bot.id && x.nonce === body.nonce && !this.nonceExpired.has(x));
      if (existing) {
        call.deduped = true;
        return reply(200, existing);
      }
    }
    const message = this.messageJson(channelId, body, files);
    list.push(message);
    reply(200, message);
    // Server channel messages are not dispatched: the bot has no GuildMessages intent.
    if (owner && (this.opts.echoOwnMessages ?? true)) this.dispatch('MESSAGE_CREATE', { ...message, channel_type: 1 });
  }

  private callback(id: string, token: string, body: Json, reply: (s: number, j?: Json) => void): void {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) return reply(404, { message: 'Unknown interaction', code: 10062 });
    if (Date.now() - record.createdAt > (this.opts.interactionDeadlineMs ?? 3000))
      return reply(404, { message: 'Unknown interaction', code: 10062 });
    if (record.acknowledgedAt !== undefined) return reply(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
    record.acknowledgedAt = Date.now();
    const data = body.data ?? {};
    record.callbacks.push({ type: body.type, data, at: Date.now() });
    const channelId = record.payload.channel_id;
    if (body.type === 4 || body.type === 5) {
      record.original = this.messageJson(channelId, body.type === 5 ? { flags: data.flags } : data, [], {
        webhook_id: this.opts.applicationId,
        application_id: this.opts.applicationId,
        interaction_metadata: {
          id,
          type: record.payload.type,
          user: record.payload.user ?? record.payload.member?.user,
          authorizing_integration_owners: record.payload.authorizing_integration_owners,
        },
      });
      const ephemeral = ((data.flags ?? 0) & 64) !== 0;
      if (!ephemeral && this.messages.has(channelId)) this.messages.get(channelId)!.push(record.original);
    }
    if (body.type === 7 && record.message) Object.assign(record.message, pickEdit(data));
    reply(204);
  }

  private byToken(token: string): InteractionRecord | undefined {
    return [...this.interactions.values()].find((r) => r.token === token);
  }

  private editOriginal(token: string, body: Json, reply: (s: number, j?: Json) => void): void {
    const record = this.byToken(token);
    if (!record || record.acknowledgedAt === undefined) return reply(404, { message: 'Unknown Message', code: 10008 });
    const last = record.callbacks.at(-1)!;
    const target = last.type === 6 || last.type === 7 ? record.message : record.original;
    if (!target) return reply(404, { message: 'Unknown Message', code: 10008 });
    Object.assign(target, pickEdit(body), { edited_timestamp: new Date().toISOString() });
    reply(200, target);
  }

  private followUp(token: string, body: Json, reply: (s: number, j?: Json) => void): void {
    const record = this.byToken(token);
    if (!record || record.acknowledgedAt === undefined) return reply(404, { message: 'Unknown Webhook', code: 10015 });
    const message = this.messageJson(record.payload.channel_id, body, [], { webhook_id: this.opts.applicationId });
    record.followUps.push(message);
    const ephemeral = ((body.flags ?? 0) & 64) !== 0;
    if (!ephemeral && this.messages.has(message.channel_id)) this.messages.get(message.channel_id)!.push(message);
    reply(200, message);
  }
}

function placeOf(opts: Partial<GuildPlace>): GuildPlace | undefined {
  return opts.guildId
    ? { guildId: opts.guildId, ...(opts.channelId ? { channelId: opts.channelId } : {}), ...(opts.permissions ? { permissions: opts.permissions } : {}) }
    : undefined;
}

function pickEdit(data: Json): Json {
  const out: Json = {};
  for (const k of ['content', 'components', 'embeds']) if (data[k] !== undefined) out[k] = data[k];
  return out;
}

async function parseBody(raw: Buffer, contentType: string): Promise<{ body: Json; files: RecordedCall['files'] }> {
  if (raw.length === 0) return { body: {}, files: [] };
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    const files: RecordedCall['files'] = [];
    let body: Json = {};
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json') body = JSON.parse(String(value));
      else if (typeof value !== 'string') files.push({ name: value.name, size: value.size });
    }
    return { body, files };
  }
  try {
    return { body: JSON.parse(raw.toString('utf8')), files: [] };
  } catch {
    return { body: raw.toString('utf8'), files: [] };
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | null, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false && value !== null && value !== '') return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}
