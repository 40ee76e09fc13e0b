import type { AnyFlow, FlowRegistry } from '../engine/flow.js';
import { checkinFlow } from './checkin.js';
import { debriefFlow } from './debrief.js';
import { reflectionFlow } from './reflection.js';

/** Every dialogue the engine can run, by id. */
export function createFlowRegistry(): FlowRegistry {
  const flows: AnyFlow[] = [debriefFlow, reflectionFlow, checkinFlow];
  return new Map(flows.map((f) => [f.id, f]));
}
