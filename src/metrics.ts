import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How often the event loop's delay is sampled, in ms. */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** One registry per app instance, so tests can build several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  // The event-loop delay monitor samples on a libuv timer; at prom-client's default of every 10 ms
  // those wake-ups were nearly all an idle bot's CPU (4 ms a second). Every 100 ms still sees any
  // stall long enough to matter to a person (Slack's ack deadline is 3 s).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return {
    registry,
    turns: new Counter({
      name: 'debrief_turns_total',
      help: 'Inbound turns handled, by platform and outcome',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
    turnSeconds: new Histogram({
      name: 'debrief_turn_duration_seconds',
      help: 'Time to handle one inbound turn, database transaction included',
      labelNames: ['platform'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'debrief_turn_deliveries_total',
      help: "What became of turns' replies after the engine: delivered, duplicate, engine-failed, delivery-failed, rejected-click",
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
