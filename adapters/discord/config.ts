import { z } from 'zod';
import { httpUrl, optionalString, unsetIfEmpty } from '../../src/config.js';
import type { Platform } from '../types.js';

export interface DiscordConfig {
  token: string;
  applicationId: string;
  guildId: string | undefined;
  apiUrl: string | undefined;
}

const snowflake = z.string().trim().regex(/^\d{15,21}$/, { error: 'must be a Discord id (15-21 digits)' });

/** Discord runs when DISCORD_TOKEN and DISCORD_APPLICATION_ID are set; one without the other is a mistake. */
const schema = z
  .object({
    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: unsetIfEmpty(snowflake),
    DISCORD_GUILD_ID: unsetIfEmpty(snowflake),
    DISCORD_API_URL: unsetIfEmpty(httpUrl),
  })
  .transform((e, ctx): DiscordConfig | undefined => {
    const missing = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message: `is missing: ${message}` });
    if (e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID)
      return { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, guildId: e.DISCORD_GUILD_ID, apiUrl: e.DISCORD_API_URL };
    if (e.DISCORD_TOKEN) missing('DISCORD_APPLICATION_ID', 'Discord needs the application id with DISCORD_TOKEN');
    if (e.DISCORD_APPLICATION_ID) missing('DISCORD_TOKEN', 'Discord needs the bot token with DISCORD_APPLICATION_ID');
    return undefined;
  });

export const discord: Platform<DiscordConfig> = {
  name: 'discord',
  schema,
  community: true,
  start: async (app, argv) => (await import('./index.js')).startDiscord(app, argv),
};
