import type { Actor, InboundTurn, TurnInput } from '../../src/app.js';

/** What a server vouches for about whoever typed a command or clicked a button there. */
export type TurnContext = NonNullable<InboundTurn['context']>;

/**
 * Discord events as engine turns. Pure functions over the few fields they need, so the rules (which
 * messages count, what a button carries) can be read and tested without a client.
 */

export const PLATFORM = 'discord';

/** The `/debrief` option that carries the subcommand ('history', 'checkins on', ...); see commands.ts. */
export const ACTION_OPTION = 'action';

/**
 * Discord user ids are global and a DM has no server, so a member is keyed by the application: the
 * same person's debrief is the same whether they DM the bot or use `/debrief` in any server.
 */
export function actorOf(applicationId: string, userId: string): Actor {
  return { platform: PLATFORM, workspaceId: applicationId, userId };
}

/** The fields of a MESSAGE_CREATE we read. */
export interface MessageLike {
  id: string;
  content: string;
  author: { id: string; bot: boolean; system?: boolean };
  /** True for a direct message to the bot (channel type 1). */
  inDm: boolean;
  /** Discord's message type: 0 default, 19 reply; others are system notices (pins, joins, calls). */
  type: number;
  webhookId?: string | null;
}

const USER_MESSAGE_TYPES = new Set([0, 19]);

/**
 * A DM from a person becomes a text turn; `/debrief ...` typed as plain text is taken as the
 * command, as in the terminal. Bots (this one included), webhooks, system notices and anything
 * outside DMs are not ours to answer: null.
 */
export function messageTurn(applicationId: string, m: MessageLike): InboundTurn | null {
  if (m.author.bot || m.author.system || m.webhookId) return null;
  if (!m.inDm || !USER_MESSAGE_TYPES.has(m.type)) return null;
  const trimmed = m.content.trim();
  const input: TurnInput = /^\/debrief\b/i.test(trimmed)
    ? { kind: 'command', args: trimmed.replace(/^\/debrief\b/i, '').trim() }
    : { kind: 'text', text: m.content };
  return { ...actorOf(applicationId, m.author.id), eventId: m.id, input };
}

/** `/debrief` with no option starts or resumes; 'start' means the same to the engine. */
export function commandTurn(
  applicationId: string,
  interactionId: string,
  userId: string,
  action: string | null,
  context?: TurnContext,
): InboundTurn {
  const args = (action ?? '').trim();
  return {
    ...actorOf(applicationId, userId),
    eventId: interactionId,
    input: { kind: 'command', args: args === 'start' ? '' : args },
    ...(context ? { context } : {}),
  };
}

const SNOWFLAKE = /^\d{15,21}$/;

/**
 * The `action` text as the engine should read it. When a member types `#jobs` into a string option
 * and picks the channel, Discord's client puts the mention, `<#123…>`, in the value, as in a message;
 * the client can also drop the space after a mention (discord-api-docs#3748). For
 * `admin schedule`, a bare channel id (Copy Channel ID) and a `#name` left unlinked are turned into
 * that mention too; a `#name` that names no channel we know comes back as `unknownChannel`.
 */
export function normalizeAction(
  action: string | null,
  channelByName: (name: string) => string | undefined = () => undefined,
): { action: string | null; unknownChannel?: string } {
  if (action === null) return { action };
  let text = action.replace(/<#(\d{15,21})>(?=\S)/g, '<#$1> ');
  const m = /^(\s*admin\s+schedule\s+)(\S+)(.*)$/is.exec(text);
  if (m) {
    const [, head, first, rest] = m as unknown as [string, string, string, string];
    if (SNOWFLAKE.test(first)) text = `${head}<#${first}>${rest}`;
    else if (/^#[^\s#<>]+$/.test(first)) {
      const id = channelByName(first.slice(1));
      if (!id) return { action: text, unknownChannel: first };
      text = `${head}<#${id}>${rest}`;
    }
  }
  return { action: text };
}

/**
 * A button's custom_id: who it was shown to, the engine's promptRef, and the choice id, separated by
 * '|' (which none of them contains). A select menu has an empty choice; its values are the choices.
 * Discord allows 100 characters; a promptRef is at most `<uuid>:<n>` (about 45).
 */
const PREFIX = 'd';
export const CUSTOM_ID_MAX = 100;
/** The owner of a button on a message many people see (the weekly prompt in a channel): anyone may
 *  click it, and each click starts that member's own conversation in a DM. */
export const SHARED_OWNER = '*';

export interface ButtonRef {
  owner: string;
  promptRef: string;
  choiceId: string;
}

export function encodeCustomId(ref: ButtonRef): string {
  const id = [PREFIX, ref.owner, ref.promptRef, ref.choiceId].join('|');
  if (id.length > CUSTOM_ID_MAX || [ref.owner, ref.promptRef, ref.choiceId].some((p) => p.includes('|')))
    throw new Error(`custom_id does not fit (${id.length} chars)`);
  return id;
}

export function decodeCustomId(customId: string): ButtonRef | null {
  const parts = customId.split('|');
  if (parts.length !== 4 || parts[0] !== PREFIX) return null;
  const [, owner, promptRef, choiceId] = parts as [string, string, string, string];
  if ((!/^\d{1,21}$/.test(owner) && owner !== SHARED_OWNER) || promptRef === '') return null;
  return { owner, promptRef, choiceId };
}

/** A click or a selection, as the engine's choice input. */
export function choiceTurn(
  applicationId: string,
  interactionId: string,
  userId: string,
  ref: ButtonRef,
  values: readonly string[] | undefined,
  context?: TurnContext,
): InboundTurn {
  const choiceIds = ref.choiceId === '' ? [...(values ?? [])] : [ref.choiceId];
  return {
    ...actorOf(applicationId, userId),
    eventId: interactionId,
    input: { kind: 'choice', promptRef: ref.promptRef, choiceIds },
    ...(context ? { context } : {}),
  };
}
