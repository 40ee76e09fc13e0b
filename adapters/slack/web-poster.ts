import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { webApi } from '@slack/bolt';
import type { Dispatcher } from 'undici';
import type { Logger } from '../../src/log.js';

/**
 * The Web API calls of a turn (chat.postMessage, chat.update, conversations.open), posted by us over
 * the shared keep-alive agent, as JSON.
 *
 * Why we own this instead of calling @slack/web-api's WebClient: at 100 turns/s the client was the
 * bot's largest CPU cost per turn (0.78 ms of about 3.5). Each call went through p-queue and p-retry,
 * form-encoded its body (every object argument JSON-stringified, then querystring-escaped), built
 * `redact`ed copies of body and headers for debug lines that are never printed, merged header objects
 * and wrapped undici's answer in a Fetch-like response for buildResult. A warm micro-benchmark of one
 * chat.postMessage against a loopback server, CPU per call: 157-246 us through WebClient over
 * agentFetch, 66-95 us through this. Everything else (uploads, history, views, users.info, the outbox)
 * stays on the library.
 *
 * It keeps the library's behaviour, as @slack/web-api 8.2's WebClient.makeRequest/apiCall and p-retry 4
 * have it, so that the turn path and its error handling cannot tell the difference:
 * - retried: a failed request (dropped connection, timeout), any HTTP status other than 200 and 429
 *   (the library rethrows its WebAPIHTTPError into p-retry, which retries it), and a 429 with a
 *   Retry-After (after waiting it out, during which this poster starts no call, as the library pauses
 *   its queue; it counts as a retry). Waits between attempts follow the policy as p-retry computes them.
 * - not retried: `ok: false` (a platform error, at once), a 429 without a usable Retry-After.
 * - errors are the library's own classes (WebAPIPlatformError with `data`, WebAPIHTTPError with
 *   `statusCode`, WebAPIRequestError), and when retries run out the one p-retry would give (the
 *   most frequent failure, the latest of equals).
 * - no timer on a call that succeeds (the agent's coarse shared timers bound each request); one at a
 *   time while waiting to retry. Logs carry the method and error codes, never the token or the text.
 */

/** p-retry's options as our policies use them (webApi.retryPolicies fit). */
export interface RetryPolicy {
  retries?: number;
  factor?: number;
  minTimeout?: number;
  maxTimeout?: number;
  randomize?: boolean;
}

type Args<M extends (args: never) => unknown> = Parameters<M>[0];
type Result<M extends (args: never) => unknown> = Awaited<ReturnType<M>>;
type WebClient = webApi.WebClient;

/** The turn's hot methods, in WebClient's shape (a WebClient has them too, so either will do). */
export interface HotCalls {
  chat: Pick<WebClient['chat'], 'postMessage' | 'update'>;
  conversations: Pick<WebClient['conversations'], 'open'>;
}

export interface PosterOptions {
  token: string;
  /** SLACK_API_URL, or Slack's own. */
  apiUrl?: string;
  /** A keep-alive agent or pool whose timeouts bound each request (http-agents.ts). */
  dispatcher: Dispatcher;
  retry: RetryPolicy;
  logger: Logger;
}

const SLACK_API = 'https://slack.com/api/';

