import type { App } from '../../src/app.js';
import type { RunningAdapter } from '../types.js';

// Placeholder until the Discord adapter lands (issue 5).
export async function startDiscord(_app: App, _argv: readonly string[]): Promise<RunningAdapter> {
  throw new Error('The Discord adapter is not built yet.');
}
