import type { InboundTurn } from '../../src/app.js';
import { CHOICE_ACTION_PREFIX, DONE_ACTION, TAGS_ACTION, decodeValue } from './action-ids.js';

/**
 * Slack payloads -> engine turns. Only the fields we read are typed, in the shapes Slack documents:
 * slash commands (https://docs.slack.dev/interactivity/implementing-slash-commands), Events API
 * envelopes (https://docs.slack.dev/apis/events-api/) and block_actions payloads
 * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
 */

export const PLATFORM = 'slack';

export interface CommandPayload {
  team_id: string;
  user_id: string;
  trigger_id: string;
  channel_id?: string;
  text?: string;
}

/** Public and private channels; DMs and group DMs (D...) are never a community's channel. */
export const isSharedChannel = (id: string | undefined): id is string => /^[CG][A-Z0-9]+$/.test(id ?? '');

/**
 * `/debrief <args>`. A slash command is never redelivered, and its trigger_id is unique per use. The
 * text is passed as Slack sends it: with `should_escape: true` a channel typed as #jobs arrives as
 * `<#C123|jobs>`, which `/debrief admin schedule` reads as the channel's id. The channel the command
 * was typed in is the default channel for `admin schedule`, unless it is a DM.
 */
export function commandTurn(cmd: CommandPayload): InboundTurn {
  return {
    platform: PLATFORM,
    workspaceId: cmd.team_id,
    userId: cmd.user_id,
    eventId: `command:${cmd.trigger_id}`,
    input: { kind: 'command', args: (cmd.text ?? '').trim() },
    ...(isSharedChannel(cmd.channel_id) ? { context: { channelId: cmd.channel_id } } : {}),
  };
}

export interface EventEnvelope {
  team_id?: string;
  event_id: string;
  event: {
    type: string;
    subtype?: string;
    channel_type?: string;
    user?: string;
    bot_id?: string;
    text?: string;
    team?: string;
  };
}

/**
 * A person's DM to the bot, or undefined for anything else: channel messages, edits and deletions and
 * every other subtype, bots (ourselves included), and empty text. The envelope's event_id is the same
 * on Slack's retries, which is what makes a retried delivery a duplicate for the engine.
 */
export function messageTurn(body: EventEnvelope, botUserId: string | undefined): InboundTurn | undefined {
  const e = body.event;
  if (e.type !== 'message' || e.channel_type !== 'im') return undefined;
  if (e.subtype !== undefined || e.bot_id !== undefined || !e.user || e.user === botUserId) return undefined;
  const text = decodeMessageText(e.text ?? '');
  const workspaceId = body.team_id ?? e.team;
  if (text.trim() === '' || !workspaceId) return undefined;
  return { platform: PLATFORM, workspaceId, userId: e.user, eventId: body.event_id, input: { kind: 'text', text } };
}

/**
 * Slack sends message text with &, < and > escaped and links as <url|label>; the engine wants what
 * the person typed.
 */
export function decodeMessageText(text: string): string {
  return text
    .replace(/<([^<>|]+)\|([^<>]+)>/g, '$2')
    .replace(/<([^<>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export interface ActionPayload {
  user: { id: string; team_id?: string };
  team?: { id: string } | null;
  actions: { action_id: string; value?: string; action_ts: string }[];
  state?: { values: Record<string, Record<string, { selected_options?: { value: string }[] | null }>> };
}

/**
 * A click on one of our buttons, or undefined for clicks that need no turn (ticking a checkbox) and
 * for elements that are not ours. Every click gets its own action_ts, so a double click is two
 * events: the engine rejects the second as an already-answered question. The id also names the
 * user, since action_ts values of different people may coincide.
 */
export function actionTurn(body: ActionPayload): InboundTurn | undefined {
  const action = body.actions[0];
  const workspaceId = body.team?.id ?? body.user.team_id;
  if (!action || !workspaceId || action.action_id === TAGS_ACTION) return undefined;
  const value = decodeValue(action.value);
  if (!value) return undefined;
  let choiceIds: string[];
  if (action.action_id === DONE_ACTION) choiceIds = tickedTags(body);
  else if (action.action_id.startsWith(CHOICE_ACTION_PREFIX)) choiceIds = [value.c];
  else return undefined;
  return {
    platform: PLATFORM,
    workspaceId,
    userId: body.user.id,
    eventId: `action:${body.user.id}:${action.action_ts}`,
    input: { kind: 'choice', promptRef: value.p, choiceIds },
  };
}

/** The ticked tags, from the message's input state that Slack sends with the "Done" click. */
function tickedTags(body: ActionPayload): string[] {
  for (const block of Object.values(body.state?.values ?? {})) {
    const picker = block[TAGS_ACTION];
    if (picker) return (picker.selected_options ?? []).map((o) => o.value);
  }
  return [];
}
