import { choiceIds, encodePrompt } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { promptText } from './reflection-prompts.js';

/**
 * The words of scheduled messages (the kinds in src/scheduler/kinds/): the community's weekly prompt,
 * a member's weekly check-in and the community's monthly digest.
 */

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

/** A community's month in counts, labelled: never a name, never a quote. */
export interface DigestFigures {
  members: number;
  debriefs: number;
  outcomes: { label: string; count: number }[];
  strengths: { label: string; count: number }[];
  growth: { label: string; count: number }[];
  feedbackAsked: number;
  feedbackApplicable: number;
  stepsDone: number;
}

export function communityDigest(f: DigestFigures, monthName: string): Reply {
  const list = (xs: { label: string; count: number }[]) => xs.map((x) => `${x.label} (${x.count})`).join(', ') || 'none named';
  return {
    text: [
      `*${monthName} in this community*`,
      `${f.members} members looked back on ${f.debriefs} interviews with Debrief.`,
      `• Outcomes: ${list(f.outcomes)}`,
      `• Strengths named most: ${list(f.strengths)}`,
      `• What people are working on: ${list(f.growth)}`,
      `• Feedback asked for after ${f.feedbackAsked} of ${f.feedbackApplicable} interviews that didn't end in a yes or a wait`,
      `• Next steps completed: ${f.stepsDone}`,
      '',
      "Every no is practice for the next yes. `/debrief` is here when you've had an interview.",
    ].join('\n'),
    choices: [{ id: choiceIds.start('debrief'), label: 'Debrief an interview' }],
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  };
}
