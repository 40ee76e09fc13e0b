import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.js';
import type { Deliverer, DeliveryResult } from '../../src/app.js';
import { openDm, slackErrorSummary } from './send.js';
import { PLATFORM } from './parse.js';
import { renderReply } from './render.js';

type WebClient = webApi.WebClient;

/**
 * Posts the scheduler's outbox messages (community prompts into a channel, check-ins into a member's
 * DM). The client must be built with `rejectRateLimitedCalls: true` and no retries, so that a 429 or
 * an outage comes back here at once and the outbox, not the Web API client, decides when to try again.
 *
 * Each post carries the outbox dedupe key in its message metadata, and each part's `ts` is recorded
 * on the outbox row the moment Slack answers. When an earlier attempt may have reached Slack without
 * its answer being recorded (`uncertain`: the answer was lost, or the sender died), the conversation's
 * history since that first attempt is read, page by page, for the key: however busy the channel and
 * however long the outage, a message Slack took is found and not posted again.
 */

export const METADATA_EVENT = 'debrief_outbox';
/** Messages per history page (Slack allows up to 999; it advises 200 or fewer). */
const HISTORY_PAGE = 200;
/** Our clock and Slack's may differ a little: the search starts this much before the first attempt. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** A bound on one search (200 000 messages), so a broken cursor cannot loop forever. */
const MAX_HISTORY_PAGES = 1000;

/** Slack errors that are worth another attempt later; every other `{ok:false}` is for good. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited', 'rate_limited']);

/** A post whose outcome is unknown (dropped connection, 5xx, timeout): the outbox marks it uncertain. */
export class AmbiguousPostError extends Error {
  override name = 'AmbiguousPostError';
  constructor(readonly reason: string) {
    super(`slack post outcome unknown: ${reason}`);
  }
}

export function slackDeliverer(client: WebClient, logger: Logger): Deliverer {
  return {
    platform: PLATFORM,
    async deliver(m) {
      const started = performance.now();
      const log = logger.child({ adapter: 'slack', outbox: m.id, workspace: m.workspaceId, target: m.target.kind, attempt: m.attempt });
      let channel: string;
      const posted = new Map<number, string>(Object.entries(m.sentParts).map(([part, ts]) => [Number(part), ts]));
      try {
        channel = m.target.kind === 'dm' ? await openDm(client, m.target.id) : m.target.id;
        // Parts whose ts was recorded need no search; an attempt that could not record one, or whose
        // answer was lost, left the message uncertain.
        if (m.uncertain && posted.size < m.replies.length)
          for (const [part, ts] of await alreadyPosted(client, channel, m.dedupeKey, m.firstAttemptAt)) if (!posted.has(part)) posted.set(part, ts);
      } catch (err) {
        const result = classify(err);
        log.warn({ err: slackErrorSummary(err), result: result.status, ms: ms(started) }, 'slack outbox: could not prepare delivery');
        return result;
      }
      let first = posted.get(0);
      let unrecorded = false;
      for (const [part, reply] of m.replies.entries()) {
        if (posted.has(part)) continue;
        try {
          const res = await client.chat.postMessage({
            channel,
            ...renderReply(reply),
            metadata: { event_type: METADATA_EVENT, event_payload: { key: m.dedupeKey, part } },
          });
          if (part === 0) first = res.ts;
          if (res.ts)
            await m.onPartSent?.(part, res.ts).catch(() => {
              unrecorded = true;
              log.warn({ part }, 'slack outbox: could not record a posted part; a resend will search the history');
            });
        } catch (err) {
          const result = classify(err);
          log.warn({ err: slackErrorSummary(err), part, result: result.status, ms: ms(started) }, 'slack outbox: post failed');
          // Slack may have posted before the answer was lost, or a posted part went unrecorded: let
          // the outbox retry as uncertain, so the next attempt searches first.
          if (result.status === 'retry' && (isAmbiguous(err) || unrecorded)) throw new AmbiguousPostError(result.reason);
          return result;
        }
      }
      log.info({ found: posted.size, ms: ms(started) }, 'slack outbox: delivered');
      return { status: 'sent', ...(first ? { externalId: first } : {}) };
    },
  };
}

const ms = (started: number) => Math.round(performance.now() - started);

/**
 * Parts of this outbox message already in the conversation, by part number -> ts: every message since
 * the first attempt (less a margin for clock skew, and never later than now), newest first, page by
 * page until Slack has no more.
 */
async function alreadyPosted(client: WebClient, channel: string, key: string, firstAttemptAt: Date): Promise<Map<number, string>> {
  const oldest = (Math.min(firstAttemptAt.getTime(), Date.now()) - CLOCK_SKEW_MS) / 1000;
  const found = new Map<number, string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const res = await client.conversations.history({
      channel,
      oldest: oldest.toFixed(6),
      limit: HISTORY_PAGE,
      include_all_metadata: true,
      ...(cursor ? { cursor } : {}),
    });
    for (const msg of res.messages ?? []) {
      const meta = msg.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown } } | undefined;
      if (meta?.event_type !== METADATA_EVENT || meta.event_payload?.key !== key || !msg.ts) continue;
      const part = typeof meta.event_payload.part === 'number' ? meta.event_payload.part : Number(meta.event_payload.part ?? 0);
      if (!found.has(part)) found.set(part, msg.ts);
    }
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!res.has_more || !cursor) break;
  }
  return found;
}

/** Dropped connections, timeouts and 5xx: the request may or may not have been carried out. */
function isAmbiguous(err: unknown): boolean {
  const e = err as { code?: string; statusCode?: number };
  return e?.code === 'slack_webapi_request_error' || (e?.code === 'slack_webapi_http_error' && (e.statusCode ?? 0) >= 500);
}

/** A Web API failure as an outbox outcome, with Slack's error code as the reason. */
export function classify(err: unknown): DeliveryResult {
  const e = err as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e?.code) {
    case 'slack_webapi_rate_limited_error':
      return { status: 'retry', reason: 'rate_limited', afterMs: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      const code = e.data?.error ?? 'unknown_error';
      return TRANSIENT.has(code) ? { status: 'retry', reason: code } : { status: 'failed', reason: code };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      return status >= 500 || status === 408 ? { status: 'retry', reason: `http_${status}` } : { status: 'failed', reason: `http_${status}` };
    }
    case 'slack_webapi_request_error':
      return { status: 'retry', reason: 'network' };
    default:
      return { status: 'retry', reason: (err as Error)?.name ?? 'error' };
  }
}
