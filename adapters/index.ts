import type { Config } from '../src/config.js';
import { startConsole } from './console/index.js';
import { startDiscord } from './discord/index.js';
import { startSlack } from './slack/index.js';
import type { StartAdapter } from './types.js';

/**
 * Which platform edges run for this configuration. The terminal is the default when no platform
 * has credentials; each platform is one folder here and one line below.
 */
export function selectAdapters(config: Readonly<Config>): { name: string; start: StartAdapter }[] {
  const selected: { name: string; start: StartAdapter }[] = [];
  if (config.slack) selected.push({ name: 'slack', start: startSlack });
  if (config.discord) selected.push({ name: 'discord', start: startDiscord });
  if (selected.length === 0) selected.push({ name: 'console', start: startConsole });
  return selected;
}
