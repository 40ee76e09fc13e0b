import type { Kysely, Transaction } from 'kysely';
import type { DebriefRecord, FlowReads, FlowWrites } from '../engine/types.js';
import { closeStep, insertDebrief, oldestOpenSteps } from './debriefs.js';
import type { Database } from './types.js';

/**
 * What a flow keeps when it completes (a debrief, next steps closed), as data: it goes into the
 * turn's own statement (turn-write.ts), so the record and the turn are written together or not at all.
 */
export interface FlowRecords {
  /** The conversation that completed. */
  conversationId: string;
  debriefs: DebriefRecord[];
  closedSteps: { id: string; status: 'done' | 'dropped' }[];
}

/** Runs a flow's `save` against a port that only notes what it asks to keep. */
export async function flowRecordsOf(conversationId: string, save: (records: FlowWrites) => Promise<void>): Promise<FlowRecords> {
  const records: FlowRecords = { conversationId, debriefs: [], closedSteps: [] };
  await save({
    saveDebrief: async (debrief) => {
      records.debriefs.push(debrief);
    },
    closeStep: async (id, status) => {
      records.closedSteps.push({ id, status });
    },
  });
  return records;
}

/** Keeps the records in the caller's transaction: the rare completion that touches two conversations. */
export async function keepFlowRecords(trx: Transaction<Database>, memberId: string, now: Date, records: FlowRecords): Promise<void> {
  for (const debrief of records.debriefs) await insertDebrief(trx, { memberId, conversationId: records.conversationId, now }, debrief);
  for (const step of records.closedSteps) await closeStep(trx, memberId, step.id, step.status, now);
}

/** The flows' port for reading, for one member. */
export function flowReads(db: Kysely<Database>, memberId: string): FlowReads {
  return { openSteps: (limit) => oldestOpenSteps(db, memberId, limit) };
}
