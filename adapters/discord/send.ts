import { createHash } from 'node:crypto';
import { DiscordAPIError, type MessageCreateOptions } from 'discord.js';
import type { Reply } from '../../src/app.js';
import { renderReply, type RenderedMessage } from './render.js';

/** Discord's "Cannot send messages to this user": the person's privacy settings block our DMs. */
export const CANNOT_DM = 50007;
/** "Interaction has already been acknowledged": a re-dispatched interaction we answered before. */
export const ALREADY_ACKNOWLEDGED = 40060;

export const APOLOGY = "Sorry, I couldn't save that just now; please send it again. Nothing before it is lost.";

export const DMS_CLOSED_HELP =
  "I couldn't send you a direct message: your privacy settings block DMs from this server. To allow them, " +
  'open the server name at the top left → **Privacy Settings** (on mobile: long-press the server icon → ' +
  '**Privacy Settings**) → turn on **Direct Messages**, then run `/debrief` again. Your debrief is kept; ' +
  "you'll pick up where you left off. You can also send me a DM to start.";

/** The Discord error code of a failed REST call (50007, 40060, ...), if it was one. */
export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

/**
 * A message's nonce: the same for the same reply of the same inbound event, so that sending again
 * after a redelivery or a crash returns the message already posted instead of a second one
 * (`enforce_nonce`). Discord allows 25 characters.
 */
export function nonceFor(eventId: string, index: number): string {
  const plain = `${eventId}:${index}`;
  return plain.length <= 25 ? plain : createHash('sha256').update(plain).digest('base64url').slice(0, 25);
}

export interface Sendable {
  id: string;
  send(options: MessageCreateOptions): Promise<unknown>;
}

/** The parts every way of posting shares (send, reply, editReply). */
export type MessageBody = Pick<MessageCreateOptions, 'content' | 'embeds' | 'components' | 'files' | 'allowedMentions'>;

export function createOptions(m: RenderedMessage): MessageBody {
  return {
    ...(m.content !== '' ? { content: m.content } : {}),
    embeds: m.embeds,
    components: m.components,
    files: m.files,
    // Text echoes what people typed (a company called "@everyone"); never let it ping anyone.
    allowedMentions: { parse: [] },
  };
}

/**
 * Posts the replies in order, one message each (two for a text over Discord's limit). `from` skips
 * messages already given another way (the first reply as an interaction response).
 */
export async function sendReplies(
  channel: Sendable,
  replies: readonly Reply[],
  owner: string,
  eventId: string,
  from = 0,
): Promise<void> {
  const messages = replies.flatMap((r) => renderReply(r, owner));
  for (let i = from; i < messages.length; i++)
    await channel.send({ ...createOptions(messages[i]!), nonce: nonceFor(eventId, i), enforceNonce: true });
}
