import type { Config } from '../config.js';
import type { CommandHandler } from '../engine/engine.js';
import { commandOf } from '../engine/ids.js';
import type { TurnInput } from '../engine/types.js';
import { historyCommand } from '../insights/history.js';
import { insightsCommand } from '../insights/insights.js';
import { exportCommand } from '../member-data/export.js';
import { createForgetCommand } from '../member-data/forget.js';
import { createAdminCommand } from './admin.js';
import { createCheckinsCommand } from './checkins.js';

export interface Command {
  run: CommandHandler;
  /** Reads what the platform vouches for about the person (admin rights, profile time zone), so an
   *  adapter that must ask the platform for it does so before the turn, and only for these. */
  needsProfile?: boolean;
}

/** The `/debrief <name>` commands that live outside the dialogue, by name. */
export function createCommands(config: Pick<Config, 'scheduler' | 'dataDir'>): Record<string, Command> {
  return {
    history: { run: historyCommand },
    insights: { run: insightsCommand },
    export: { run: exportCommand },
    forget: { run: createForgetCommand({ dataDir: config.dataDir }) },
    admin: { run: createAdminCommand(config.scheduler), needsProfile: true },
    checkins: { run: createCheckinsCommand(config.scheduler), needsProfile: true },
  };
}

export function commandHandlers(commands: Readonly<Record<string, Command>>): Record<string, CommandHandler> {
  return Object.fromEntries(Object.entries(commands).map(([name, c]) => [name, c.run]));
}

/** Whether this turn runs a command that reads the person's platform profile. */
export function turnNeedsProfile(commands: Readonly<Record<string, Command>>, input: TurnInput): boolean {
  const name = commandOf(input)?.name;
  return name !== undefined && Object.hasOwn(commands, name) && commands[name]!.needsProfile === true;
}
