import type { Deliverer, DeliveryResult, OutboundMessage } from '../../src/db/outbox.js';

export interface Sent {
  key: string;
  target: string;
  at: Date;
  text: string;
}

/**
 * A platform at the edge of the outbox, for scheduler tests: it records what was posted, rate-limits
 * like a platform (N per second of the test's clock, then "429, retry after"), can fail a target for
 * good, and recognises a resend of a message it already has (as Discord's nonce does) when the outbox
 * says an earlier attempt may have got through.
 */
export function fakeDeliverer(opts: {
  platform: string;
  now: () => Date;
  perSecond?: number;
  goneTargets?: Set<string>;
}): Deliverer & { sent: Sent[]; rateLimited: number } {
  const sent: Sent[] = [];
  const window = { second: -1, used: 0 };
  const self = {
    platform: opts.platform,
    sent,
    rateLimited: 0,
    async deliver(m: OutboundMessage): Promise<DeliveryResult> {
      if (m.uncertain) {
        const earlier = sent.find((s) => s.key === m.dedupeKey);
        if (earlier) return { status: 'sent', externalId: `msg-${sent.indexOf(earlier)}` };
      }
      if (opts.goneTargets?.has(m.target.id)) return { status: 'failed', reason: 'channel_not_found' };
      const second = Math.floor(opts.now().getTime() / 1000);
      if (second !== window.second) Object.assign(window, { second, used: 0 });
      if (opts.perSecond !== undefined && window.used >= opts.perSecond) {
        self.rateLimited++;
        return { status: 'retry', reason: 'rate_limited', afterMs: 1000 };
      }
      window.used++;
      sent.push({ key: m.dedupeKey, target: m.target.id, at: opts.now(), text: m.replies[0]?.text ?? '' });
      return { status: 'sent', externalId: `msg-${sent.length - 1}` };
    },
  };
  return self;
}
