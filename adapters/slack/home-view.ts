import type { types } from '@slack/bolt';
import { OPEN_PROMPT, choiceIds } from '../../src/app.js';
import type { MemberHome } from '../../src/app.js';
import { CHOICE_ACTION_PREFIX, encodeValue } from './action-ids.js';
import { escapeMrkdwn } from './render.js';

/**
 * The App Home tab (views.publish): open next steps, the last few debriefs, and a button that starts
 * a debrief in the DM. The button is an ordinary choice button with the open promptRef, so its click
 * takes the same path as the greeting's "Debrief an interview".
 */

export const START_LABEL = 'Start a debrief';
const SECTION_MAX = 3000;
const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

function list(lines: string[], empty: string): types.KnownBlock {
  const text = lines.length > 0 ? lines.join('\n') : `_${empty}_`;
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) } };
}

export function homeView(home: MemberHome): types.HomeView {
  const items = home.openItems.map((i) => `• ${escapeMrkdwn(i.text)}${i.due ? ` _(by ${i.due})_` : ''}`);
  const recent = home.recent.map(
    (d) => `• *${escapeMrkdwn(d.company)}*, ${escapeMrkdwn(d.role)}: ${escapeMrkdwn(d.outcome.toLowerCase())} (${d.date})`,
  );
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Debrief', emoji: true } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'A short, private debrief after each interview keeps the lessons with you. Only you can see this page.' },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: `${CHOICE_ACTION_PREFIX}0`,
            style: 'primary',
            text: { type: 'plain_text', text: START_LABEL, emoji: true },
            value: encodeValue({ p: OPEN_PROMPT, c: choiceIds.start('debrief') }),
          },
        ],
      },
      { type: 'divider' },
      { type: 'header', text: { type: 'plain_text', text: 'Your next steps', emoji: true } },
      list(items, 'No open next steps. The last question of a debrief sets one.'),
      { type: 'divider' },
      { type: 'header', text: { type: 'plain_text', text: 'Recent debriefs', emoji: true } },
      list(recent, 'No debriefs yet.'),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: '`/debrief history` lists them all; `/debrief insights` shows the patterns across them.' }],
      },
    ],
  };
}
