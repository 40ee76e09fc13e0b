import type { Aside, Confirmation } from '../engine/flow.js';
import { readAnger } from './anger-read.js';

/**
 * What the bot says when an answer is angry at the employer (a short cool-off, never a lecture) or hard
 * on the person themselves (a brief, kind reframe). The reading itself is in anger-read.ts.
 */

const COOL_OFF =
  "That sounds really frustrating, and it's fair to feel it. If you're thinking of sending or posting " +
  'something, it may read differently in a day or two, so it can wait till then.';

const REFRAME =
  "You're being hard on yourself. One rough moment in one interview says little about what you can do, " +
  "and it's the kind of thing practice fixes.";

/** For callers that act only on hostility or a named insult, so tone alone need not be read. */
const readHostility = (text: string, company?: string) => readAnger(text, { ...(company ? { company } : {}), tone: false });

export function soundsAngry(text: string, company?: string): boolean {
  return readHostility(text, company).kind === 'hostile';
}

/** After any free-text answer: a cool-off for anger at them, a kind word for anger at oneself. */
export function angerAside(text: string, company?: string): Aside[] {
  const reading = readAnger(text, company ? { company } : {});
  if (reading.kind === 'hostile') return [{ text: COOL_OFF }];
  if (reading.kind === 'self_blame') return [{ text: REFRAME }];
  return [];
}

/** A next step written in anger waits until the person has read this and chosen. */
export function nextStepConfirmation(text: string, company?: string): Confirmation | null {
  const reading = readHostility(text, company);
  if (reading.kind !== 'hostile') return null;
  return {
    text: reading.plan
      ? 'That sounds really frustrating. It might feel good to send now, but it may feel different in a day or two. ' +
        'Want to keep this as your next step, or write a calmer one?'
      : "That sounds really frustrating, and it's fair to feel it. It may feel different in a day or two. " +
        'Want to keep this as your next step, or write one about your next interview?',
    labels: { keep: 'Keep it', change: 'Write a different one', later: 'Sleep on it' },
    changeLead: 'Sure, no rush.',
    laterText:
      "Good idea. Everything else is saved. Send `/debrief` when you're ready, tomorrow is fine, and we'll pick up at your next step.",
  };
}

/**
 * The summary card is read again later, perhaps over someone's shoulder: it never repeats insults.
 * Angry words become a neutral line; the words themselves stay in the person's history and export.
 */
export function calmForCard<A extends Record<string, unknown>>(answers: A, fields: readonly (keyof A & string)[], company?: string): A {
  const calm: Record<string, unknown> = { ...answers };
  for (const field of fields) {
    const text = answers[field];
    if (typeof text !== 'string' || text === '') continue;
    const reading = readHostility(text, company);
    const them = company || 'them';
    if (reading.kind === 'hostile')
      calm[field] = reading.plan ? `Tell ${them} how it went (your words are kept in your history)` : `Some frustration with ${them} (kept in your history)`;
    else if (reading.kind === 'self_blame' && reading.insult) calm[field] = 'A hard moment (in your own words, in your history)';
  }
  return calm as A;
}
