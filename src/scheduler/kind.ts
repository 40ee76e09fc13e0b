import type { Transaction } from 'kysely';
import type { Audience, DueLedger, DueSubject } from '../db/due-runs.js';
import type { Database } from '../db/types.js';
import type { Reply } from '../engine/types.js';

/**
 * A kind of message the bot sends on a schedule (the weekly prompt, the weekly check-in, the monthly
 * digest) as data: whom it goes to, when, and what it says. `runDue` (due-runs.ts) does the rest for
 * every kind alike: slots in each subject's zone, catch-up within the grace window, older slots
 * recorded as skipped, and one claim per (subject, slot) in the transaction that queues the message.
 * A new kind is a file in kinds/ and a line in kinds/index.ts; its words live in src/flows/.
 */
export interface ScheduledKind<D = never> {
  /** Names the kind's outbox messages (`<name>:<subject>:<slot>`) and its runs: never renamed once used. */
  name: string;
  audience: Audience;
  /** When it is due for a subject, as a cron expression in the subject's time zone. */
  cron: (subject: DueSubject) => string;
  /** What to post for a slot, or `withheld` to post nothing and record why. Called only for a slot
   *  in time, inside the claiming transaction. */
  compose: (ctx: ComposeContext) => Composed<D> | Promise<Composed<D>>;
  /** Where its runs are kept; omitted, the shared `due_runs` and `due_cursors` tables. */
  ledger?: DueLedger<D>;
  /** Subjects locked per transaction. */
  batch?: number;
}

export interface ComposeContext {
  trx: Transaction<Database>;
  subject: DueSubject;
  slot: Date;
  /** The slot before this one (where a monthly digest's month starts); computed on demand. */
  previousSlot: () => Date;
  now: Date;
}

export type Composed<D> = { replies: Reply[]; detail?: D } | { withheld: true; detail?: D };

/** Erases the detail type so kinds of different shapes can sit in one list. */
export type AnyScheduledKind = ScheduledKind<unknown>;
