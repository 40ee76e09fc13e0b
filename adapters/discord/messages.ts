import type { Message } from 'discord.js';
import { messageTurn } from './parse.js';
import { APOLOGY, CANNOT_DM, discordCode, nonceFor, sendReplies } from './send.js';
import { errorIds, runTurn, turnIds, type HandlerContext } from './turns.js';

/** A DM to the bot: one text turn, the replies posted back in the same DM. */
export async function onMessage(ctx: HandlerContext, message: Message): Promise<void> {
  const turn = messageTurn(ctx.applicationId, {
    id: message.id,
    content: message.content,
    author: { id: message.author.id, bot: message.author.bot, system: message.author.system ?? false },
    inDm: message.channel.isDMBased() && !message.inGuild(),
    type: message.type,
    webhookId: message.webhookId,
  });
  if (!turn || !message.channel.isSendable()) return;
  const channel = message.channel;
  const { result } = await runTurn(ctx, turn);
  try {
    if (!result) {
      await channel.send({ content: APOLOGY, nonce: nonceFor(turn.eventId, 99), enforceNonce: true });
      return;
    }
    // A redelivered message gets the same replies with the same nonces: Discord posts only those
    // that did not go out the first time.
    await sendReplies(channel, result.replies, turn.userId, turn.eventId);
  } catch (err) {
    if (discordCode(err) === CANNOT_DM) ctx.log.info(turnIds(turn), 'DMs to this user are closed');
    else ctx.log.error({ ...turnIds(turn), err: errorIds(err) }, 'could not send replies');
  }
}
