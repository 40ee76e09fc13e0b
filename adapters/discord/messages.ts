import type { Message } from 'discord.js';
import { messageTurn } from './parse.js';
import { APOLOGY, CANNOT_DM, discordCode, nonceFor, sendReplies } from './send.js';
import { discordTurn, turnIds, type HandlerContext } from './turns.js';

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
  await discordTurn(ctx, turn, {
    // A redelivered message gets the same replies with the same nonces: Discord posts only those
    // that did not go out the first time.
    deliver: async (result, key) => {
      try {
        await sendReplies(channel, result.replies, turn.userId, key);
      } catch (err) {
        if (discordCode(err) !== CANNOT_DM) throw err;
        ctx.log.info(turnIds(turn), 'DMs to this user are closed');
      }
      return 'delivered';
    },
    apologise: async (kind) => {
      // After a failed post, another post to the same channel would fail the same way.
      if (kind === 'delivery') return;
      await channel.send({ content: APOLOGY, nonce: nonceFor(turn.eventId, 99), enforceNonce: true }).catch(() => undefined);
    },
  });
}
