import { z } from 'zod';
import { httpUrl, optionalString, port, unsetIfEmpty } from '../../src/config.js';
import type { Platform } from '../types.js';

export interface SlackConfig {
  botToken: string;
  /** HTTP mode when set; Socket Mode uses `appToken` instead. */
  signingSecret: string | undefined;
  appToken: string | undefined;
  apiUrl: string | undefined;
  port: number;
}

/** Slack runs when SLACK_BOT_TOKEN is set, over HTTP with the signing secret or Socket Mode with the app token. */
const schema = z
  .object({
    SLACK_BOT_TOKEN: unsetIfEmpty(z.string().trim().regex(/^xoxb-/, { error: 'must be a bot token starting with xoxb-' })),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: unsetIfEmpty(z.string().trim().regex(/^xapp-/, { error: 'must be an app-level token starting with xapp-' })),
    SLACK_API_URL: unsetIfEmpty(httpUrl),
    PORT: port('the Slack HTTP receiver').default(3000),
  })
  .transform((e, ctx): SlackConfig | undefined => {
    const missing = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message: `is missing: ${message}` });
    if (!e.SLACK_BOT_TOKEN) {
      if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) missing('SLACK_BOT_TOKEN', 'Slack needs the bot token (xoxb-...)');
      return undefined;
    }
    if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN)
      missing('SLACK_SIGNING_SECRET', 'set it for HTTP mode, or set SLACK_APP_TOKEN (xapp-...) for Socket Mode');
    return { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL, port: e.PORT };
  });

export const slack: Platform<SlackConfig> = {
  name: 'slack',
  schema,
  community: true,
  start: async (app, argv) => (await import('./index.js')).startSlack(app, argv),
};
