import type { App as BoltApp, BlockAction, RespondFn, types, webApi } from '@slack/bolt';
import { isOpenPrompt, type App, type InboundTurn, type TurnResult } from '../../src/app.js';
import { DONE_ACTION } from './action-ids.js';
import { memberHome } from '../../src/app.js';
import { openDm, postPlain, postReplies, slackErrorSummary, type ReplyCalls } from './send.js';
import { homeView } from './home-view.js';
import { actionTurn, commandTurn, isSharedChannel, messageTurn, PLATFORM, type ActionPayload, type EventEnvelope } from './parse.js';
import { profileContext } from './profile.js';
import { answeredBlocks, escapeMrkdwn } from './render.js';
import { runTurn, type TurnOutcome } from '../turn-runner.js';

type WebClient = webApi.WebClient;

export const COMMAND = '/debrief';
export const ACK_TEXT = "Let's continue privately: I've sent you a direct message.";
export const ENGINE_APOLOGY = "Sorry, I couldn't save that just now; please send it again. Nothing before it is lost.";
/** Shown only to the clicker, under a shared channel post whose button started something in their DM. */
export const DM_NOTE = "I've sent you a DM: it's just between us.";
export const DELIVERY_APOLOGY =
  "Sorry, I couldn't show my reply just now. What you sent is saved: send `/debrief` to pick up where we left off.";

/** What became of one inbound Slack event, reported after all its Web API calls (tests wait on it). */
export interface TurnReport {
  eventId: string;
  outcome: TurnOutcome;
}

export interface HandlerDeps {
  app: App;
  observe?: (report: TurnReport) => void;
  /** Keeps the work that runs after an ack, so stop() can wait for it. */
  track: (work: Promise<void>) => void;
  /** For users.info: no retries and no waiting out rate limits, so a slow Slack delays no command. */
  profileClient: WebClient;
  /** A turn's Web API calls: replies, the clicked message's update, the DM (web-poster.ts), uploads. */
  calls: ReplyCalls;
}

interface Target {
  /** Where replies and apologies go: the person's DM with the bot. */
  channel: () => Promise<string>;
  deliver: (result: TurnResult, key: string) => Promise<'delivered' | 'rejected-click'>;
}

/**
 * One turn after the ack, through the shared runner: engine, then Web API calls. The engine commits
 * before anything is posted, so a failed post loses no answer. A duplicate (Slack's retry of an event
 * we took, or the same click delivered twice) posts nothing: its replies went out with the first
 * delivery, or are posted by the redelivery loop if the process died before posting them.
 */
async function runSlackTurn(deps: HandlerDeps, turn: InboundTurn, target: Target): Promise<void> {
  const { outcome } = await runTurn(deps.app, turn, {
    deliver: target.deliver,
    apologise: async (kind) => {
      try {
        await postPlain(deps.calls, await target.channel(), kind === 'engine' ? ENGINE_APOLOGY : DELIVERY_APOLOGY);
      } catch (err) {
        deps.app.logger.error({ adapter: 'slack', event: turn.eventId, err: slackErrorSummary(err) }, 'slack apology could not be posted');
      }
    },
    errorIds: slackErrorSummary,
  });
  deps.observe?.({ eventId: turn.eventId, outcome });
}

