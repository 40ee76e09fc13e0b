import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { ACTION_OPTION } from './parse.js';

/**
 * `/debrief` with one optional `action`, so that `/debrief` alone starts or resumes (Discord does not
 * allow a bare command once it has subcommands). The choices are the same words as Slack's
 * `/debrief <sub>`, passed to the engine as typed.
 */
export const ACTIONS = [
  { name: 'start or continue a debrief', value: 'start' },
  { name: 'help', value: 'help' },
  { name: 'history: your past debriefs', value: 'history' },
  { name: 'insights: patterns across them', value: 'insights' },
  { name: 'checkins on: a weekly check-in', value: 'checkins on' },
  { name: 'checkins off', value: 'checkins off' },
  { name: 'export: all your data as a file', value: 'export' },
  { name: 'forget: delete all your data', value: 'forget' },
  { name: 'pause the debrief in progress', value: 'pause' },
  { name: 'cancel the debrief in progress', value: 'cancel' },
] as const;

export function debriefCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName('debrief')
    .setDescription('A short, private debrief after an interview')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((o) =>
      o
        .setName(ACTION_OPTION)
        .setDescription('What to do (leave empty to start or continue)')
        .setRequired(false)
        .addChoices(...ACTIONS.map((a) => ({ name: a.name, value: a.value }))),
    )
    .toJSON();
}
