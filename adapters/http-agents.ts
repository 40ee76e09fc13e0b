import { STATUS_CODES } from 'node:http';
import { Agent, request } from 'undici';

/**
 * Outbound HTTP for the platform clients. Every turn makes a few Web API calls; over Node's global
 * `fetch` each one builds WHATWG streams, a Headers object and (in @slack/web-api) a fresh
 * `AbortSignal.timeout`, which measured about a third of the bot's CPU per turn. undici's `request`
 * on a keep-alive Agent does the same call without them, and its header and body timeouts run on
 * undici's shared coarse timer, not a timer per call.
 */

export interface AgentOptions {
  /** Sockets per origin at most; calls beyond wait for a free one. */
  connections?: number;
  /** Gives up on a call whose answer (headers, or the next part of its body) takes longer than this. */
  timeoutMs: number;
}

/**
 * Sixty-four sockets per origin: at Slack's and Discord's usual 100-300 ms per call that carries a few
 * hundred calls a second, well above what their rate limits allow one app, while a burst cannot open
 * sockets without bound. Idle sockets close after undici's default 4 s, or sooner if the server says so
 * in its Keep-Alive header, so a socket the server has already dropped is not reused.
 */
export const DEFAULT_CONNECTIONS = 64;

export function keepAliveAgent(opts: AgentOptions): Agent {
  return new Agent({
    connections: opts.connections ?? DEFAULT_CONNECTIONS,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
    connect: { timeout: opts.timeoutMs },
  });
}

/** The part of the Fetch API that @slack/web-api's `fetch` option and Bolt's `respond()` use. */
export interface SmallResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null; entries(): Iterable<[string, string]> };
  arrayBuffer(): Promise<ArrayBuffer>;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

export interface SmallRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | FormData;
  redirect?: 'error' | 'follow' | 'manual';
  signal?: AbortSignal;
}

/**
 * A `fetch` for @slack/web-api (`WebClientOptions.fetch`) and Bolt (`clientOptions.fetch`, its
 * `respond()`), over `agent`. Redirects are not followed (the Web API client asks for `error`; a 3xx
 * comes back as a non-200 it reports). The body is read whole before the response is returned: Web
 * API answers are small JSON, and a body left unread (the client skips it on a 429) would hold the
 * socket until the body timeout. `timeoutMs` stands in for the client's own `timeout` (set that to 0,
 * or each call also gets an AbortSignal timer).
 */
export function agentFetch(agent: Agent, timeoutMs: number): (url: string | URL, init?: SmallRequestInit) => Promise<SmallResponse> {
  return async (url, init = {}) => {
    let headers = init.headers;
    let payload: string | Buffer | undefined;
    if (init.body === undefined || typeof init.body === 'string') payload = init.body;
    else {
      // A file upload's multipart form. It is Node's own FormData, which this undici cannot encode
      // (it checks for its own class), so Node's Fetch encodes it, boundary and all.
      const encoded = new Response(init.body);
      headers = { ...headers, 'content-type': encoded.headers.get('content-type') ?? 'multipart/form-data' };
      payload = Buffer.from(await encoded.arrayBuffer());
    }
    const res = await request(url, {
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      method: (init.method ?? 'GET') as 'GET',
      ...(headers ? { headers } : {}),
      ...(payload !== undefined ? { body: payload } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    const answered = res.headers;
    const href = String(url);
    return {
      ok: res.statusCode >= 200 && res.statusCode < 300,
      status: res.statusCode,
      statusText: STATUS_CODES[res.statusCode] ?? '',
      url: href,
      headers: {
        get: (name) => {
          const v = answered[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
        *entries() {
          for (const [k, v] of Object.entries(answered)) if (v !== undefined) yield [k, Array.isArray(v) ? v.join(', ') : v];
        },
      },
      arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
      json: async () => JSON.parse(body.toString('utf8')) as unknown,
      text: async () => body.toString('utf8'),
    };
  };
}
