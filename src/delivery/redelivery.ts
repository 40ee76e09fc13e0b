import type { Kysely } from 'kysely';
import { claimUndelivered, type Undelivered } from '../db/deliveries.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import type { ReplyLedger } from './ledger.js';

/**
 * Posts a lost turn's replies to the person, where they talk with the bot, under `key` so that a
 * post that did reach the platform before the crash is not made twice (Slack: message metadata
 * looked up first; Discord: the message nonce). Throws when the platform could not be reached.
 */
export type Resend = (lost: Undelivered & { userId: string }, key: string) => Promise<void>;

export interface RedeliveryOptions {
  db: Kysely<Database>;
  ledger: ReplyLedger;
  resenders: ReadonlyMap<string, Resend>;
  lostAfterMs: number;
  logger: Logger;
  /** How often to look; by default a third of lostAfterMs, at most every 30 s. */
  intervalMs?: number;
}

/** How long a claim is this replica's: the resend must fit in it, or another replica takes over. */
const LEASE_MS = 120_000;
/** Older than this, a lost reply is left alone: the person has moved on. */
const MAX_AGE_MS = 24 * 3_600_000;

/**
 * At start and then periodically, replies whose turn committed but whose post never happened (the
 * process died in between) are claimed, one replica each, and posted once.
 */
export function startRedelivery(opts: RedeliveryOptions): { stop(): Promise<void>; runOnce(): Promise<number> } {
  const platforms = [...opts.resenders.keys()];
  let running: Promise<number> | undefined;
  const runOnce = () => (running ??= sweep(opts, platforms).finally(() => (running = undefined)));
  const every = opts.intervalMs ?? Math.min(30_000, Math.max(1_000, opts.lostAfterMs / 3));
  const timer = setInterval(() => void runOnce().catch(() => {}), every);
  timer.unref();
  void runOnce().catch(() => {});
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

async function sweep(opts: RedeliveryOptions, platforms: string[]): Promise<number> {
  let lost: Undelivered[];
  try {
    lost = await claimUndelivered(opts.db, { platforms, graceMs: opts.lostAfterMs, leaseMs: LEASE_MS, maxAgeMs: MAX_AGE_MS, limit: 20 });
  } catch (err) {
    opts.logger.warn({ err: (err as { code?: string }).code ?? (err as Error).name }, 'redelivery: could not look for lost replies');
    return 0;
  }
  for (const l of lost) await resendOne(opts, l);
  return lost.length;
}

async function resendOne(opts: RedeliveryOptions, l: Undelivered): Promise<void> {
  const ids = { platform: l.platform, workspace: l.workspaceId, event: l.eventId };
  const resend = opts.resenders.get(l.platform);
  // Nothing to show (no replies, a refused click answered privately, a member who is gone): done.
  const nothing = l.receipt.replies.length === 0 || l.receipt.click?.status === 'rejected' || l.userId === null;
  try {
    if (!nothing && resend && l.userId !== null) await resend({ ...l, userId: l.userId }, l.receipt.deliveryKey ?? l.eventId);
    opts.ledger.delivered([l], { now: true });
    opts.logger.info({ ...ids, replies: nothing ? 0 : l.receipt.replies.length }, 'redelivery: lost replies posted');
  } catch (err) {
    // The lease runs out and the next sweep tries again.
    opts.logger.warn({ ...ids, err: (err as { code?: string }).code ?? (err as Error).name }, 'redelivery: could not post lost replies');
  }
}
