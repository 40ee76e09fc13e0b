import type { App } from '../../src/app.js';
import type { RunningAdapter } from '../types.js';

// Placeholder until the Slack adapter lands (issue 4).
export async function startSlack(_app: App, _argv: readonly string[]): Promise<RunningAdapter> {
  throw new Error('The Slack adapter is not built yet.');
}
