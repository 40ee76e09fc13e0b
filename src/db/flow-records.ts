import type { Kysely, Transaction } from 'kysely';
import type { FlowReads, FlowWrites } from '../engine/types.js';
import { closeStep, insertDebrief, oldestOpenSteps, type Owner } from './debriefs.js';
import type { Database } from './types.js';

/** The flows' port for writing, bound to one turn's transaction, member, conversation and time. */
export function flowWrites(trx: Transaction<Database>, owner: Owner): FlowWrites {
  return {
    saveDebrief: async (debrief) => {
      await insertDebrief(trx, owner, debrief);
    },
    closeStep: (id, status) => closeStep(trx, owner.memberId, id, status, owner.now),
  };
}

/** The flows' port for reading, for one member. */
export function flowReads(db: Kysely<Database>, memberId: string): FlowReads {
  return { openSteps: (limit) => oldestOpenSteps(db, memberId, limit) };
}
