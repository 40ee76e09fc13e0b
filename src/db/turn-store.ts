import type { Kysely, Transaction } from 'kysely';
import type { InboundTurn, StoredReceipt } from '../engine/types.js';
import {
  ConcurrentTurn,
  fitsOneStatement,
  loadMember,
  writeTurnAtomic,
  writeTurnInTransaction,
  type MemberAndConversation,
  type TurnWrites,
} from './conversations.js';
import { takeOverLost, type Undelivered } from './deliveries.js';
import { claimInboundEvent, inboundExists, latestReceipt, storedResult } from './inbound-events.js';
import type { Database } from './types.js';

/** What became of a turn's write: kept, already recorded (a redelivery), or beaten by another turn. */
export type CommitOutcome = 'written' | 'duplicate' | 'race';

export interface TurnCommit extends TurnWrites {
  /** Work that must commit with the turn (a completed debrief's record); forces a transaction. */
  alongside?: (trx: Transaction<Database>) => Promise<void>;
}

/**
 * The engine's persistence port. `load` reads the person and their open conversation; `commit`
 * writes a turn's conversation, answer and receipt all or nothing, conditional on the conversation
 * being as `load` read it. Nearly every turn is one statement outside a transaction; the few that
 * touch more (a restart, a completion) take a transaction. Which one is this file's business.
 */
export interface TurnStore {
  load(turn: InboundTurn, newMemberId: string): Promise<MemberAndConversation>;
  commit(c: TurnCommit): Promise<CommitOutcome>;
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
}

/** Rolls the transaction back; the outcome travels with it. */
class Rollback extends Error {
  constructor(readonly outcome: CommitOutcome) {
    super(outcome);
  }
}

export function turnStore(db: Kysely<Database>, opts: TurnStoreOptions = {}): TurnStore {
  return {
    load: (turn, newMemberId) => loadMember(db, turn, newMemberId, turn.context?.timeZone, opts.lostAfterMs?.(turn.platform)),
    async commit(c) {
      if (!c.alongside && fitsOneStatement(c)) return writeTurnAtomic(db, c);
      try {
        return await db.transaction().execute(async (trx) => {
          if (await inboundExists(trx, c.inbound.turn)) throw new Rollback('duplicate');
          await c.alongside?.(trx);
          // A completion touches only the open conversation: its one statement serves here too.
          if (fitsOneStatement(c)) {
            const outcome = await writeTurnAtomic(trx, c);
            if (outcome !== 'written') throw new Rollback(outcome);
          } else if (!(await writeTurnInTransaction(trx, c))) throw new Rollback('duplicate');
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
