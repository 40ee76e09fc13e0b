import { decodePrompt, isCommandPrompt } from './ids.js';
import { cleanText, parseInput } from './inputs.js';
import type { StoredReceipt } from './types.js';

/** A command's question (forget's "are you sure?") can be answered by typing for this long. */
const TYPED_WINDOW_MS = 10 * 60_000;

const normal = (s: string) =>
  cleanText(s)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}/ ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Reads a typed line as a click on the buttons of a command's question, when that question is the
 * last thing the person was told and is recent: "yes", "yes delete", "no" or "2" after `/debrief
 * forget`; "1" or "Europe/London" for the check-ins zone. Text in a conversation never comes here.
 */
export async function typedCommandChoice(
  latest: () => Promise<StoredReceipt | undefined>,
  text: string,
  now: Date,
): Promise<{ promptRef: string; choiceId: string } | undefined> {
  const typed = normal(text);
  // Only short answers can be answers to buttons; this keeps the lookup off ordinary first messages.
  if (typed === '' || typed.length > 40) return undefined;
  const replies = (await latest())?.replies ?? [];
  const question = [...replies].reverse().find((r) => isCommandPrompt(r.promptRef) && (r.choices?.length ?? 0) > 0);
  const asked = question?.promptRef ? decodePrompt(question.promptRef) : undefined;
  if (!question?.choices || asked?.kind !== 'command') return undefined;
  if (!(now.getTime() - asked.issuedAt.getTime() <= TYPED_WINDOW_MS)) return undefined;
  const choices = question.choices;
  const pick = (id: string | undefined) => (id ? { promptRef: question.promptRef!, choiceId: id } : undefined);
  if (/^\d+$/.test(typed)) return pick(choices[Number(typed) - 1]?.id);
  const byLabel = choices.filter((c) => normal(c.label).startsWith(typed) || normal(c.label.replace(/_/g, ' ')) === typed);
  if (byLabel.length === 1) return pick(byLabel[0]!.id);
  // "yes" or "no" in any of its usual forms picks the button that starts with that word.
  const firstWord = /^(yes|no)\b/.exec(typed)?.[1];
  const yesNo = parseInput({ kind: 'yesno' }, { kind: 'text', text }, now);
  const word = firstWord ?? (yesNo.ok ? (yesNo.value ? 'yes' : 'no') : undefined);
  if (!word) return undefined;
  return pick(choices.find((c) => normal(c.label).split(' ')[0] === word)?.id);
}
