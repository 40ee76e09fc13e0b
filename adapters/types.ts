import type { App } from '../src/app.js';
import type { Deliverer, Resend } from '../src/app.js';

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
