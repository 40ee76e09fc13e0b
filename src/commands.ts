import type { SchedulerConfig } from './config.js';
import type { CommandHandler } from './engine/engine.js';
import { exportCommand } from './insights/export.js';
import { forgetCommand } from './insights/forget.js';
import { historyCommand } from './insights/history.js';
import { insightsCommand } from './insights/insights.js';
import { createAdminCommand } from './scheduler/admin-command.js';
import { createCheckinsCommand } from './scheduler/checkins-command.js';

/** The `/debrief <name>` commands that live outside the dialogue, by name. */
export function createCommands(scheduler: SchedulerConfig): Record<string, CommandHandler> {
  return {
    history: historyCommand,
    insights: insightsCommand,
    export: exportCommand,
    forget: forgetCommand,
    admin: createAdminCommand(scheduler),
    checkins: createCheckinsCommand(scheduler),
  };
}
