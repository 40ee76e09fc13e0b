import type { App as BoltApp, BlockAction, RespondFn, types, webApi } from '@slack/bolt';
import type { App } from '../../src/app.js';
import type { InboundTurn, TurnResult } from '../../src/engine/types.js';
import { DONE_ACTION } from './action-ids.js';
import { openDm, postPlain, postReplies, slackErrorSummary } from './deliver.js';
import { actionTurn, commandTurn, messageTurn, type ActionPayload, type EventEnvelope } from './parse.js';
import { answeredBlocks, escapeMrkdwn } from './render.js';

type WebClient = webApi.WebClient;

export const COMMAND = '/debrief';
export const ACK_TEXT = "Let's continue privately: I've sent you a direct message.";
export const ENGINE_APOLOGY = "Sorry, I couldn't save that just now; please send it again. Nothing before it is lost.";
export const DELIVERY_APOLOGY =
  "Sorry, I couldn't show my reply just now. What you sent is saved: send `/debrief` to pick up where we left off.";

/** What became of one inbound Slack event, reported after all its Web API calls (tests wait on it). */
export interface TurnReport {
  eventId: string;
  outcome: 'delivered' | 'rejected-click' | 'duplicate' | 'engine-failed' | 'delivery-failed';
}

export interface HandlerDeps {
  app: App;
  observe?: (report: TurnReport) => void;
  /** Keeps the work that runs after an ack, so stop() can wait for it. */
  track: (work: Promise<void>) => void;
}

interface Target {
  /** Where replies and apologies go: the person's DM with the bot. */
  channel: () => Promise<string>;
  deliver: (result: TurnResult, client: WebClient) => Promise<'delivered' | 'rejected-click'>;
}

/**
 * One turn after the ack: engine, then Web API calls. The engine commits before anything is posted,
 * so a failed post loses no answer. A duplicate (Slack's retry of an event we took, or the same click
 * delivered twice) posts nothing: its replies went out with the first delivery, and posting them again
 * would show every question twice.
 */
async function runTurn(deps: HandlerDeps, client: WebClient, turn: InboundTurn, target: Target): Promise<void> {
  const started = performance.now();
  const ids = { event: turn.eventId, workspace: turn.workspaceId, user: turn.userId };
  const log = deps.app.logger.child({ adapter: 'slack', ...ids });
  const ms = () => Math.round(performance.now() - started);
  const report = (outcome: TurnReport['outcome']) => deps.observe?.({ eventId: turn.eventId, outcome });
  const apologise = async (text: string) => {
    try {
      await postPlain(client, await target.channel(), text);
    } catch (err) {
      log.error({ err: slackErrorSummary(err) }, 'slack apology could not be posted');
    }
  };

  let result: TurnResult;
  try {
    result = await deps.app.engine.handle(turn);
  } catch (err) {
    // The engine logged the cause (class and code only); we say sorry where the person is.
    log.error({ err: slackErrorSummary(err), ms: ms() }, 'slack turn failed in the engine');
    await apologise(ENGINE_APOLOGY);
    report('engine-failed');
    return;
  }
  if (result.duplicate) {
    log.info({ ms: ms() }, 'slack duplicate delivery; replies were posted the first time');
    report('duplicate');
    return;
  }
  try {
    const outcome = await target.deliver(result, client);
    log.info({ conversation: result.conversationId, replies: result.replies.length, ms: ms() }, 'slack turn delivered');
    report(outcome);
  } catch (err) {
    log.error({ err: slackErrorSummary(err), conversation: result.conversationId, ms: ms() }, 'slack delivery failed');
    // A rejected click changed nothing, and its clicker may not be the DM's owner: no apology there.
    if (result.click?.status !== 'rejected') await apologise(DELIVERY_APOLOGY);
    report('delivery-failed');
  }
}

export function registerHandlers(bolt: BoltApp, deps: HandlerDeps): void {
  // `/debrief [args]`: ack at once (the 3-second deadline), with nothing of the person's in it, then
  // carry on in the DM. In a DM the ack stays silent, since the replies arrive right there.
  bolt.command(COMMAND, async ({ command, ack, client }) => {
    await ack(command.channel_id.startsWith('D') ? undefined : { response_type: 'ephemeral', text: ACK_TEXT });
    const turn = commandTurn(command);
    let dm: Promise<string> | undefined;
    const channel = () => (dm ??= openDm(client, command.user_id));
    const work = runTurn(deps, client, turn, {
      channel,
      deliver: async (result) => {
        await postReplies(client, await channel(), result.replies);
        return 'delivered';
      },
    });
    deps.track(work);
    await work;
  });

  // Bolt acks Events API requests itself before listeners run, so Slack does not retry slow turns.
  bolt.event('message', async ({ body, client, context }) => {
    const turn = messageTurn(body as unknown as EventEnvelope, context.botUserId);
    if (!turn) return;
    const channel = (body.event as { channel: string }).channel;
    const work = runTurn(deps, client, turn, {
      channel: async () => channel,
      deliver: async (result) => {
        await postReplies(client, channel, result.replies);
        return 'delivered';
      },
    });
    deps.track(work);
    await work;
  });

  bolt.action<BlockAction>(/^debrief:/, async ({ ack, body, client, respond }) => {
    await ack();
    const turn = actionTurn(body as unknown as ActionPayload);
    if (!turn) return; // a ticked checkbox, or not one of ours
    const work = runTurn(deps, client, turn, clickTarget(body, turn, client, respond));
    deps.track(work);
    await work;
  });

  bolt.error(async (err) => {
    deps.app.logger.error({ adapter: 'slack', err: slackErrorSummary(err) }, 'slack listener error');
  });
}

function clickTarget(body: BlockAction, turn: InboundTurn, client: WebClient, respond: RespondFn): Target {
  const where = body.container as { channel_id?: string; message_ts?: string } | undefined;
  const channelId = where?.channel_id ?? body.channel?.id;
  const messageTs = where?.message_ts ?? body.message?.ts;
  const action = body.actions[0] as { action_id: string; text?: { text?: string } } | undefined;
  // Buttons live in the DM; one on a channel post (a future community prompt) continues in the DM too.
  let dm: Promise<string> | undefined;
  const channel = () => (dm ??= channelId?.startsWith('D') ? Promise.resolve(channelId) : openDm(client, turn.userId));
  return {
    channel,
    deliver: async (result) => {
      if (result.click?.status === 'rejected') {
        // An old button, or one of someone else's: explain to the clicker alone; change nothing.
        for (const reply of result.replies)
          await respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(reply.text) });
        return 'rejected-click';
      }
      const greeting = !result.click && turn.input.kind === 'choice' && turn.input.promptRef === 'none';
      if ((result.click?.status === 'accepted' || greeting) && channelId && messageTs && body.message) {
        const labels = result.click?.status === 'accepted' ? result.click.labels : [];
        const shown = labels.length > 0 || action?.action_id === DONE_ACTION ? labels : [action?.text?.text ?? ''];
        await client.chat.update({
          channel: channelId,
          ts: messageTs,
          text: typeof body.message.text === 'string' ? body.message.text : '',
          blocks: answeredBlocks((body.message.blocks ?? []) as types.KnownBlock[], shown.filter(Boolean)),
        });
      }
      await postReplies(client, await channel(), result.replies);
      return 'delivered';
    },
  };
}
