import { Writable } from 'node:stream';
import pino from 'pino';
import { startDiscord, type DiscordOptions } from '../../adapters/discord/index.js';
import type { RunningAdapter } from '../../adapters/types.js';
import { createApp, type App } from '../../src/app.js';
import { platforms } from '../../adapters/index.js';
import { loadConfig } from '../../src/config.js';
import type { Engine } from '../../src/engine/engine.js';
import { FakeDiscord, waitFor, type FakeDiscordOptions, type FakeUser } from './fake-discord.js';
import { freshDatabase } from './fresh-db.js';

export const APPLICATION_ID = '1100000000000000001';
export const GUILD_ID = '1200000000000000002';

export interface Harness {
  fake: FakeDiscord;
  app: App;
  adapter: RunningAdapter;
  token: string;
  /** Every log line the app and adapter wrote, as parsed JSON. */
  logs: Record<string, unknown>[];
  logText(): string;
  stop(): Promise<void>;
}

/**
 * The real app on a database of the test's own, the real discord.js client, and a loopback Discord.
 * `wrapEngine` lets a test slow the engine down or make it fail, as a database outage would.
 */
export async function startHarness(
  opts: { adapter?: DiscordOptions; fake?: Partial<FakeDiscordOptions>; wrapEngine?: (engine: Engine) => Engine } = {},
): Promise<Harness> {
  const token = `MTEw.fake.${Math.random().toString(36).slice(2)}`;
  const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID, ...opts.fake });
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const config = loadConfig({
    DISCORD_TOKEN: token,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DISCORD_API_URL: fake.apiUrl,
    DATA_DIR: '/nonexistent',
  }, platforms);
  const database = await freshDatabase();
  const app = await createApp(config, logger, { database });
  const forAdapter: App = opts.wrapEngine ? { ...app, engine: opts.wrapEngine(app.engine) } : app;
  let adapter: RunningAdapter;
  try {
    adapter = await startDiscord(forAdapter, [], opts.adapter);
  } catch (err) {
    await app.close();
    await fake.close();
    throw err;
  }
  return {
    fake,
    app,
    adapter,
    token,
    logs,
    logText: () => logs.map((l) => JSON.stringify(l)).join('\n'),
    async stop() {
      await adapter.stop();
      await app.close();
      await fake.close();
    },
  };
}

/** Bot messages in the DM after `since` (a count), once one of them matches. */
export async function nextBotMessage(fake: FakeDiscord, user: FakeUser, since: number, match: RegExp, timeoutMs = 10_000) {
  return waitFor(`a bot DM matching ${match}`, () =>
    fake.botMessages(user.id).slice(since).find((m) => match.test(m.content) || m.embeds.some((e: { title?: string }) => match.test(e.title ?? ''))),
  timeoutMs);
}

/** The custom_id of the button with this label on a message. */
export function buttonId(message: { components: { components: { label?: string; custom_id?: string; type: number }[] }[] }, label: string): string {
  for (const row of message.components)
    for (const c of row.components) if (c.type === 2 && c.label === label && c.custom_id) return c.custom_id;
  throw new Error(`no button "${label}" on the message`);
}

export function selectId(message: { components: { components: { custom_id?: string; type: number }[] }[] }): string {
  for (const row of message.components) for (const c of row.components) if (c.type === 3 && c.custom_id) return c.custom_id;
  throw new Error('no select menu on the message');
}
