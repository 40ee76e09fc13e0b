import type { Kysely, Transaction } from 'kysely';
import type { InboundTurn, StoredReceipt } from '../engine/types.js';
import { batcher, ItemFailed, type Batcher } from './batcher.js';
import { isConnectionError } from './connection-errors.js';
import { ConcurrentTurn, loadMember, writeTurnInTransaction, type MemberAndConversation } from './conversations.js';
import { takeOverLost, type Undelivered } from './deliveries.js';
import { claimInboundEvent, inboundExists, latestReceipt, storedResult } from './inbound-events.js';
import { keepFlowRecords } from './flow-records.js';
import { readMembers, type MemberRead, type MemberRow } from './member-read.js';
import { fitsOneStatement, writeTurns, type TurnWrites } from './turn-write.js';
import type { Database } from './types.js';

/** What became of a turn's write: kept, already recorded (a redelivery), or beaten by another turn. */
export type CommitOutcome = 'written' | 'duplicate' | 'race';

/**
 * The engine's persistence port. `load` reads the person and their open conversation; `commit`
 * writes a turn's conversation, answer and receipt all or nothing, conditional on the conversation
 * being as `load` read it. Nearly every turn is one statement outside a transaction; the few that
 * touch more (a restart, a check-in that leads into a debrief) take a transaction. Which one is this file's business, and so
 * is group commit: the reads, and the one-statement writes, of turns that arrive while the database is
 * busy with earlier ones go together in one statement (batcher.ts).
 */
export interface TurnStore {
  load(turn: InboundTurn, newMemberId: string): Promise<MemberAndConversation>;
  commit(c: TurnWrites): Promise<CommitOutcome>;
  /** A command's work and its receipt in one transaction. The member may be gone after it (forget). */
  commitCommand(turn: InboundTurn, memberId: string, run: (trx: Transaction<Database>) => Promise<StoredReceipt>): Promise<'written' | 'duplicate'>;
  /** A receipt for an event whose replies are another event's (a resend answered from what was saved). */
  record(turn: InboundTurn, memberId: string | null, receipt: StoredReceipt): Promise<boolean>;
  receipt(turn: Pick<InboundTurn, 'platform' | 'workspaceId' | 'eventId'>): Promise<StoredReceipt | undefined>;
  exists(turn: InboundTurn): Promise<boolean>;
  /** See takeOverLost: this turn shows the person replies of theirs that were lost, instead of running. */
  takeOverLost(turn: InboundTurn, memberId: string, lost: Undelivered): Promise<'mine' | 'elsewhere' | 'duplicate'>;
  /** The member's latest receipt: what they were last told (a command's question, say). */
  latest(memberId: string): Promise<StoredReceipt | undefined>;
}

export interface TurnStoreOptions {
  /** For platforms whose adapters mark replies delivered: how old an undelivered receipt must be to
   *  count as lost (its post would have finished by then). Undefined: the platform is not tracked. */
  lostAfterMs?: (platform: string) => number | undefined;
  /** How long a replica that takes over a lost receipt has to deliver it. */
  leaseMs?: number;
  /** Group commit: statements of each kind (read, write) at the database at once, and turns per statement. */
  batch?: { maxInFlight: number; maxSize: number };
}

/**
 * Two reads and two writes at the database at once leave the pool's other connections to commands
 * and schedules; a hundred turns in one statement keep its locks and its size modest.
 */
const BATCH = { maxInFlight: 2, maxSize: 100 };

/** Rolls the transaction back; the outcome travels with it. */
class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super(outcome);
  }
}

export function turnStore(db: Kysely<Database>, opts: TurnStoreOptions = {}): TurnStore {
  const reads = batcher<MemberRead, MemberRow | undefined>({ run: (items) => readMembers(db, items), ...(opts.batch ?? BATCH) });
  const writes = writesInBatches(db, opts.batch ?? BATCH);
  return {
    load: (turn, newMemberId) =>
      loadMember(db, (r) => reads.submit(r), turn, newMemberId, turn.context?.timeZone, opts.lostAfterMs?.(turn.platform)),
    async commit(c) {
      // A completion touches only the open conversation too: it goes with the others, its records in
      // its turn's statement.
      if (fitsOneStatement(c)) return writes.submit(c);
      try {
        return await db.transaction().execute(async (trx) => {
          if (await inboundExists(trx, c.inbound.turn)) throw new Rollback('duplicate');
          if (c.records) await keepFlowRecords(trx, c.memberId, c.now, c.records);
          if (!(await writeTurnInTransaction(trx, c))) throw new Rollback('duplicate');
          return 'written' as const;
        });
      } catch (err) {
        if (err instanceof Rollback) return err.outcome;
        if (err instanceof ConcurrentTurn) return 'race';
        throw err;
      }
    },
    async commitCommand(turn, memberId, run) {
      try {
        return await db.transaction().execute(async (trx) => {
          const receipt = await run(trx);
          const stillThere = await trx.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst();
          if (!(await claimInboundEvent(trx, turn, stillThere ? memberId : null, receipt))) throw new Rollback('duplicate');
          return 'written' as const;
        });
      } catch (err) {
        if (err instanceof Rollback) return 'duplicate';
        throw err;
      }
    },
    record: (turn, memberId, receipt) => claimInboundEvent(db, turn, memberId, receipt),
    receipt: (turn) => storedResult(db, turn),
    exists: (turn) => inboundExists(db, turn),
    takeOverLost: (turn, memberId, lost) => takeOverLost(db, turn, memberId, lost, opts.leaseMs ?? 120_000),
    latest: (memberId) => latestReceipt(db, memberId),
  };
}

/**
 * One person's turns never share a statement (the later waits for the next), so each turn's outcome is
 * its own. When a statement fails for what one turn asked (its member deleted meanwhile, a deadlock),
 * nothing of it was written and each turn runs again alone, to fail or not on its own. When it fails
 * with its connection, any of it may have committed: every turn gets the error, and the engine's retry
 * finds out from the turn's receipt.
 */
function writesInBatches(db: Kysely<Database>, size: { maxInFlight: number; maxSize: number }): Batcher<TurnWrites, CommitOutcome> {
  return batcher<TurnWrites, CommitOutcome>({
    ...size,
    key: (w) => w.memberId,
    async run(items) {
      try {
        return await writeTurns(db, items);
      } catch (err) {
        if (items.length === 1 || isConnectionError(err)) throw err;
        return Promise.all(items.map((w) => writeTurns(db, [w]).then(([outcome]) => outcome!, (e: unknown) => new ItemFailed(e))));
      }
    },
  });
}
