import { choiceIds, encodePrompt } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { promptText } from './reflection-prompts.js';

/** The words of scheduled messages: the community's weekly prompt and a member's weekly check-in. */

export function communityPrompt(promptId: string): Reply {
  return {
    text:
      `*This week's reflection*\n${promptText(promptId)}\n\n` +
      'Think it over privately: the button opens a short reflection in a DM with me. Nothing you write is shared here.',
    choices: [
      { id: choiceIds.start('reflection', promptId), label: 'Reflect privately' },
      { id: choiceIds.start('debrief'), label: 'Debrief an interview' },
    ],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}

export function checkinInvite(): Reply {
  return {
    text:
      "Hi, it's your weekly check-in. Any interviews this week? And how are the next steps you set yourself going?\n" +
      '_It takes a minute. `/debrief checkins off` stops these any time._',
    choices: [
      { id: choiceIds.start('checkin'), label: 'Check in' },
      { id: choiceIds.start('debrief'), label: 'Debrief an interview' },
    ],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}
