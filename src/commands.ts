import type { CommandHandler } from './engine/engine.js';
import { historyCommand } from './insights/history.js';

/** The `/debrief <name>` commands that live outside the dialogue, by name. */
export function createCommands(): Record<string, CommandHandler> {
  return {
    history: historyCommand,
  };
}
