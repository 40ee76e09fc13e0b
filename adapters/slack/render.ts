import type { types } from '@slack/bolt';
import type { Choice, Reply } from '../../src/app.js';
import { PICK_ANY, answeredLine, choiceLayout, chunks, clip, type ChoiceLayout } from '../render-common.js';
import { CHOICE_ACTION_PREFIX, DONE_ACTION, TAGS_ACTION, encodeValue } from './action-ids.js';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

export interface SlackMessage {
  /** The notification and screen-reader text; Slack shows the blocks. */
  text: string;
  blocks: KnownBlock[];
}

// Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks): section text 3,000 chars,
// 10 fields of 2,000, 25 elements per actions block, button text 75, checkboxes 10 options.
const MAX = { sectionText: 3000, field: 2000, fieldsPerSection: 10, actionsPerBlock: 25, buttonText: 75, optionText: 75, checkboxes: 10 };

/**
 * The engine's light markup (*bold*, _italic_, `code`) is Slack mrkdwn already; only the three
 * characters Slack treats as control characters must be escaped, since a reply can quote what a
 * person typed (a company called "A&B <Labs>").
 */
export const escapeMrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * As escapeMrkdwn, but a channel reference `<#C123>` (what the engine writes for "that channel", e.g.
 * after `/debrief admin schedule`) stays a link. Only channel ids pass: no `<!here>`, no `<@user>`.
 */
const escapeKeepingChannels = (s: string) =>
  s
    .split(/(<#[CG][A-Z0-9]+>)/)
    .map((part, i) => (i % 2 === 1 ? part : escapeMrkdwn(part)))
    .join('');

const plain = (text: string, max: number) => ({ type: 'plain_text' as const, text: clip(text, max), emoji: true });

/** Long text is split over several sections; escaping first could cut an entity in half. */
function textSections(text: string): KnownBlock[] {
  return chunks([...text], MAX.sectionText / 2).map((part) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: clip(escapeKeepingChannels(part.join('')), MAX.sectionText) },
  }));
}

function button(promptRef: string, choice: Choice, index: number): Button {
  return {
    type: 'button',
    action_id: `${CHOICE_ACTION_PREFIX}${index}`,
    text: plain(choice.label, MAX.buttonText),
    value: encodeValue({ p: promptRef, c: choice.id }),
  };
}

/** Tags: checkboxes (or a multi-select past ten) plus "Done"; control choices (skip, pause) stay single buttons. */
function multiBlocks({ promptRef, answers, controls }: ChoiceLayout): KnownBlock[] {
  const options = answers.map((c) => ({ text: plain(c.label, MAX.optionText), value: c.id }));
  const picker: types.Checkboxes | types.MultiStaticSelect =
    options.length <= MAX.checkboxes
      ? { type: 'checkboxes', action_id: TAGS_ACTION, options }
      : { type: 'multi_static_select', action_id: TAGS_ACTION, options, placeholder: plain(PICK_ANY, 150) };
  const done: Button = {
    type: 'button',
    action_id: DONE_ACTION,
    style: 'primary',
    text: plain('Done', MAX.buttonText),
    value: encodeValue({ p: promptRef, c: '' }),
  };
  return [
    { type: 'actions', elements: [picker] },
    { type: 'actions', elements: [done, ...controls.map((c, i) => button(promptRef, c, i))] },
  ];
}

/** Single choices are buttons in the engine's order, answers and controls alike. */
function choiceBlocks(reply: Reply): KnownBlock[] {
  const layout = choiceLayout(reply);
  if (!layout) return [];
  if (layout.multi) return multiBlocks(layout);
  return chunks(
    layout.all.map((c, i) => button(layout.promptRef, c, i)),
    MAX.actionsPerBlock,
  ).map((elements) => ({ type: 'actions', elements }));
}

function cardBlocks(card: NonNullable<Reply['card']>): KnownBlock[] {
  const fields = card.fields.map((f) => ({
    type: 'mrkdwn' as const,
    text: clip(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, MAX.field),
  }));
  return [
    { type: 'header', text: plain(card.title, 150) },
    ...chunks(fields, MAX.fieldsPerSection).map((part) => ({ type: 'section' as const, fields: part })),
  ];
}

/** A preformatted block: shown as a box with Slack's copy button, and nothing inside is reformatted. */
function copyableBlock(text: string): KnownBlock {
  return {
    type: 'rich_text',
    elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text }] }],
  };
}

/** One engine Reply as one Slack message (a file, if any, is uploaded separately: see send.ts). */
export function renderReply(reply: Reply): SlackMessage {
  const blocks: KnownBlock[] = reply.card ? cardBlocks(reply.card) : textSections(reply.text);
  if (reply.copyable) blocks.push(copyableBlock(reply.copyable));
  blocks.push(...choiceBlocks(reply));
  return { text: reply.card ? escapeMrkdwn(reply.card.title) : escapeKeepingChannels(reply.text), blocks };
}

/**
 * The clicked message after an accepted click: the question stays, its buttons go, and a line shows
 * the answer. Works from the blocks Slack sent back with the click, so nothing needs to be stored.
 */
export function answeredBlocks(blocks: readonly KnownBlock[], labels: readonly string[]): KnownBlock[] {
  const kept = blocks.filter((b) => b.type !== 'actions');
  if (labels.length === 0) return kept;
  return [
    ...kept,
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(answeredLine(labels)) }] },
  ];
}
