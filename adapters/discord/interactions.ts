import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type StringSelectMenuInteraction,
  type User,
} from 'discord.js';
import type { Reply, TurnResult } from '../../src/app.js';
import { suggestActions } from './commands.js';
import {
  ACTION_OPTION,
  SHARED_OWNER,
  choiceTurn,
  commandTurn,
  decodeCustomId,
  normalizeAction,
  type ButtonRef,
  type TurnContext,
} from './parse.js';
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
import { deferral, discordTurn, errorIds, type HandlerContext } from './turns.js';

const FOREIGN =
  'That button belongs to someone else\'s conversation, so nothing changed. Send `/debrief` to start or carry on with your own.';
const UNKNOWN_BUTTON = "That button doesn't work any more, so nothing changed. Send `/debrief` to carry on.";

export async function onInteraction(ctx: HandlerContext, i: Interaction): Promise<void> {
  if (i.isChatInputCommand()) return onCommand(ctx, i);
  if (i.isAutocomplete()) return onAutocomplete(ctx, i);
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
  const context = guildContext(i);
  const { action, unknownChannel } = normalizeAction(
    i.options.getString(ACTION_OPTION),
    (name) => i.guild?.channels.cache.find((c) => c.name === name)?.id,
  );
  if (unknownChannel && i.inGuild()) {
    // The channel was typed as text, not picked: Discord only tells us which channel when it is picked.
    await answer(ctx, i, 'reply', () =>
      i.reply({
        content: `I can't find the channel ${unknownChannel.slice(0, 100)}. Type \`#\` and pick the channel from the list Discord shows, so that it becomes a link, then send the command again.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      }),
    );
    return;
  }
  const turn = commandTurn(ctx.applicationId, i.id, i.user.id, action, context);

  if (i.inGuild()) {
    // In a server the answer is private and the conversation moves to a DM: opening the DM and
    // posting take several calls, so acknowledge at once rather than race the 3-second deadline.
    await answer(ctx, i, 'deferReply', () => i.deferReply({ flags: MessageFlags.Ephemeral }));
    await discordTurn(ctx, turn, {
      deliver: async (result, key) => continueInDm(ctx, i, result.replies, key),
      apologise: async () => answer(ctx, i, 'editReply', () => i.editReply({ content: APOLOGY })),
    });
    return;
  }

  // In a DM the first reply is the command's own response; the rest follow as messages.
  const { state, slow } = deferral(ctx, () => i.deferReply(), turn);
  await discordTurn(ctx, turn, {
    slow,
    deliver: async (result, key) => {
      const first = result.replies.flatMap((r) => renderReply(r, i.user.id))[0];
      if (first) {
        const options = createOptions(first);
        await answer(ctx, i, 'reply', () => (state.deferred ? i.editReply(options) : i.reply(options)));
      }
      await sendReplies(await dmChannel(i.user), result.replies, i.user.id, key, 1);
      return 'delivered';
    },
    apologise: async (kind) => {
      if (kind === 'engine')
        await answer(ctx, i, 'apology', () => (state.deferred ? i.editReply({ content: APOLOGY }) : i.reply({ content: APOLOGY })));
    },
  });
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
  if (ref?.owner === SHARED_OWNER) return onSharedComponent(ctx, i, ref);
  if (!ref || ref.owner !== i.user.id) {
    // Someone else's button (a message shown to another person) never reaches the engine.
    ctx.log.info({ event: i.id, user: i.user.id, foreign: Boolean(ref) }, 'click turned away');
    await answer(ctx, i, 'reply', () => i.reply({ content: ref ? FOREIGN : UNKNOWN_BUTTON, flags: MessageFlags.Ephemeral }));
    return;
  }
  const values = i.isStringSelectMenu() ? i.values : [];
  const turn = choiceTurn(ctx.applicationId, i.id, i.user.id, ref, values, guildContext(i));
  const { state, slow } = deferral(ctx, () => i.deferUpdate(), turn);
  const privately = async (content: string) =>
    answer(ctx, i, 'ephemeral', () =>
      state.deferred
        ? i.followUp({ content, flags: MessageFlags.Ephemeral })
        : i.reply({ content, flags: MessageFlags.Ephemeral }),
    );
  await discordTurn(ctx, turn, {
    slow,
    deliver: async (result, key) => {
      if (result.click?.status === 'rejected') {
        await privately(plainText(result.replies));
        return 'rejected-click';
      }
      await showAnswered(ctx, i, result, values, state.deferred);
      try {
        await sendReplies(await dmChannel(i.user), result.replies, i.user.id, key);
      } catch (err) {
        if (discordCode(err) !== CANNOT_DM) throw err;
        await privately(DMS_CLOSED_HELP);
      }
      return 'delivered';
    },
    apologise: async (kind) => {
      if (kind === 'engine') await privately(APOLOGY);
    },
  });
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

/**
 * What the server vouches for, for a command typed (or a button clicked) in it: whether the member
 * may manage the server (Manage Server, or Administrator, which implies it), the channel, and the
 * server itself, under which the community's schedule is kept. Nothing in a DM: there the member
 * is only themselves.
 */
export function guildContext(i: Interaction): TurnContext | undefined {
  if (!i.inGuild()) return undefined;
  return {
    isAdmin: i.memberPermissions.any([PermissionFlagsBits.ManageGuild, PermissionFlagsBits.Administrator]),
    ...(i.channelId ? { channelId: i.channelId } : {}),
    communityId: i.guildId,
  };
}

/**
 * Posts the replies in the member's DM and says so privately where they asked (a command or a click
 * in a server, already deferred ephemerally). If their DMs are closed, they are told how to open them.
 */
async function continueInDm(
  ctx: HandlerContext,
  i: ChatInputCommandInteraction | ComponentInteraction,
  replies: readonly Reply[],
  key: string,
): Promise<'delivered'> {
  let dm: Sendable;
  try {
    dm = await dmChannel(i.user);
    await sendReplies(dm, replies, i.user.id, key);
  } catch (err) {
    const closed = discordCode(err) === CANNOT_DM;
    if (closed) ctx.log.info({ event: i.id, user: i.user.id }, 'DMs closed; explained in the server');
    else ctx.log.error({ event: i.id, user: i.user.id, err: errorIds(err) }, 'could not send the DM');
    // The turn is saved either way; `/debrief` again picks up where it stands.
    await answer(ctx, i, 'editReply', () =>
      i.editReply({ content: closed ? DMS_CLOSED_HELP : "Sorry, I couldn't reach your DMs just now. Please run `/debrief` again." }),
    );
    return 'delivered';
  }
  await answer(ctx, i, 'editReply', () =>
    i.editReply({ content: `I've sent you a direct message; let's carry on there: https://discord.com/channels/@me/${dm.id}` }),
  );
  return 'delivered';
}

/**
 * A click on a message many people see (the weekly prompt in a channel). Whoever clicks gets their
 * own reflection or debrief in a DM, and a private note here. The message itself is never updated and
 * its buttons stay as they are: the next member needs them too. So the interaction is answered with a
 * new ephemeral message (deferReply), never with an update.
 */
async function onSharedComponent(ctx: HandlerContext, i: ComponentInteraction, ref: ButtonRef): Promise<void> {
  await answer(ctx, i, 'deferReply', () => i.deferReply({ flags: MessageFlags.Ephemeral }));
  const values = i.isStringSelectMenu() ? i.values : [];
  await discordTurn(ctx, choiceTurn(ctx.applicationId, i.id, i.user.id, ref, values, guildContext(i)), {
    deliver: async (result, key) => {
      if (result.click?.status !== 'rejected') return continueInDm(ctx, i, result.replies, key);
      await answer(ctx, i, 'editReply', () => i.editReply({ content: plainText(result.replies) }));
      return 'rejected-click';
    },
    apologise: async () => answer(ctx, i, 'editReply', () => i.editReply({ content: APOLOGY })),
  });
}

/** Suggestions for the `action` option as the member types; must answer within 3 s, so no database. */
async function onAutocomplete(ctx: HandlerContext, i: AutocompleteInteraction): Promise<void> {
  const focused = i.options.getFocused(true);
  if (i.commandName !== 'debrief' || focused.name !== ACTION_OPTION) {
    await answer(ctx, i, 'autocomplete', () => i.respond([]));
    return;
  }
  const admin = guildContext(i)?.isAdmin ?? false;
  await answer(ctx, i, 'autocomplete', () => i.respond(suggestActions(String(focused.value), { admin })));
}
