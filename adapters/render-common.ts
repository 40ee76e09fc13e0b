import { OPEN_PROMPT, choiceRole, type Choice, type Reply } from '../src/app.js';

/**
 * What every platform decides alike about showing a reply; each render.ts keeps only its own markup
 * and limits.
 */

/** Cuts text to a platform's limit and shows that it was cut. */
export const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Items in groups of at most `size`, in order (buttons per row, fields per section). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The placeholder of a picker where several may be chosen (tags). */
export const PICK_ANY = 'Pick any that fit';

export interface ChoiceLayout {
  /** Sent back with a click, so the engine knows which question it answers. */
  promptRef: string;
  /** Every choice, in the engine's order. */
  all: readonly Choice[];
  /** The question's options: buttons, or a picker for tags. */
  answers: Choice[];
  /** Skip, pause, try again: plain buttons apart from the answers, never in a picker. */
  controls: Choice[];
  /** Several answers may be picked together. */
  multi: boolean;
}

/** A reply's choices as every platform lays them out; undefined when it offers none. */
export function choiceLayout(reply: Reply): ChoiceLayout | undefined {
  const all = reply.choices ?? [];
  if (all.length === 0) return undefined;
  return {
    // Buttons without a promptRef could not be answered; the engine always sets one with choices.
    promptRef: reply.promptRef ?? OPEN_PROMPT,
    all,
    answers: all.filter((c) => choiceRole(c.id).role === 'answer'),
    controls: all.filter((c) => choiceRole(c.id).role === 'control'),
    multi: Boolean(reply.multi),
  };
}

/** What stands under a question once it is answered by a click, in place of its buttons. */
export const answeredLine = (labels: readonly string[]) => `✓ ${labels.join(', ')}`;
