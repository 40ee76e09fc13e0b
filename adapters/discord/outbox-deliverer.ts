import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Logger } from '../../src/log.js';
import type { Deliverer, DeliveryResult, OutboundMessage } from '../../src/app.js';
import { PLATFORM, SHARED_OWNER } from './parse.js';
import { renderReply, type RenderedMessage } from './render.js';
import { nonceFor } from './send.js';

/**
 * Posts the scheduler's outbox messages on Discord: the weekly prompt into a server channel, a
 * check-in into a member's DM. Its REST client is its own, built to hand every decision about
 * waiting back to the outbox: a rate limit rejects at once (`rejectOnRateLimit`) instead of queueing
 * inside the client, and a 5xx or a dropped connection is not retried here (`retries: 0`).
 *
 * Each Discord message carries a nonce derived from the outbox dedupe key and its part number, with
 * `enforce_nonce`: when a send is repeated (the answer was lost, or the process died between sending
 * and recording, so the outbox marks it uncertain) Discord returns the message it already has
 * instead of posting a second one. Discord keeps nonces for a few minutes only, so each part's message
 * id is also recorded on the outbox row the moment Discord answers, and a recorded part is never sent
 * again, however long the outage. What the nonce alone covers is the gap between Discord taking a part
 * and us hearing its answer (a lost answer, a crash in that instant), and only for a few minutes.
 */

/** Discord errors that will not go away by trying again: recorded as failed with their code. */
const PERMANENT: Readonly<Record<number, string>> = {
  10003: 'Unknown Channel',
  10013: 'Unknown User',
  50001: 'Missing Access',
  50007: 'Cannot send messages to this user',
  50013: 'Missing Permissions',
};

export interface DiscordDeliverer extends Deliverer {
  /** Stops the REST client's housekeeping timers. */
  close(): void;
}

export function discordDeliverer(opts: { token: string; apiUrl?: string; logger: Logger; timeoutMs?: number }): DiscordDeliverer {
  const rest = new REST({
    version: '10',
    ...(opts.apiUrl ? { api: opts.apiUrl } : {}),
    rejectOnRateLimit: () => true,
    retries: 0,
    timeout: opts.timeoutMs ?? 15_000,
  }).setToken(opts.token);

  async function post(channelId: string, m: RenderedMessage, nonce: string): Promise<{ id: string }> {
    const body: RESTPostAPIChannelMessageJSONBody = {
      ...(m.content !== '' ? { content: m.content } : {}),
      embeds: m.embeds,
      components: m.components,
      // Prompts quote nobody, but never let a message ping anyone.
      allowed_mentions: { parse: [] },
      nonce,
      enforce_nonce: true,
      ...(m.files.length > 0 ? { attachments: m.files.map((f, i) => ({ id: i, filename: f.name })) } : {}),
    };
    const files = m.files.map((f, i) => ({ name: f.name, data: f.attachment, key: `files[${i}]` }));
    return (await rest.post(Routes.channelMessages(channelId), { body, ...(files.length > 0 ? { files } : {}) })) as { id: string };
  }

  return {
    platform: PLATFORM,
    close() {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
    async deliver(message: OutboundMessage): Promise<DeliveryResult> {
      const started = performance.now();
      const ids = { outbox: message.id, target: message.target.kind, attempt: message.attempt, uncertain: message.uncertain };
      // A channel message is seen by many: its buttons are for anyone (each click starts that
      // member's own DM). A DM's buttons are for the member it was sent to.
      const owner = message.target.kind === 'channel' ? SHARED_OWNER : message.target.id;
      const parts = message.replies.flatMap((r) => renderReply(r, owner));
      let first: string | undefined;
      let part = 0;
      try {
        const channelId =
          message.target.kind === 'channel'
            ? message.target.id
            : ((await rest.post(Routes.userChannels(), { body: { recipient_id: message.target.id } })) as { id: string }).id;
        for (; part < parts.length; part++) {
          // A part Discord already answered for is not sent again, whatever the nonce window.
          const recorded = message.sentParts[String(part)];
          if (recorded) {
            first ??= recorded;
            continue;
          }
          const sent = await post(channelId, parts[part]!, nonceFor(message.dedupeKey, part));
          first ??= sent.id;
          await message.onPartSent?.(part, sent.id).catch(() =>
            opts.logger.warn({ ...ids, part }, 'discord outbox: could not record a posted part; a resend relies on its nonce'),
          );
        }
      } catch (err) {
        const result = classify(err);
        opts.logger.warn({ ...ids, part, result: result.status, reason: result.reason, ms: ms(started) }, 'discord outbox: not delivered');
        return result;
      }
      opts.logger.info({ ...ids, parts: parts.length, ms: ms(started) }, 'discord outbox: delivered');
      return { status: 'sent', ...(first ? { externalId: first } : {}) };
    },
  };
}

const ms = (started: number) => Math.round(performance.now() - started);

/** A failed REST call as an outbox outcome: wait as told, try again later, or give up with the code. */
export function classify(err: unknown): Exclude<DeliveryResult, { status: 'sent' }> {
  if (err instanceof RateLimitError)
    return { status: 'retry', reason: err.global ? 'rate_limited_global' : 'rate_limited', afterMs: Math.max(1, Math.ceil(err.retryAfter)) };
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    if (code !== undefined && PERMANENT[code]) return { status: 'failed', reason: `${code} ${PERMANENT[code]}` };
    // 401: the token was revoked or rotated; the messages are fine and will go once it is fixed.
    if (err.status === 401 || err.status === 408 || err.status >= 500) return { status: 'retry', reason: `http_${err.status}` };
    // Any other 4xx (a message Discord will not take, a channel that is not text) fails the same way next time.
    // Its code only: Discord's message can describe the body it refused.
    return { status: 'failed', reason: code !== undefined ? String(code) : `http_${err.status}` };
  }
  if (err instanceof HTTPError) return { status: 'retry', reason: `http_${err.status}` };
  // A dropped connection or a timeout: Discord may have posted it; the nonce makes the resend safe.
  const e = err as { name?: string; cause?: { code?: unknown } };
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  return { status: 'retry', reason: code ?? (e?.name === 'AbortError' ? 'timeout' : 'network') };
}
