import { z } from 'zod';
import type { Flow, Step } from '../engine/flow.js';
import { angerAside } from './anger.js';
import { promptText, reflectionPrompts } from './reflection-prompts.js';

/**
 * The weekly reflection: a member clicked the community prompt's button and thinks it over in private.
 * Three short turns; it can lead straight into a debrief.
 */

export const reflectionAnswers = z.object({
  prompt_id: z.string(),
  thoughts: z.string().max(1500),
  takeaway: z.string().max(500).nullable(),
  debrief_now: z.boolean().nullable(),
});
type A = z.infer<typeof reflectionAnswers>;

const questionOf = (a: Partial<A>) => promptText(a.prompt_id) ?? reflectionPrompts[0].text;

const steps: { [K in Exclude<keyof A, 'prompt_id'>]: Step<A, K> } = {
  thoughts: {
    id: 'thoughts',
    prompt: (ctx) => `This week's question:\n*${questionOf(ctx.answers)}*\n\nWhat comes to mind? A few lines is plenty.`,
    input: { kind: 'text', example: 'That I rush my answers when I am nervous' },
    schema: reflectionAnswers.shape.thoughts,
    help: 'There is no right answer. This stays private to you; nothing is shared with the channel.',
    next: () => 'takeaway',
  },
  takeaway: {
    id: 'takeaway',
    prompt: () => "Is there one thing you'll carry into your next interview?",
    input: { kind: 'text', maxLength: 500, example: 'Pause before answering' },
    schema: reflectionAnswers.shape.takeaway,
    optional: true,
    help: 'One small, concrete thing is easier to remember under pressure than a list.',
    next: () => 'debrief_now',
  },
  debrief_now: {
    id: 'debrief_now',
    prompt: () => 'Have you had an interview recently that you would like to debrief now?',
    input: {
      kind: 'yesno',
      yes: ['lets do it', 'lets go', 'go ahead', 'sure lets do it', 'yes lets', 'why not', 'i did', 'i had one', 'now', 'right now'],
      no: ['not now', 'not today', 'later', 'maybe later', 'another time', 'not right now', 'no interviews', 'none recently', 'nothing recent', 'not recently'],
    },
    schema: reflectionAnswers.shape.debrief_now,
    optional: true,
    help: 'A debrief takes about five minutes and keeps the lessons for later.',
    next: () => null,
  },
};

export const reflectionFlow: Flow<A> = {
  id: 'reflection',
  title: 'reflection',
  first: 'thoughts',
  // prompt_id is seeded, never asked; the engine only walks the steps listed here.
  steps: steps as Flow<A>['steps'],
  intro: () => 'Thanks for taking a moment for this. It is just for you.',
  subject: (a) => (a.prompt_id ? 'this week' : undefined),
  seed: ({ arg }) => ({ prompt_id: promptText(arg) ? arg : reflectionPrompts[0].id }),
  reactToText: (text) => angerAside(text),
  complete: (a) => ({
    closing: [
      {
        text: a.debrief_now
          ? "Thank you for reflecting. Let's debrief that interview."
          : 'Thank you for reflecting. Small moments like this add up. `/debrief` is here whenever you have an interview to look back on.',
      },
    ],
    ...(a.debrief_now ? { chain: 'debrief' } : {}),
  }),
};
