import type { webApi } from '@slack/bolt';
import type { Logger } from '../../src/log.js';
import type { Deliverer, DeliveryResult } from '../../src/scheduler/outbox.js';
import { openDm, slackErrorSummary } from './deliver.js';
import { PLATFORM } from './parse.js';
import { renderReply } from './render.js';

type WebClient = webApi.WebClient;

/**
 * Posts the scheduler's outbox messages (community prompts into a channel, check-ins into a member's
 * DM). The client must be built with `rejectRateLimitedCalls: true` and no retries, so that a 429 or
 * an outage comes back here at once and the outbox, not the Web API client, decides when to try again.
 *
 * Each post carries the outbox dedupe key in its message metadata. When the outbox says an earlier
 * attempt may have reached Slack (`uncertain`), the recent history of the conversation is searched for
 * that key first, so a resend after a crash does not post twice.
 */

export const METADATA_EVENT = 'debrief_outbox';
/** How far back an uncertain resend looks: the newest messages of the conversation. */
const HISTORY_LIMIT = 100;

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
      let posted: Map<number, string>;
      try {
        channel = m.target.kind === 'dm' ? await openDm(client, m.target.id) : m.target.id;
        // A message of several replies that failed part-way is also checked, so its first parts are
        // not posted twice.
        posted = m.uncertain || (m.replies.length > 1 && m.attempt > 1) ? await alreadyPosted(client, channel, m.dedupeKey) : new Map();
      } catch (err) {
        const result = classify(err);
        log.warn({ err: slackErrorSummary(err), result: result.status, ms: ms(started) }, 'slack outbox: could not prepare delivery');
        return result;
      }
      let first = posted.get(0);
      for (const [part, reply] of m.replies.entries()) {
        if (posted.has(part)) continue;
        try {
          const res = await client.chat.postMessage({
            channel,
            ...renderReply(reply),
            metadata: { event_type: METADATA_EVENT, event_payload: { key: m.dedupeKey, part } },
          });
          if (part === 0) first = res.ts;
        } catch (err) {
          const result = classify(err);
          log.warn({ err: slackErrorSummary(err), part, result: result.status, ms: ms(started) }, 'slack outbox: post failed');
          // Slack may have posted before the answer was lost: let the outbox retry as uncertain.
          if (result.status === 'retry' && isAmbiguous(err)) throw new AmbiguousPostError(result.reason);
          return result;
        }
      }
      log.info({ found: posted.size, ms: ms(started) }, 'slack outbox: delivered');
      return { status: 'sent', ...(first ? { externalId: first } : {}) };
    },
  };
}

const ms = (started: number) => Math.round(performance.now() - started);

/** Parts of this outbox message already in the conversation, by part number -> ts. */
async function alreadyPosted(client: WebClient, channel: string, key: string): Promise<Map<number, string>> {
  const res = await client.conversations.history({ channel, limit: HISTORY_LIMIT, include_all_metadata: true });
  const found = new Map<number, string>();
  for (const msg of res.messages ?? []) {
    const meta = msg.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown } } | undefined;
    if (meta?.event_type !== METADATA_EVENT || meta.event_payload?.key !== key || !msg.ts) continue;
    const part = typeof meta.event_payload.part === 'number' ? meta.event_payload.part : Number(meta.event_payload.part ?? 0);
    if (!found.has(part)) found.set(part, msg.ts);
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
