import type { App } from '../src/app.js';
import type { Deliverer, Resend } from '../src/app.js';
import type { PlatformConfig } from '../src/config.js';

/** A running platform edge. `done` resolves if the adapter ends on its own (the terminal at end of input). */
export interface RunningAdapter {
  name: string;
  stop(): Promise<void>;
  done?: Promise<void>;
  /** How the scheduler's outbox posts on this platform (community prompts, check-in DMs). */
  deliverer?: Deliverer;
  /** Posts a turn's replies that were lost (the process died before posting), without posting twice. */
  resend?: Resend;
}

export type StartAdapter = (app: App, argv: readonly string[]) => Promise<RunningAdapter>;

/**
 * A platform as adapters/index.ts registers it, declared in its own folder's config.ts: its name and
 * variables, and how to start it. `start` imports the adapter itself, so a configuration error is
 * reported before Bolt or discord.js is even loaded.
 */
export interface Platform<C = unknown> extends PlatformConfig<C> {
  /** Runs only when no other platform is set up (the terminal chat). */
  fallback?: boolean;
  start: StartAdapter;
}