export function slackPoster(opts: PosterOptions): HotCalls {
  const base = new URL(opts.apiUrl ?? SLACK_API);
  const origin = base.origin;
  const prefix = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  // Built once: every call sends the same headers. Slack wants the charset on JSON bodies (it warns
  // `missing_charset` otherwise), and a JSON body's token only in the Authorization header.
  const headers = {
    authorization: `Bearer ${opts.token}`,
    'content-type': 'application/json; charset=utf-8',
    accept: 'application/json',
  };
  const log = opts.logger;
  // While a 429's Retry-After runs, no call of this poster starts (the library pauses its queue).
  let paused: Promise<void> | undefined;
  const pause = (ms: number) => {
    const mine: Promise<void> = sleep(ms).then(() => {
      if (paused === mine) paused = undefined;
    });
    paused = mine;
    return mine;
  };

  /** One attempt: the answer, or the failure to retry. A platform error is thrown (never retried). */
  async function attempt(method: string, body: string): Promise<{ ok: Record<string, unknown> } | { retry: Error }> {
    while (paused) await paused;
    let res: Dispatcher.ResponseData;
    let text = '';
    try {
      res = await opts.dispatcher.request({ origin, path: prefix + method, method: 'POST', headers, body });
      // A body left unread would hold the socket until the agent's body timeout.
      if (res.statusCode === 429) await res.body.dump();
      else text = await res.body.text();
    } catch (err) {
      return { retry: requestFailed(log, method, err) };
    }
    if (res.statusCode === 429) {
      const retryAfter = Number.parseInt(String(res.headers['retry-after'] ?? ''), 10);
      // As the library: not retried, and a plain Error (no code).
      if (Number.isNaN(retryAfter)) throw new Error(`Retry header did not contain a valid timeout (method: ${method})`);
      log.info({ adapter: 'slack', method, retryAfter }, 'slack web api rate limited; waiting out Retry-After');
      await pause(retryAfter * 1000);
      return { retry: requestFailed(log, method, new Error(`A rate limit was exceeded (method: ${method}, retry-after: ${retryAfter})`)) };
    }
    // Slack's Web API uses no status codes besides 200 and 429: anything else is an HTTP failure.
    if (res.statusCode !== 200) {
      const answered: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) answered[k] = Array.isArray(v) ? v.join(', ') : v;
      return { retry: new webApi.WebAPIHTTPError(res.statusCode, STATUS_CODES[res.statusCode] ?? '', answered, text) };
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      data = { ok: false, error: text };
    }
    const meta = data.response_metadata as { warnings?: unknown; messages?: unknown } | undefined;
    if (meta?.warnings || meta?.messages) log.warn({ adapter: 'slack', method, warnings: meta.warnings, messages: meta.messages }, 'slack web api warnings');
    if (!data.ok) throw new webApi.WebAPIPlatformError(data as unknown as webApi.WebAPICallResult & { error: string });
    return { ok: data };
  }

  async function call<T>(method: string, args: unknown): Promise<T> {
    const body = JSON.stringify(args);
    let failures: Error[] | undefined;
    let waits: number[] | undefined;
    for (;;) {
      const outcome = await attempt(method, body);
      if ('ok' in outcome) return outcome.ok as T;
      (failures ??= []).push(outcome.retry);
      waits ??= backoff(opts.retry);
      const wait = waits.shift();
      if (wait === undefined) throw mainError(failures);
      await sleep(wait);
    }
  }

  type PostMessage = WebClient['chat']['postMessage'];
  type Update = WebClient['chat']['update'];
  type Open = WebClient['conversations']['open'];
  return {
    chat: {
      postMessage: (args: Args<PostMessage>) => call<Result<PostMessage>>('chat.postMessage', args),
      update: (args: Args<Update>) => call<Result<Update>>('chat.update', args),
    },
    conversations: {
      open: (args?: Args<Open>) => call<Result<Open>>('conversations.open', args ?? {}),
    },
  };
}

function requestFailed(log: Logger, method: string, err: unknown): Error {
  const cause = err as { code?: unknown; name?: unknown };
  log.warn({ adapter: 'slack', method, cause: typeof cause?.code === 'string' ? cause.code : cause?.name }, 'slack web api request failed');
  return new webApi.WebAPIRequestError(err instanceof Error ? err : new Error(String(err)));
}

/** The waits between attempts, as node-retry (under p-retry) computes them: ascending, one per retry. */
export function backoff(p: RetryPolicy): number[] {
  const { retries = 10, factor = 2, minTimeout = 1000, maxTimeout = Infinity, randomize = false } = p;
  const waits: number[] = [];
  for (let i = 0; i < retries; i++)
    waits.push(Math.min(Math.round((randomize ? Math.random() + 1 : 1) * Math.max(minTimeout, 1) * factor ** i), maxTimeout));
  return waits.sort((a, b) => a - b);
}

/** The error p-retry rejects with when retries run out: the most frequent message, the latest of equals. */
function mainError(errors: readonly Error[]): Error {
  const counts = new Map<string, number>();
  let main = errors[0]!;
  let most = 0;
  for (const e of errors) {
    const n = (counts.get(e.message) ?? 0) + 1;
    counts.set(e.message, n);
    if (n >= most) [main, most] = [e, n];
  }
  return main;
}
