import { Client, Events, GatewayIntentBits, Options, Partials, RESTEvents, type RESTOptions } from 'discord.js';
import type { App } from '../../src/app.js';
import { settingsOf } from '../../src/config.js';
import { StartupError } from '../../src/startup-error.js';
import { edgeMetrics } from '../edge-metrics.js';
import { discord as discordPlatform } from './config.js';
import { keepAliveAgent } from '../http-agents.js';
import type { RunningAdapter } from '../types.js';
import { guardGateway } from './gateway-guard.js';
import { onInteraction } from './interactions.js';
import { onMessage } from './messages.js';
import { discordDeliverer } from './outbox-deliverer.js';
import { sendReplies } from './send.js';
import { errorIds, type HandlerContext } from './turns.js';

export interface DiscordOptions {
  /** Defer an interaction when a turn takes longer than this (default 2000 ms; Discord allows 3 s). */
  deferAfterMs?: number;
  /** How long to wait for the gateway's READY (default 30 s). */
  readyTimeoutMs?: number;
  /** How long stop() waits for turns in flight before closing the connection (default 5 s). */
  drainTimeoutMs?: number;
}

/**
 * The Discord edge: a discord.js client that takes DMs, `/debrief` and clicks, hands each to the
 * engine, and renders the replies; and a deliverer that posts the scheduler's weekly prompts and
 * check-ins. It keeps nothing in memory between events (the engine's database holds
 * the conversation), so it runs as well under discord.js sharding as in one process.
 */
export async function startDiscord(app: App, _argv: readonly string[], opts: DiscordOptions = {}): Promise<RunningAdapter> {
  const discord = settingsOf(app.config, discordPlatform);
  if (!discord) throw new StartupError('DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to run on Discord');
  const started = performance.now();
  const log = app.logger.child({ adapter: 'discord' });

  // A bounded keep-alive pool of our own for REST calls (http-agents.ts), instead of undici's global
  // one. @discordjs/rest keeps its own timer per call (its `timeout`); the agent's is only a backstop.
  const agent = keepAliveAgent({ timeoutMs: 15_000 });
  const client = new Client({
    // DirectMessages for DMs (their content needs no privileged intent); Guilds so that interactions
    // from servers resolve their channel. Slash commands and buttons need no intent at all.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    // Without Partials.Channel, discord.js silently drops MESSAGE_CREATE for DM channels it has not cached.
    partials: [Partials.Channel],
    allowedMentions: { parse: [] },
    // @discordjs/rest types its agent with its own undici 6; an undici 7 Agent takes the older
    // handlers it dispatches with (DispatcherBase unwraps them), so only the types differ.
    rest: { ...(discord.apiUrl ? { api: discord.apiUrl } : {}), agent: agent as unknown as NonNullable<RESTOptions['agent']> },
    // No message cache: we never read old messages, and a cached message makes discord.js swallow a
    // re-dispatched MESSAGE_CREATE in this process only. The engine's record of event ids is the one
    // guard against doing a turn twice, the same in every process and after a restart.
    makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
  });

  // Malformed dispatches are dropped before discord.js or a handler sees them (gateway-guard.ts).
  guardGateway(client, log, edgeMetrics(app.metrics.registry));

  const ctx: HandlerContext = { app, applicationId: discord.applicationId, log, deferAfterMs: opts.deferAfterMs ?? 2000 };
  const inFlight = new Set<Promise<void>>();
  const track = (kind: string, ids: { event: string; user: string }, work: () => Promise<void>) => {
    const p = work().catch((err: unknown) => log.error({ ...ids, err: errorIds(err) }, `${kind} failed`));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  client.on(Events.MessageCreate, (m) => track('message', { event: m.id, user: m.author.id }, () => onMessage(ctx, m)));
  client.on(Events.InteractionCreate, (i) => track('interaction', { event: i.id, user: i.user.id }, () => onInteraction(ctx, i)));
  client.on(Events.Error, (err) => log.error({ err: errorIds(err) }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => log.warn({ shard, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway resumed'));
  client.rest.on(RESTEvents.RateLimited, (info) =>
    log.warn({ route: info.route, global: info.global, retryAfterMs: info.retryAfter, scope: info.scope }, 'rate limited; waiting as told'),
  );

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new StartupError('Discord did not answer (no READY from the gateway within the time allowed)')),
      opts.readyTimeoutMs ?? 30_000,
    );
    client.once(Events.ClientReady, () => {
      clearTimeout(timer);
      resolve();
    });
  });
  try {
    await client.login(discord.token);
    await ready;
  } catch (err) {
    await client.destroy().catch(() => {});
    throw loginError(err, discord.apiUrl);
  }
  log.info(
    { user: client.user?.id, application: discord.applicationId, shards: client.ws.shards.map((s) => s.id), ms: Math.round(performance.now() - started) },
    'discord connected',
  );

  // The scheduler's posts go through a REST client of their own, which hands rate limits back to the
  // outbox; the client above keeps waiting them out for the replies people are waiting for.
  const deliverer = discordDeliverer({ token: discord.token, ...(discord.apiUrl ? { apiUrl: discord.apiUrl } : {}), logger: log });

  return {
    name: 'discord',
    deliverer,
    // A lost turn's replies, in the person's DM, with the nonces the first try used: Discord returns
    // a message it already has instead of posting it again. A file's content is not kept: its words go alone.
    resend: async (lost, key) => {
      const dm = await client.users.createDM(lost.userId);
      const replies = lost.receipt.replies.map((r) => (r.file ? { text: r.text, expectsText: r.expectsText } : r));
      await sendReplies(dm, replies, lost.userId, key);
    },
    async stop() {
      // Let turns in flight post their replies, then close the gateway connection.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((r) => (timer = setTimeout(r, opts.drainTimeoutMs ?? 5000))),
      ]);
      clearTimeout(timer);
      deliverer.close();
      await client.destroy();
      await agent.close();
      log.info('discord stopped');
    },
  };
}

/** A start-up failure as one line the person can act on, never quoting the token. */
function loginError(err: unknown, apiUrl: string | undefined): Error {
  if (err instanceof StartupError) return err;
  const e = err as { code?: unknown; status?: unknown; cause?: { code?: unknown } };
  if (e.code === 'TokenInvalid' || e.status === 401)
    return new StartupError('DISCORD_TOKEN was rejected by Discord: copy the bot token again (Developer Portal → Bot → Reset Token)');
  if (e.code === 'DisallowedIntents')
    return new StartupError('Discord refused the gateway intents: this bot needs no privileged intents; check the application settings');
  const network = typeof e.cause?.code === 'string' ? e.cause.code : typeof e.code === 'string' ? e.code : undefined;
  return new StartupError(
    `could not connect to Discord${apiUrl ? ` at DISCORD_API_URL (${apiUrl})` : ''}${network ? `: ${network}` : ''}`,
  );
}
