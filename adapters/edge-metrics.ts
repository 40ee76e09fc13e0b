import { Counter, type Registry } from 'prom-client';

/** What the platform edges count: requests refused before any handler ran, and Slack's rate-limit notices. */
export interface EdgeMetrics {
  refused: Counter<'platform' | 'why'>;
  rateLimited: Counter<'team'>;
}

/** Counters on the app's registry; reused when a second adapter starts on the same app. */
export function edgeMetrics(registry: Registry): EdgeMetrics {
  const get = (name: string) => registry.getSingleMetric(name);
  return {
    refused: (get('debrief_edge_refused_total') as Counter<'platform' | 'why'> | undefined) ??
      new Counter({
        name: 'debrief_edge_refused_total',
        help: 'Platform requests refused at the edge before any handler ran, by platform and reason',
        labelNames: ['platform', 'why'] as const,
        registers: [registry],
      }),
    rateLimited: (get('debrief_slack_app_rate_limited_total') as Counter<'team'> | undefined) ??
      new Counter({
        name: 'debrief_slack_app_rate_limited_total',
        help: "Slack's app_rate_limited notices: events for this workspace were dropped for a minute",
        labelNames: ['team'] as const,
        registers: [registry],
      }),
  };
}

