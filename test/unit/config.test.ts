import { describe, expect, it } from 'vitest';
import { platforms } from '../../adapters/index.js';
import { ConfigError, loadConfig as loadAppConfig } from '../../src/config.js';
import { defaultPoolSize } from '../../src/db/connect.js';

/** As main.ts loads it: the app's variables and every registered platform's own. */
const loadConfig = (env: NodeJS.ProcessEnv) => loadAppConfig(env, platforms);

describe('configuration', () => {
  it('needs nothing to run the terminal chat on the embedded database', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, dataDir: './data', healthPort: undefined });
    expect(c.platforms).toEqual({ slack: undefined, discord: undefined, console: { user: 'you' } });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats empty values as unset, as a copied .env.example has them', () => {
    expect(loadConfig({ DATABASE_URL: '', HEALTH_PORT: '', SLACK_BOT_TOKEN: '', DISCORD_TOKEN: '' }).platforms.slack).toBeUndefined();
  });

  it('sizes the database pool to the cores unless DB_POOL_SIZE says otherwise', () => {
    expect(loadConfig({ DB_POOL_SIZE: '' }).dbPoolSize).toBeUndefined();
    expect(loadConfig({ DB_POOL_SIZE: '7' }).dbPoolSize).toBe(7);
    expect([1, 2, 8].map((cores) => defaultPoolSize(cores))).toEqual([3, 5, 17]);
  });

  it('turns Slack on with a bot token and either a signing secret or an app token', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'abc' }).platforms.slack).toMatchObject({ port: 3000 });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).platforms.slack).toMatchObject({ appToken: 'xapp-1' });
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET is missing/);
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: 'abc' })).toThrow(/SLACK_BOT_TOKEN is missing/);
  });

  it('needs both Discord variables together, and ids that look like ids', () => {
    expect(loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012345678' }).platforms.discord).toBeDefined();
    expect(() => loadConfig({ DISCORD_TOKEN: 't' })).toThrow(/DISCORD_APPLICATION_ID is missing/);
    expect(() => loadConfig({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: 'abc' })).toThrow(
      /DISCORD_APPLICATION_ID must be a Discord id/,
    );
  });

  it('reports every bad variable on one line, by name, never echoing a value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '99999', DB_POOL_SIZE: 'lots', SLACK_APP_TOKEN: 'xoxb-secret-thing' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(/PORT must be a port number between 1 and 65535/);
    expect(message).toMatch(/DB_POOL_SIZE must be a whole number/);
    expect(message).toMatch(/SLACK_APP_TOKEN must be an app-level token/);
    expect(message).not.toContain('secret-thing');
  });

  it('takes a default community only on a platform that posts, and a terminal user name only as a name', () => {
    const community = { COMMUNITY_WORKSPACE_ID: 'T1', COMMUNITY_CHANNEL_ID: 'C1' };
    expect(loadConfig({ ...community, COMMUNITY_PLATFORM: 'discord' }).scheduler.defaultCommunity).toMatchObject({ platform: 'discord' });
    expect(() => loadConfig({ ...community, COMMUNITY_PLATFORM: 'console' })).toThrow(/COMMUNITY_PLATFORM must be slack or discord$/);
    expect(() => loadConfig({ CONSOLE_USER: 'ana maria' })).toThrow(/CONSOLE_USER must be 1-64 letters/);
  });

  it('converts the conversation timings to milliseconds', () => {
    const c = loadConfig({ SESSION_IDLE_EXPIRY_HOURS: '2', RESUME_PROMPT_AFTER_MINUTES: '1.5' });
    expect(c.sessionIdleExpiryMs).toBe(7_200_000);
    expect(c.resumePromptAfterMs).toBe(90_000);
  });
});
