import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIStringSelectComponent,
} from 'discord.js';
import type { Choice, Reply } from '../../src/app.js';
import { PICK_ANY, answeredLine, choiceLayout, chunks, clip } from '../render-common.js';
import { encodeCustomId } from './parse.js';

/** One Discord message: what `channel.send`, `interaction.reply` and `update` take. */
export interface RenderedMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
  files: { attachment: Buffer; name: string }[];
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

// Discord's limits (https://discord.com/developers/docs/resources/message, .../components/reference).
const CONTENT_MAX = 2000;
const MAX = { buttonsPerRow: 5, rows: 5, buttonLabel: 80, selectOptions: 25, selectLabel: 100 };
const EMBED_MAX = { title: 256, fields: 25, fieldName: 256, fieldValue: 1024 };

/**
 * The engine's light markup as Discord markdown: *bold* becomes **bold**; _italic_ and `code` are
 * already Discord's. A lone '*' (e.g. "5 * 3") is left alone.
 */
export function markup(text: string): string {
  return text.replace(/(?<![*\w])\*([^*\n]+)\*(?![*\w])/g, '**$1**');
}

/** A block the person can copy; three backticks inside would end the block early. */
function codeBlock(text: string): string {
  return `\`\`\`\n${text.replace(/```/g, '`\u200b``')}\n\`\`\``;
}

/** Splits long text at line breaks (or hard, for one very long line) into Discord-sized pieces. */
export function splitContent(text: string, max = CONTENT_MAX): string[] {
  if (text.length <= max) return [text];
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut <= 0) cut = max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

function button(owner: string, promptRef: string, choice: Choice, style: ButtonStyle): APIButtonComponent {
  return {
    type: ComponentType.Button,
    style,
    label: clip(choice.label, MAX.buttonLabel),
    custom_id: encodeCustomId({ owner, promptRef, choiceId: choice.id }),
  } as APIButtonComponent;
}

function rowsOf(buttons: APIButtonComponent[]): Row[] {
  return chunks(buttons, MAX.buttonsPerRow).map((components) => ({ type: ComponentType.ActionRow, components }));
}

function select(owner: string, promptRef: string, choices: Choice[], multi: boolean): Row {
  const options = choices.slice(0, MAX.selectOptions);
  const menu: APIStringSelectComponent = {
    type: ComponentType.StringSelect,
    custom_id: encodeCustomId({ owner, promptRef, choiceId: '' }),
    placeholder: multi ? PICK_ANY : 'Pick one',
    min_values: 1,
    max_values: multi ? options.length : 1,
    options: options.map((c) => ({ label: clip(c.label, MAX.selectLabel), value: c.id })),
  };
  return { type: ComponentType.ActionRow, components: [menu] };
}

/**
 * Answers are buttons (tags, where several may be picked, a multi-select menu); control choices (skip,
 * pause, try again) are always grey buttons on the last row. `owner` is the user the message is for:
 * a click by anyone else is turned away before it reaches the engine.
 */
function components(reply: Reply, owner: string): Row[] {
  const layout = choiceLayout(reply);
  if (!layout) return [];
  const { promptRef, answers, controls, multi } = layout;
  const controlRows = rowsOf(controls.map((c) => button(owner, promptRef, c, ButtonStyle.Secondary)));
  const room = MAX.rows - controlRows.length;
  let answerRows: Row[] = [];
  if (answers.length > 0) {
    answerRows =
      multi || answers.length > room * MAX.buttonsPerRow
        ? [select(owner, promptRef, answers, multi)]
        : rowsOf(answers.map((c) => button(owner, promptRef, c, ButtonStyle.Primary)));
  }
  return [...answerRows, ...controlRows].slice(0, MAX.rows);
}

function embed(card: NonNullable<Reply['card']>): APIEmbed {
  return {
    title: clip(card.title, EMBED_MAX.title),
    color: 0x5865f2,
    fields: card.fields.slice(0, EMBED_MAX.fields).map((f) => ({
      name: clip(f.label, EMBED_MAX.fieldName),
      value: clip(f.value === '' ? '—' : f.value, EMBED_MAX.fieldValue),
      inline: false,
    })),
  };
}

/**
 * One Reply as one or more messages (more only when the text is over Discord's 2,000 characters);
 * the card, buttons and file go on the last, so they sit under the whole text.
 */
export function renderReply(reply: Reply, owner: string): RenderedMessage[] {
  const text = reply.card ? '' : markup(reply.text);
  const full = reply.copyable ? `${text}${text ? '\n' : ''}${codeBlock(reply.copyable)}` : text;
  const pieces = splitContent(full);
  const last: RenderedMessage = {
    content: pieces.at(-1) ?? '',
    embeds: reply.card ? [embed(reply.card)] : [],
    components: components(reply, owner),
    files: reply.file ? [{ attachment: Buffer.from(reply.file.base64, 'base64'), name: reply.file.name }] : [],
  };
  return [...pieces.slice(0, -1).map((content) => ({ content, embeds: [], components: [], files: [] })), last];
}

/** A short text-only rendering, for ephemeral notes (a rejected click) that carry no buttons. */
export function plainText(replies: readonly Reply[]): string {
  return clip(replies.map((r) => markup(r.text)).join('\n\n'), CONTENT_MAX);
}

/**
 * The clicked message after an accepted click: its buttons disabled, the chosen ones highlighted, and
 * the answer written under the question, so the conversation reads as a record of what was said.
 */
export function answeredMessage(
  content: string,
  rows: readonly Row[],
  picked: { customId: string; values: readonly string[] },
  labels: readonly string[],
): { content: string; components: Row[] } {
  const answer = labels.length > 0 ? `\n> ${answeredLine(labels)}` : '';
  const disabled = rows.map((row) => ({
    ...row,
    components: row.components.map((c): APIComponentInMessageActionRow => {
      if (c.type === ComponentType.Button && 'custom_id' in c) {
        const chosen = c.custom_id === picked.customId;
        return { ...c, disabled: true, style: chosen ? ButtonStyle.Success : ButtonStyle.Secondary };
      }
      if (c.type === ComponentType.StringSelect)
        return { ...c, disabled: true, options: c.options.map((o) => ({ ...o, default: picked.values.includes(o.value) })) };
      return { ...c, disabled: true };
    }),
  }));
  return { content: clip(`${content}${answer}`, CONTENT_MAX), components: disabled };
}
