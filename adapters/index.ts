import type { Config } from '../src/config.js';
import { terminal } from './console/config.js';
import { discord } from './discord/config.js';
import { slack } from './slack/config.js';
import type { Platform, StartAdapter } from './types.js';

/** Every platform Debrief can run on: a platform is its folder and its line here. */
export const platforms: readonly Platform[] = [slack, discord, terminal];

/**
 * Which platform edges run for this configuration (loaded with the same list): each one whose
 * variables are set, or else the fallback (the terminal). Every adapter hands its turns to the shared
 * turn runner, which marks each delivery, so its lost replies are looked for from the start.
 */
export function selectAdapters(config: Readonly<Config>, list: readonly Platform[] = platforms): { name: string; start: StartAdapter }[] {
  const on = list.filter((p) => !p.fallback && config.platforms[p.name] !== undefined);
  return (on.length > 0 ? on : list.filter((p) => p.fallback)).map((p) => ({
    name: p.name,
    start: (app, argv) => (app.replies.track(p.name), p.start(app, argv)),
  }));
}
