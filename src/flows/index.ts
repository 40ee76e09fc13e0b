import type { AnyFlow, FlowRegistry } from '../engine/flow.js';
import { debriefFlow } from './debrief.js';

/** Every dialogue the engine can run, by id. */
export function createFlowRegistry(): FlowRegistry {
  const flows: AnyFlow[] = [debriefFlow];
  return new Map(flows.map((f) => [f.id, f]));
}
