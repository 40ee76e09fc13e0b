import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { postedPromptIds } from '../db/schedules.js';
import type { Database } from '../db/types.js';
import { reflectionPrompts } from '../flows/reflection-prompts.js';

/**
 * The next prompt for a schedule: none repeats until the whole pool has been used, and each cycle
 * goes through the pool in a different order (shuffled by schedule and cycle, so every replica agrees).
 */
export async function nextPromptId(trx: Transaction<Database>, scheduleId: string): Promise<string> {
  const pool = reflectionPrompts.map((p) => p.id as string);
  const used = await postedPromptIds(trx, scheduleId);
  const cycle = Math.floor(used.length / pool.length);
  const inThisCycle = new Set(used.slice(0, used.length % pool.length));
  const order = [...pool].sort((a, b) => rank(scheduleId, cycle, a).localeCompare(rank(scheduleId, cycle, b)));
  return order.find((id) => !inThisCycle.has(id)) ?? order[0]!;
}

function rank(scheduleId: string, cycle: number, id: string): string {
  return createHash('sha256').update(`${scheduleId}:${cycle}:${id}`).digest('hex');
}
