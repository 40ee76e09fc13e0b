import type { Kysely } from 'kysely';
import { markDelivered, undeliveredOf, type ReceiptKey, type Undelivered } from '../db/deliveries.js';
import type { Database } from '../db/types.js';
import type { Actor } from '../engine/types.js';
import type { Logger } from '../log.js';

/**
 * Which turns' replies reached the person. The turn's receipt (written in its own commit) holds the
 * replies; the adapter posts them, then tells the ledger, which marks the receipts in the background:
 * nothing is added before the post. One UPDATE goes out per `flushDelayMs` at most: a mark after a
 * quiet spell is written at once, and the marks that follow within the window wait to share the next
 * one, so a busy bot sends one statement for many turns instead of one each, and a quiet one marks
 * as soon as it posts. A receipt left unmarked (the process died in between) is delivered again by
 * the redelivery loop, or shown first at the person's next turn; both wait `lostAfterMs` (seconds)
 * after the commit, so a mark waiting for its batch is written long before anything could take its
 * reply for lost.
 */
export interface ReplyLedger {
  /** This platform's adapter marks its deliveries: its lost replies are looked for. */
  track(platform: string): void;
  tracked(platform: string): boolean;
  /**
   * These receipts' replies were posted (or answered with an apology). `now`: write at once, not with
   * the window's batch: for a reply that already counted as lost (redelivered, or shown again at the
   * person's next turn), whose receipt is past lostAfterMs, so an unwritten mark would get it shown a
   * second time by a message that arrives meanwhile.
   */
  delivered(keys: readonly ReceiptKey[], opts?: { now?: boolean }): void;
  /** A person's replies never marked delivered, oldest first (the terminal shows them at start). */
  pending(actor: Actor): Promise<Undelivered[]>;
  /** Marks what is queued now; resolves once written. */
  flush(): Promise<void>;
}

export interface LedgerOptions {
  /** At most one UPDATE per this many ms; the longest a mark waits. Kept far below lostAfterMs. */
  flushDelayMs?: number;
  /** This many marks waiting are written at once, without waiting out the delay. */
  maxBatch?: number;
}

/** At 100 turns a second, 50 ms makes one UPDATE of about five turns' marks. */
export const DEFAULT_FLUSH_DELAY_MS = 50;
const DEFAULT_MAX_BATCH = 200;

export function createReplyLedger(db: Kysely<Database>, logger: Logger, opts: LedgerOptions = {}): ReplyLedger {
  const delayMs = opts.flushDelayMs ?? DEFAULT_FLUSH_DELAY_MS;
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const platforms = new Set<string>();
  let queue: ReceiptKey[] = [];
  let writing: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = -Infinity;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.length > maxBatch ? queue.splice(0, maxBatch) : queue;
      if (batch === queue) queue = [];
      try {
        await markDelivered(db, batch);
      } catch (err) {
        // Unmarked replies are posted again later, deduplicated by the platform: not worth a failure here.
        logger.warn({ receipts: batch.length, err: (err as { code?: string }).code ?? (err as Error).name }, 'could not mark replies delivered');
      }
    }
  }
  const kick = () => {
    clearTimeout(timer);
    timer = undefined;
    lastWrite = performance.now();
    return (writing ??= drain().finally(() => (writing = undefined)));
  };

  return {
    track: (platform) => void platforms.add(platform),
    tracked: (platform) => platforms.has(platform),
    delivered(keys, opts) {
      for (const k of keys) queue.push(k);
      if (opts?.now || queue.length >= maxBatch) return void kick();
      // A write under way takes what arrives meanwhile in its next round.
      if (writing || timer) return;
      const wait = lastWrite + delayMs - performance.now();
      if (wait <= 0) void kick();
      else timer = setTimeout(kick, wait);
    },
    pending: (actor) => undeliveredOf(db, actor),
    async flush() {
      while (writing || queue.length > 0) await kick();
    },
  };
}
