import {
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type StringSelectMenuInteraction,
  type User,
} from 'discord.js';
import type { TurnResult } from '../../src/engine/types.js';
import { ACTION_OPTION, choiceTurn, commandTurn, decodeCustomId } from './parse.js';
import { answeredMessage, plainText, renderReply } from './render.js';
import {
  ALREADY_ACKNOWLEDGED,
  APOLOGY,
  CANNOT_DM,
  DMS_CLOSED_HELP,
  createOptions,
  discordCode,
  sendReplies,
  type Sendable,
} from './send.js';
import { errorIds, runTurn, type HandlerContext } from './turns.js';

const FOREIGN =
  'That button belongs to someone else\'s conversation, so nothing changed. Send `/debrief` to start or carry on with your own.';
const UNKNOWN_BUTTON = "That button doesn't work any more, so nothing changed. Send `/debrief` to carry on.";

export async function onInteraction(ctx: HandlerContext, i: Interaction): Promise<void> {
  if (i.isChatInputCommand()) return onCommand(ctx, i);
  if (i.isButton() || i.isStringSelectMenu()) return onComponent(ctx, i);
}

/**
 * Answers the interaction itself (reply, update, defer, edit). If that fails, the turn is still
 * recorded and its replies still go to the DM, so a failure here is logged, not thrown. Answering a
 * second time (a re-dispatch after a resume) fails with 40060: the first answer stands.
 */
async function answer(ctx: HandlerContext, i: Interaction, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const ids = { event: i.id, user: i.user.id };
    if (discordCode(err) === ALREADY_ACKNOWLEDGED) ctx.log.info(ids, `${what}: already acknowledged`);
    else ctx.log.warn({ ...ids, err: errorIds(err) }, `${what}: could not answer the interaction`);
  }
}

/** The DM with this person; createDM returns the cached channel when there is one. */
async function dmChannel(user: User): Promise<Sendable> {
  return user.createDM();
}

async function onCommand(ctx: HandlerContext, i: ChatInputCommandInteraction): Promise<void> {
  if (i.commandName !== 'debrief') {
    await answer(ctx, i, 'reply', () => i.reply({ content: "I don't know that command. Try `/debrief`.", flags: MessageFlags.Ephemeral }));
    return;
  }
  const turn = commandTurn(ctx.applicationId, i.id, i.user.id, i.options.getString(ACTION_OPTION));

  if (i.inGuild()) {
    // In a server the answer is private and the conversation moves to a DM: opening the DM and
    // posting take several calls, so acknowledge at once rather than race the 3-second deadline.
    await answer(ctx, i, 'deferReply', () => i.deferReply({ flags: MessageFlags.Ephemeral }));
    const { result } = await runTurn(ctx, turn);
    if (!result) {
      await answer(ctx, i, 'editReply', () => i.editReply({ content: APOLOGY }));
      return;
    }
    let dm: Sendable;
    try {
      dm = await dmChannel(i.user);
      await sendReplies(dm, result.replies, i.user.id, i.id);
    } catch (err) {
      const closed = discordCode(err) === CANNOT_DM;
      if (closed) ctx.log.info({ event: i.id, user: i.user.id }, 'DMs closed; explained in the server');
      else ctx.log.error({ event: i.id, user: i.user.id, err: errorIds(err) }, 'could not send the DM');
      // The turn is saved either way; `/debrief` again picks up where it stands.
      await answer(ctx, i, 'editReply', () =>
        i.editReply({ content: closed ? DMS_CLOSED_HELP : "Sorry, I couldn't reach your DMs just now. Please run `/debrief` again." }),
      );
      return;
    }
    await answer(ctx, i, 'editReply', () =>
      i.editReply({ content: `I've sent you a direct message; let's carry on there: https://discord.com/channels/@me/${dm.id}` }),
    );
    return;
  }

  // In a DM the first reply is the command's own response; the rest follow as messages.
  const { result, deferred } = await runTurn(ctx, turn, () => i.deferReply());
  if (!result) {
    await answer(ctx, i, 'apology', () => (deferred ? i.editReply({ content: APOLOGY }) : i.reply({ content: APOLOGY })));
    return;
  }
  const first = result.replies.flatMap((r) => renderReply(r, i.user.id))[0];
  if (first) {
    const options = createOptions(first);
    await answer(ctx, i, 'reply', () => (deferred ? i.editReply(options) : i.reply(options)));
  }
  await sendReplies(await dmChannel(i.user), result.replies, i.user.id, i.id, 1);
}

type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

/** The labels of what was clicked or picked, read off the message itself. */
function pickedLabels(i: ComponentInteraction): string[] {
  const labels: string[] = [];
  for (const row of i.message.components) {
    if (!('components' in row)) continue;
    for (const c of row.components) {
      const json = c.toJSON() as { custom_id?: string; label?: string; options?: { value: string; label: string }[] };
      if (json.custom_id !== i.customId) continue;
      if (i.isButton() && json.label) labels.push(json.label);
      if (i.isStringSelectMenu()) labels.push(...(json.options ?? []).filter((o) => i.values.includes(o.value)).map((o) => o.label));
    }
  }
  return labels;
}

async function onComponent(ctx: HandlerContext, i: ComponentInteraction): Promise<void> {
  const ref = decodeCustomId(i.customId);
  if (!ref || ref.owner !== i.user.id) {
    // Someone else's button (a message shown to another person) never reaches the engine.
    ctx.log.info({ event: i.id, user: i.user.id, foreign: Boolean(ref) }, 'click turned away');
    await answer(ctx, i, 'reply', () => i.reply({ content: ref ? FOREIGN : UNKNOWN_BUTTON, flags: MessageFlags.Ephemeral }));
    return;
  }
  const values = i.isStringSelectMenu() ? i.values : [];
  const turn = choiceTurn(ctx.applicationId, i.id, i.user.id, ref, values);
  const { result, deferred } = await runTurn(ctx, turn, () => i.deferUpdate());
  const privately = async (content: string) =>
    answer(ctx, i, 'ephemeral', () =>
      deferred
        ? i.followUp({ content, flags: MessageFlags.Ephemeral })
        : i.reply({ content, flags: MessageFlags.Ephemeral }),
    );
  if (!result) return privately(APOLOGY);
  if (result.click?.status === 'rejected') return privately(plainText(result.replies));

  await showAnswered(ctx, i, result, values, deferred);
  try {
    await sendReplies(await dmChannel(i.user), result.replies, i.user.id, i.id);
  } catch (err) {
    if (discordCode(err) !== CANNOT_DM) throw err;
    await privately(DMS_CLOSED_HELP);
  }
}

/** The clicked message keeps its question and shows the answer, with its buttons disabled. */
async function showAnswered(
  ctx: HandlerContext,
  i: ComponentInteraction,
  result: TurnResult,
  values: readonly string[],
  deferred: boolean,
): Promise<void> {
  const labels = result.click?.status === 'accepted' && result.click.labels.length > 0 ? result.click.labels : pickedLabels(i);
  const rows = i.message.components.map((r) => r.toJSON()).filter((r) => 'components' in r);
  const updated = answeredMessage(i.message.content, rows as Parameters<typeof answeredMessage>[1], { customId: i.customId, values }, labels);
  await answer(ctx, i, 'update', () =>
    deferred ? i.editReply({ ...updated, allowedMentions: { parse: [] } }) : i.update({ ...updated, allowedMentions: { parse: [] } }),
  );
}
