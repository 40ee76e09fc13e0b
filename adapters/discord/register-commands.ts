import dotenv from 'dotenv';
import { REST, Routes } from 'discord.js';
import { loadConfig, settingsOf } from '../../src/config.js';
import { StartupError } from '../../src/startup-error.js';
import { platforms } from '../index.js';
import { invokedDirectly, runScript } from './cli.js';
import { debriefCommand } from './commands.js';
import { discord as discordPlatform, type DiscordConfig } from './config.js';

/**
 * `npm run discord:register`: puts `/debrief` on Discord, to one server when DISCORD_GUILD_ID is set
 * (appears at once; handy while testing) or globally. PUT replaces the application's whole command
 * list in that scope, so running it twice is harmless.
 */
export async function registerCommands(discord: DiscordConfig): Promise<{ scope: 'guild' | 'global'; names: string[] }> {
  const rest = new REST({ version: '10', ...(discord.apiUrl ? { api: discord.apiUrl } : {}) }).setToken(discord.token);
  const route = discord.guildId
    ? Routes.applicationGuildCommands(discord.applicationId, discord.guildId)
    : Routes.applicationCommands(discord.applicationId);
  const saved = (await rest.put(route, { body: [debriefCommand()] })) as { name: string }[];
  return { scope: discord.guildId ? 'guild' : 'global', names: saved.map((c) => c.name) };
}

async function main(): Promise<number> {
  dotenv.config({ quiet: true });
  const discord = settingsOf(loadConfig(process.env, platforms), discordPlatform);
  if (!discord)
    throw new StartupError('DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register the Discord commands');
  const { scope, names } = await registerCommands(discord).catch((err: unknown) => {
    const e = err as { status?: number; code?: number };
    if (e.status === 401) throw new StartupError('DISCORD_TOKEN was rejected by Discord (401): check the bot token');
    if (e.code === 50001 || e.status === 403)
      throw new StartupError('Discord refused (missing access): is the bot in DISCORD_GUILD_ID with the applications.commands scope?');
    throw err;
  });
  process.stdout.write(
    `Registered ${names.map((n) => `/${n}`).join(', ')} ${scope === 'guild' ? `in server ${discord.guildId}` : 'globally'}.\n`,
  );
  return 0;
}

if (invokedDirectly(import.meta.url)) runScript('register the Discord commands', main);