export function registerHandlers(bolt: BoltApp, deps: HandlerDeps): void {
  // Turns post through deps.calls, not the client Bolt hands each listener (see web-poster.ts).
  const calls = deps.calls;
  // `/debrief [args]`: ack at once (the 3-second deadline), with nothing of the person's in it, then
  // carry on in the DM. In a DM the ack stays silent, since the replies arrive right there.
  bolt.command(COMMAND, async ({ command, ack }) => {
    await ack(command.channel_id.startsWith('D') ? undefined : { response_type: 'ephemeral', text: ACK_TEXT });
    let turn = commandTurn(command);
    if (deps.app.needsProfile(turn.input))
      turn = { ...turn, context: { ...turn.context, ...(await profileContext(deps.profileClient, turn.userId, deps.app.logger)) } };
    let dm: Promise<string> | undefined;
    const channel = () => (dm ??= openDm(calls, command.user_id));
    const work = runSlackTurn(deps, turn, {
      channel,
      deliver: async (result, key) => {
        await postReplies(calls, await channel(), result.replies, key);
        return 'delivered';
      },
    });
    deps.track(work);
    await work;
  });

  // Bolt acks Events API requests itself before listeners run, so Slack does not retry slow turns.
  bolt.event('message', async ({ body, context }) => {
    const turn = messageTurn(body as unknown as EventEnvelope, context.botUserId);
    if (!turn) return;
    const channel = (body.event as { channel: string }).channel;
    const work = runSlackTurn(deps, turn, {
      channel: async () => channel,
      deliver: async (result, key) => {
        await postReplies(calls, channel, result.replies, key);
        return 'delivered';
      },
    });
    deps.track(work);
    await work;
  });

  bolt.action<BlockAction>(/^debrief:/, async ({ ack, body, respond }) => {
    await ack();
    let turn = actionTurn(body as unknown as ActionPayload);
    if (!turn) return; // a ticked checkbox, or not one of ours
    // "Yes, check in weekly" at the end of a debrief: the check-ins go by the profile's time zone.
    if (deps.app.needsProfile(turn.input))
      turn = { ...turn, context: await profileContext(deps.profileClient, turn.userId, deps.app.logger) };
    const work = runSlackTurn(deps, turn, clickTarget(body, turn, calls, respond));
    deps.track(work);
    await work;
  });

  // The App Home tab: published afresh each time the person opens it, so it is never stale.
  bolt.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const envelope = body as unknown as { team_id?: string; event_id: string };
    const workspaceId = envelope.team_id ?? (event.view as { team_id?: string } | undefined)?.team_id;
    if (!workspaceId) return;
    const work = publishHome(deps, client, { platform: PLATFORM, workspaceId, userId: event.user }, envelope.event_id);
    deps.track(work);
    await work;
  });

  bolt.error(async (err) => {
    deps.app.logger.error({ adapter: 'slack', err: slackErrorSummary(err) }, 'slack listener error');
  });
}

async function publishHome(deps: HandlerDeps, client: WebClient, actor: { platform: string; workspaceId: string; userId: string }, eventId: string) {
  const started = performance.now();
  const ids = { adapter: 'slack', event: eventId, workspace: actor.workspaceId, user: actor.userId };
  try {
    const home = await memberHome(deps.app.database.db, actor);
    await client.views.publish({ user_id: actor.userId, view: homeView(home) });
    deps.app.logger.info({ ...ids, items: home.openItems.length, debriefs: home.recent.length, ms: Math.round(performance.now() - started) }, 'slack home published');
    deps.observe?.({ eventId, outcome: 'delivered' });
  } catch (err) {
    deps.app.logger.error({ ...ids, err: slackErrorSummary(err), ms: Math.round(performance.now() - started) }, 'slack home could not be published');
    deps.observe?.({ eventId, outcome: 'delivery-failed' });
  }
}

function clickTarget(body: BlockAction, turn: InboundTurn, calls: ReplyCalls, respond: RespondFn): Target {
  const where = body.container as { channel_id?: string; message_ts?: string } | undefined;
  const channelId = where?.channel_id ?? body.channel?.id;
  const messageTs = where?.message_ts ?? body.message?.ts;
  const action = body.actions[0] as { action_id: string; text?: { text?: string } } | undefined;
  // A button on a shared channel post (the weekly community prompt) is there for everyone: the click
  // carries on in the clicker's DM, and the post itself is never changed.
  const shared = isSharedChannel(channelId);
  const tell = async (text: string) => {
    // Home-tab clicks have no response_url, so Bolt gives no respond().
    if (typeof respond === 'function') await respond({ response_type: 'ephemeral', replace_original: false, text });
  };
  // Buttons otherwise live in the DM (or the App Home tab, which continues in the DM).
  let dm: Promise<string> | undefined;
  const channel = () => (dm ??= channelId?.startsWith('D') ? Promise.resolve(channelId) : openDm(calls, turn.userId));
  return {
    channel,
    deliver: async (result, key) => {
      if (result.click?.status === 'rejected') {
        // An old button, or one of someone else's: explain to the clicker alone; change nothing.
        for (const reply of result.replies) await tell(escapeMrkdwn(reply.text));
        return 'rejected-click';
      }
      const greeting = !result.click && turn.input.kind === 'choice' && isOpenPrompt(turn.input.promptRef);
      if ((result.click?.status === 'accepted' || greeting) && !shared && channelId && messageTs && body.message) {
        const labels = result.click?.status === 'accepted' ? result.click.labels : [];
        const shown = labels.length > 0 || action?.action_id === DONE_ACTION ? labels : [action?.text?.text ?? ''];
        await calls.chat.update({
          channel: channelId,
          ts: messageTs,
          text: typeof body.message.text === 'string' ? body.message.text : '',
          blocks: answeredBlocks((body.message.blocks ?? []) as types.KnownBlock[], shown.filter(Boolean)),
        });
      }
      await postReplies(calls, await channel(), result.replies, key);
      // A courtesy only: the replies are in the DM already, so a lost note is no reason to apologise.
      if (shared) await tell(DM_NOTE).catch(() => undefined);
      return 'delivered';
    },
  };
}
