import type { Config } from '../src/config.js';
import type { StartAdapter } from './types.js';

/**
 * Which platform edges run for this configuration. The terminal is the default when no platform
 * has credentials; each platform is one folder here and one line below. Adapters are imported only
 * when chosen, so a configuration error is reported before Bolt or discord.js is even loaded.
 */
export function selectAdapters(config: Readonly<Config>): { name: string; start: StartAdapter }[] {
  const selected: { name: string; start: StartAdapter }[] = [];
  if (config.slack)
    selected.push({ name: 'slack', start: async (app, argv) => (app.replies.track('slack'), (await import('./slack/index.js')).startSlack(app, argv)) });
  if (config.discord)
    selected.push({ name: 'discord', start: async (app, argv) => (app.replies.track('discord'), (await import('./discord/index.js')).startDiscord(app, argv)) });
  if (selected.length === 0)
    selected.push({ name: 'console', start: async (app, argv) => (app.replies.track('console'), (await import('./console/index.js')).startConsole(app, argv)) });
  return selected;
}
