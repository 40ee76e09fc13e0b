import {
  ApplicationIntegrationType,
  InteractionContextType,
  SlashCommandBuilder,
  type APIApplicationCommandOptionChoice,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { ACTION_OPTION } from './parse.js';

/**
 * `/debrief` with one optional `action`, so that `/debrief` alone starts or resumes (Discord does not
 * allow a bare command once it has subcommands). The actions are the same words as Slack's
 * `/debrief <sub>`, passed to the engine as typed.
 *
 * The option is free text with autocomplete, not a fixed list of choices: Discord accepts only a
 * listed choice when an option has choices, and `admin schedule #jobs "0 9 * * 1" Europe/London`
 * must be typed. Autocomplete still offers the actions as the member types.
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

/** Offered only to members who may use them (Manage Server), and only in a server. */
export const ADMIN_ACTIONS = [
  { name: 'admin schedule #channel "0 9 * * 1" Europe/London (weekly prompt)', value: 'admin schedule ' },
  { name: 'admin status: next and last run, deliveries', value: 'admin status' },
  { name: 'admin pause: stop the weekly prompt', value: 'admin pause' },
  { name: 'admin resume: start it again', value: 'admin resume' },
  { name: 'admin help', value: 'admin help' },
] as const;

const CHOICE_MAX = 25;
const CHOICE_TEXT_MAX = 100;

export function debriefCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  return new SlashCommandBuilder()
    .setName('debrief')
    .setDescription('A short, private debrief after an interview')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((o) =>
      o
        .setName(ACTION_OPTION)
        .setDescription('What to do, e.g. history, checkins on (leave empty to start or continue)')
        .setRequired(false)
        .setMaxLength(200)
        .setAutocomplete(true),
    )
    .toJSON();
}

/**
 * The suggestions for what the member has typed so far. What they typed comes first when it is not
 * one of the actions, so that picking the top suggestion never replaces their words.
 */
export function suggestActions(typed: string, opts: { admin: boolean }): APIApplicationCommandOptionChoice<string>[] {
  const all = [...ACTIONS, ...(opts.admin ? ADMIN_ACTIONS : [])];
  const q = typed.trim().toLowerCase();
  const matches = all.filter((a) => q === '' || a.value.startsWith(q) || a.name.toLowerCase().includes(q));
  const own =
    q !== '' && !all.some((a) => a.value.trim() === q) && typed.length <= CHOICE_TEXT_MAX
      ? [{ name: typed.trim(), value: typed.trim() }]
      : [];
  return [...own, ...matches.map((a) => ({ name: a.name.slice(0, CHOICE_TEXT_MAX), value: a.value }))].slice(0, CHOICE_MAX);
}
