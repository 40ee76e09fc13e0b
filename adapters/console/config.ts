import { z } from 'zod';
import type { Platform } from '../types.js';

export interface ConsoleConfig {
  /** Who you are in the terminal chat; `--user NAME` overrides it. */
  user: string;
}

export const USER_NAME = /^[\w.@-]{1,64}$/;
export const DEFAULT_USER = 'you';

const schema = z
  .object({
    CONSOLE_USER: z.string().trim().regex(USER_NAME, { error: 'must be 1-64 letters, digits, dots, dashes or underscores' }).default(DEFAULT_USER),
  })
  .transform((e): ConsoleConfig => ({ user: e.CONSOLE_USER }));

/** The terminal chat: it needs no credentials, so it runs when no other platform is set up. */
export const terminal: Platform<ConsoleConfig> = {
  name: 'console',
  schema,
  fallback: true,
  start: async (app, argv) => (await import('./index.js')).startConsole(app, argv),
};
