import type { Kysely } from 'kysely';
import { markDelivered, undeliveredOf, type ReceiptKey, type Undelivered } from '../db/deliveries.js';
import type { Database } from '../db/types.js';
import type { Actor } from '../engine/types.js';
import type { Logger } from '../log.js';

/**
 * Which turns' replies reached the person. The turn's receipt (written in its own commit) holds the
 * replies; the adapter posts them, then tells the ledger, which marks the receipts in the background,
 * a batch per round trip: nothing is added before the post. A receipt left unmarked (the process
 * died in between) is delivered again by the redelivery loop, or shown first at the person's next turn.
 */
export interface ReplyLedger {
  /** This platform's adapter marks its deliveries: its lost replies are looked for. */
  track(platform: string): void;
  tracked(platform: string): boolean;
  delivered(keys: readonly ReceiptKey[]): void;
  /** A person's replies never marked delivered, oldest first (the terminal shows them at start). */
  pending(actor: Actor): Promise<Undelivered[]>;
  /** Marks what is queued now; resolves once written. */
  flush(): Promise<void>;
}

export function createReplyLedger(db: Kysely<Database>, logger: Logger): ReplyLedger {
  const platforms = new Set<string>();
  let queue: ReceiptKey[] = [];
  let writing: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await markDelivered(db, batch);
      } catch (err) {
        // Unmarked replies are posted again later, deduplicated by the platform: not worth a failure here.
        logger.warn({ receipts: batch.length, err: (err as { code?: string }).code ?? (err as Error).name }, 'could not mark replies delivered');
      }
    }
  }
  const kick = () => (writing ??= drain().finally(() => (writing = undefined)));

  return {
    track: (platform) => void platforms.add(platform),
    tracked: (platform) => platforms.has(platform),
    delivered(keys) {
      queue.push(...keys);
      void kick();
    },
    pending: (actor) => undeliveredOf(db, actor),
    async flush() {
      while (writing || queue.length > 0) await kick();
    },
  };
}
