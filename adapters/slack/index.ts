import type { Server } from 'node:http';
import { App as BoltApp, webApi } from '@slack/bolt';
import type { App } from '../../src/app.js';
import { settingsOf } from '../../src/config.js';
import { StartupError } from '../../src/startup-error.js';
import type { Deliverer } from '../../src/app.js';
import type { RunningAdapter } from '../types.js';
import { boltLogger } from './bolt-logger.js';
import { slack } from './config.js';
import { resendReplies, slackErrorSummary } from './send.js';
import { registerHandlers, type TurnReport } from './handlers.js';
import { slackDeliverer } from './outbox-deliverer.js';
import { edgeMetrics } from '../edge-metrics.js';
import { agentFetch, keepAliveAgent } from '../http-agents.js';
import { slackPoster, type RetryPolicy } from './web-poster.js';
import { EdgeReceiver, GuardedSocketModeReceiver } from './receiver.js';

export interface SlackStartOptions {
  /** Web API retry policy. The default waits up to five minutes, so a short Slack outage loses no reply;
   *  tests pass a fast one. A 429 is retried after its Retry-After either way (it counts as a retry). */
  retryConfig?: RetryPolicy;
  /** Told when each event's work is done, Web API calls included (tests wait on it). */
  observe?: (report: TurnReport) => void;
  /** Overrides PORT for the HTTP receiver; 0 picks a free port. */
  port?: number;
}

export interface RunningSlack extends RunningAdapter {
  mode: 'http' | 'socket';
  /** Posts the scheduler's outbox messages (community prompts, check-in DMs). */
  deliverer: Deliverer;
  /** The bound HTTP port (HTTP mode). */
  port: number | undefined;
}

/** How long stop() waits for turns that were acked but are still posting their replies. */
const DRAIN_MS = 10_000;

/**
 * The Slack edge: HTTP mode (Events API, slash command and interactivity on one URL, signed with
 * SLACK_SIGNING_SECRET) when the signing secret is set, otherwise Socket Mode with SLACK_APP_TOKEN.
 * No state lives in the process between requests, so HTTP replicas can sit behind any load balancer.
 */
export async function startSlack(app: App, _argv: readonly string[], opts: SlackStartOptions = {}): Promise<RunningSlack> {
  const config = settingsOf(app.config, slack);
  if (!config) throw new StartupError('Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET or SLACK_APP_TOKEN');
  const logger = boltLogger(app.logger);
  // Every Web API client (and Bolt's respond()) shares one keep-alive socket pool (http-agents.ts);
  // the timeout is the agent's, so `timeout: 0` spares each call an AbortSignal timer of its own.
  const agent = keepAliveAgent({ timeoutMs: 15_000 });
  const retryConfig = opts.retryConfig ?? webApi.retryPolicies.fiveRetriesInFiveMinutes;
  const clientOptions: webApi.WebClientOptions = {
    ...(config.apiUrl ? { slackApiUrl: config.apiUrl } : {}),
    retryConfig,
    fetch: agentFetch(agent, 15_000),
    timeout: 0,
    logger,
  };
  const identity = await checkToken(config.botToken, {
    ...clientOptions,
    retryConfig: opts.retryConfig ?? { retries: 2, minTimeout: 500, maxTimeout: 2_000 },
  }, config.apiUrl);

  const mode = config.signingSecret ? 'http' : 'socket';
  const metrics = edgeMetrics(app.metrics.registry);
  const bolt = new BoltApp({
    token: config.botToken,
    // Known from our own auth.test, so Bolt does not call it again, and a failure there is ours to report.
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger,
    clientOptions,
    // Bolt's default conversation store looks every event's conversation up in memory and, finding
    // nothing (we keep no state there), builds an Error with its stack each time; nothing reads it.
    convoStore: false,
    // Our receivers judge every request against Slack's documented shapes before Bolt sees it (receiver.ts).
    receiver: config.signingSecret
      ? new EdgeReceiver({ signingSecret: config.signingSecret, logger: app.logger, metrics })
      : // Bolt does not pass clientOptions (slackApiUrl) on to Socket Mode's own client; the receiver must.
        new GuardedSocketModeReceiver({
          appToken: config.appToken ?? '',
          logger,
          installerOptions: { clientOptions },
          edgeLogger: app.logger,
          metrics,
        }),
  });

  // Calls that must not wait: the outbox decides itself when to retry (a 429 comes back at once with
  // its Retry-After), and a profile lookup must not hold a command up for minutes during an outage.
  const direct = new webApi.WebClient(config.botToken, {
    ...clientOptions,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: agentFetch(agent, 10_000),
  });

  // A turn's replies, clicked-message updates and DM lookups: our own poster, with the client's retry
  // policy, over the same agent (web-poster.ts says why). Files still go up through Bolt's client,
  // which for our one bot token is the client Bolt gives every listener.
  const poster = slackPoster({ token: config.botToken, ...(config.apiUrl ? { apiUrl: config.apiUrl } : {}), dispatcher: agent, retry: retryConfig, logger: app.logger });
  const inFlight = new Set<Promise<void>>();
  registerHandlers(bolt, {
    app,
    profileClient: direct,
    calls: { ...poster, filesUploadV2: (args) => bolt.client.filesUploadV2(args) },
    ...(opts.observe ? { observe: opts.observe } : {}),
    track: (work) => {
      inFlight.add(work);
      void work.finally(() => inFlight.delete(work));
    },
  });

  let port: number | undefined;
  if (mode === 'http') {
    const server = (await bolt.start(opts.port ?? config.port)) as Server;
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : undefined;
  } else {
    await bolt.start();
  }
  app.logger.info({ adapter: 'slack', mode, port, team: identity.teamId, bot: identity.botUserId }, 'slack adapter started');

  return {
    name: 'slack',
    mode,
    port,
    deliverer: slackDeliverer(direct, app.logger),
    // No retries here: the redelivery loop tries again at its next round.
    resend: (lost, key) => resendReplies(direct, lost.userId, lost.receipt.replies, key),
    stop: async () => {
      await bolt.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
      ]);
      clearTimeout(timer);
      await agent.close();
    },
  };
}

/** auth.test at start-up: a wrong token or an unreachable Slack is one clear line, not a failing first event. */
async function checkToken(
  token: string,
  clientOptions: webApi.WebClientOptions,
  apiUrl: string | undefined,
): Promise<{ botUserId: string; botId: string; teamId: string | undefined }> {
  try {
    const res = await new webApi.WebClient(token, clientOptions).auth.test();
    if (!res.user_id || !res.bot_id) throw new StartupError('SLACK_BOT_TOKEN is not a bot token: use the Bot User OAuth Token (xoxb-...)');
    return { botUserId: res.user_id, botId: res.bot_id, teamId: res.team_id };
  } catch (err) {
    if (err instanceof StartupError) throw err;
    const e = slackErrorSummary(err);
    if (e.error)
      throw new StartupError(
        `SLACK_BOT_TOKEN was rejected by Slack (${e.error}): copy the Bot User OAuth Token from your app's OAuth & Permissions page`,
      );
    throw new StartupError(
      `could not reach the Slack Web API${apiUrl ? ` at ${apiUrl} (SLACK_API_URL)` : ''} to check SLACK_BOT_TOKEN (${e.code ?? e.type})`,
    );
  }
}
