import type { InputSpec, Option } from './flow.js';
import { dateShortcuts, readDate, SHORTCUT_DAYS, addDays, isoDay } from './read-date.js';
import { findHits, isNoneAnswer, listByNumber, normalize, pickedNumber, tokensOf, understandOne, withoutNoise, type Hit } from './words.js';

// Flows read words the way the inputs do, through this module.
export { dateShortcuts, isoDay, isNoneAnswer, normalize, withoutNoise };

/** What a person sent for the current question: typed text, or the ids of the buttons they clicked. */
export type RawAnswer = { kind: 'text'; text: string } | { kind: 'choice'; ids: string[] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

const DEFAULT_MAX_TEXT = 1500;

/**
 * Removes what no one means to send: NUL and other control characters (newlines and tabs stay),
 * and surrounding whitespace. Unicode (emoji, right-to-left scripts) is kept as written.
 */
export function cleanText(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.normalize('NFC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').trim();
}

const fail = (code: string, message: string): Parsed<never> => ({ ok: false, code, message });

/** How the question around the input is asked: an optional one takes "none" as no answer. */
export interface ParseOptions {
  optional?: boolean;
}

export function parseInput(spec: InputSpec, raw: RawAnswer, now: Date, opts: ParseOptions = {}): Parsed<unknown> {
  switch (spec.kind) {
    case 'text':
      return parseText(raw, spec.maxLength ?? DEFAULT_MAX_TEXT, spec.example, opts.optional ?? false);
    case 'choice':
      return parseChoice(spec.options, raw);
    case 'tags':
      return parseTags(spec.options, raw);
    case 'scale':
      return parseScale(spec, raw);
    case 'date':
      return parseDate(raw, spec.direction, now, spec.example, opts.optional ?? false);
    case 'yesno':
      return parseYesNo(spec, raw);
  }
}

function parseText(raw: RawAnswer, max: number, example: string, optional: boolean): Parsed<string | null> {
  if (raw.kind !== 'text') return fail('expected_text', `This one needs a few words rather than a button, e.g. "${example}".`);
  const text = cleanText(raw.text);
  if (text === '') return fail('empty', `I didn't catch anything there. A few words are enough, e.g. "${example}".`);
  // "no", "nobody", "n/a" to an optional question is no answer, not an answer of "no".
  if (optional && isNoneAnswer(text)) return { ok: true, value: null };
  if (text.length > max)
    return fail('too_long', `That's a lot to keep in one answer: could you trim it to ${max.toLocaleString('en')} characters or fewer?`);
  return { ok: true, value: text };
}

function listOptions(options: readonly Option[]): string {
  return options.map((o, i) => `${i + 1}) ${o.label}`).join(', ');
}

/** Matches typed text to an option: its number or number word, its id, label or synonyms, typos forgiven. */
export function matchOption(options: readonly Option[], typed: string): Option | undefined {
  const understood = understandOne(options, cleanText(typed));
  return understood.kind === 'one' ? understood.option : undefined;
}

const clarify = (all: readonly Option[], some: readonly Option[]) =>
  fail('ambiguous', `Just to be sure, did you mean ${listByNumber(all, some)}?`);

function parseChoice(options: readonly Option[], raw: RawAnswer): Parsed<string> {
  const unknown = () => fail('unknown_choice', `Sorry, I didn't quite get that. Which is closest: ${listOptions(options)}? A number or a few words is fine.`);
  if (raw.kind === 'choice') {
    if (raw.ids.length !== 1) return unknown();
    const hit = options.find((o) => o.id === raw.ids[0]);
    return hit ? { ok: true, value: hit.id } : unknown();
  }
  const understood = understandOne(options, cleanText(raw.text));
  if (understood.kind === 'one') return { ok: true, value: understood.option.id };
  if (understood.kind === 'ambiguous') return clarify(options, understood.options);
  return unknown();
}

/** The options named in one piece of a tag list: "prep", "3", "my questions for them". */
function tagsIn(options: readonly Option[], tokens: string[]): { picked: Option[] } | { ambiguous: Option[] } | undefined {
  if (tokens.every((t) => pickedNumber([t]) !== undefined)) {
    const picked = tokens.map((t) => options[pickedNumber([t])! - 1]);
    return picked.every((o) => o !== undefined) ? { picked: picked as Option[] } : undefined;
  }
  const hits = findHits(options, tokens).sort((a, b) => b.score - a.score || a.start - b.start);
  const taken: Hit[] = [];
  for (const hit of hits) {
    const overlaps = taken.filter((t) => hit.start < t.end && t.start < hit.end);
    if (overlaps.length === 0) taken.push(hit);
    else if (overlaps.every((t) => t.score === hit.score && t.start === hit.start && t.end === hit.end && t.option !== hit.option)) {
      // The same words fit two tags equally well.
      return { ambiguous: [...new Set([...overlaps.map((t) => t.option), hit.option])] };
    }
  }
  if (taken.length > 0) return { picked: taken.sort((a, b) => a.start - b.start).map((h) => h.option) };
  const one = understandOne(options, tokens.join(' '));
  return one.kind === 'one' ? { picked: [one.option] } : one.kind === 'ambiguous' ? { ambiguous: one.options } : undefined;
}

// Words that join a list of tags, never part of one.
const LIST_GLUE = new Set(['and', 'also', 'plus', 'n', 'too', 'as', 'well', 'maybe', 'probably', 'i', 'think', 'guess', 'my', 'the', 'a', 'some', 'bit', 'of', 'mostly', 'definitely', 'prob', 'both', 'was', 'were', 'it', 'its', 'pretty', 'really', 'def']);

function parseTags(options: readonly Option[], raw: RawAnswer): Parsed<string[]> {
  const hintList = `Pick any of: ${listOptions(options)}, e.g. "1, 3".`;
  const unknown = (what: string) => fail('unknown_tag', `I don't have "${what}" in the list. ${hintList}`);
  let picked: Option[] = [];
  if (raw.kind === 'choice') {
    for (const id of raw.ids) {
      const hit = options.find((o) => o.id === id);
      if (!hit) return unknown(id.slice(0, 40));
      picked.push(hit);
    }
  } else {
    const text = cleanText(raw.text);
    if (isNoneAnswer(text) || /^(none|nothing|no)( of (them|these|those|it))?( really)?$/.test(normalize(text))) return { ok: true, value: [] };
    const parts = text.split(/\s*(?:[,;&+/\n]|\band\b|\balso\b|\bplus\b|\bn\b)\s*/i).filter((p) => p.trim() !== '');
    for (const part of parts) {
      const tokens = withoutNoise(tokensOf(part));
      if (tokens.every((t) => LIST_GLUE.has(t))) continue;
      const found = tagsIn(options, tokens) ?? tagsIn(options, tokens.filter((t) => !LIST_GLUE.has(t)));
      if (!found) return unknown(part.slice(0, 40));
      if ('ambiguous' in found) return clarify(options, found.ambiguous);
      picked.push(...found.picked);
    }
  }
  picked = [...new Map(picked.map((o) => [o.id, o])).values()];
  if (picked.length === 0) return fail('empty', hintList);
  return { ok: true, value: picked.map((o) => o.id) };
}

function parseScale(spec: Extract<InputSpec, { kind: 'scale' }>, raw: RawAnswer): Parsed<number> {
  const { min, max } = spec;
  const text = raw.kind === 'choice' ? (raw.ids.length === 1 ? raw.ids[0]! : '') : cleanText(raw.text);
  const outOfRange = () =>
    fail('out_of_range', `Sorry, I didn't catch that. A whole number from ${min} to ${max} is all I need (${min} = ${spec.lowLabel}, ${max} = ${spec.highLabel}), or a word or two.`);
  const inRange = (n: number) => Number.isSafeInteger(n) && n >= min && n <= max;
  const between = (a: number, b: number) =>
    fail('ambiguous', `Somewhere between ${a} and ${b}, then. Which is closer, ${a} or ${b}?`);
  const t = text.toLowerCase();
  if (/^\s*-\s*\d/.test(t)) return outOfRange();
  // "3/5", "3 out of 5", "7/10"
  const ratio = /(\d{1,2}(?:\.5)?)\s*(?:\/|out of|outta|of)\s*(\d{1,2})\b/.exec(t);
  if (ratio) {
    const [n, of] = [Number(ratio[1]), Number(ratio[2])];
    if (of > 0 && n <= of) {
      const scaled = Math.max(min, (n / of) * max);
      const floor = Math.floor(scaled);
      if (scaled - floor === 0.5 && inRange(floor) && inRange(floor + 1)) return between(floor, floor + 1);
      if (inRange(Math.round(scaled))) return { ok: true, value: Math.round(scaled) };
    }
  }
  // "2-3", "2 or 3", "2.5": between two.
  const range = /\b(\d)\s*(?:-|–|to|or|and|\/)\s*(\d)\b/.exec(t);
  const half = /\b(\d)\.5\b/.exec(t);
  const [lo, hi] = range ? [Math.min(Number(range[1]), Number(range[2])), Math.max(Number(range[1]), Number(range[2]))] : half ? [Number(half[1]), Number(half[1]) + 1] : [0, 0];
  if ((range || half) && hi - lo === 1 && inRange(lo) && inRange(hi)) return between(lo, hi);
  const tokens = withoutNoise(tokensOf(text));
  const n = pickedNumber(tokens);
  if (n !== undefined) return inRange(n) ? { ok: true, value: n } : outOfRange();
  const levels: Option[] = [];
  for (let v = min; v <= max; v++) levels.push({ id: String(v), label: String(v), synonyms: spec.words?.[v] ?? [] });
  const understood = understandOne(levels, text);
  if (understood.kind === 'one') return { ok: true, value: Number(understood.option.id) };
  if (understood.kind === 'ambiguous') {
    const vals = understood.options.map((o) => Number(o.id));
    return between(Math.min(...vals), Math.max(...vals));
  }
  return outOfRange();
}

/** Yes and No in the order the menus number them, so a typed "2" is No. */
export const yesNoOptions: readonly Option[] = [
  {
    id: 'yes',
    label: 'Yes',
    synonyms: [
      'y', 'yeah', 'yea', 'ya', 'yah', 'yep', 'yup', 'yes please', 'yess', 'yesss', 'yas', 'ye', 'yeh', 'sure', 'sure did',
      'ok', 'okay', 'k', 'kk', 'of course', 'ofc', 'definitely', 'absolutely', 'i did', 'did', 'i have', 'have', 'done',
      'correct', 'true', 'totally', 'for sure', 'aye', 'mhm', 'uh huh', 'yes i did', 'i did yes', 'go on', 'go for it',
      'why not', 'sounds good', 'that would help', 'would help', 'please', 'i think so', 'think so', 'yeah i did',
      'affirmative', 'right', 'yeah why not', 'i guess so', 'guess so', 'probably', 'did yes', 'sure thing',
      'no problem', 'sure no problem', 'no worries', 'yes of course',
    ],
  },
  {
    id: 'no',
    label: 'No',
    synonyms: [
      'n', 'nope', 'nah', 'naw', 'no thanks', 'no thank you', 'not yet', 'didnt', 'i didnt', 'did not', 'i did not',
      'havent', 'i havent', 'have not', 'not really', 'never', 'negative', 'forgot', 'i forgot', 'i dont think so',
      'dont think so', 'not now', 'no need', 'im good', 'nah im good', 'nothing', 'none', 'no i didnt', 'not at all',
      'of course not', 'definitely not', 'not this time', 'no i havent', 'nah not yet', 'not yet no', 'dont', 'i dont',
      'nope not yet', 'i wish', 'not sure i did', 'skip it', 'no i did not', 'not quite', 'not so much',
    ],
  },
];

const NEGATIONS = new Set(['no', 'not', 'nope', 'nah', 'never', 'didnt', 'havent', 'dont', 'wasnt', 'hasnt', 'cant', 'couldnt', 'wont', 'forgot', 'none', 'nothing', 'neither', 'nobody']);
const AFFIRMATIONS = new Set(['yes', 'yeah', 'yep', 'yup', 'sure', 'did', 'definitely', 'absolutely', 'ofc', 'totally', 'ya', 'yea', 'have', 'had', 'ok', 'okay']);

function parseYesNo(spec: Extract<InputSpec, { kind: 'yesno' }>, raw: RawAnswer): Parsed<boolean> {
  const notYesNo = () => fail('not_yes_no', 'Sorry, I didn\'t catch that. A simple "yes" or "no" is all I need here (or 1 or 2).');
  if (raw.kind === 'choice') {
    const id = raw.ids.length === 1 ? raw.ids[0] : undefined;
    return id === 'yes' ? { ok: true, value: true } : id === 'no' ? { ok: true, value: false } : notYesNo();
  }
  const options = yesNoOptions.map((o) => ({ ...o, synonyms: [...(o.synonyms ?? []), ...((o.id === 'yes' ? spec.yes : spec.no) ?? [])] }));
  const understood = understandOne(options, cleanText(raw.text));
  if (understood.kind === 'one') return { ok: true, value: understood.option.id === 'yes' };
  const tokens = withoutNoise(tokensOf(raw.text));
  // "nah haven't yet", "yeah i sent one": the word that says which way.
  if (tokens.some((t) => NEGATIONS.has(t))) return { ok: true, value: false };
  if (tokens.some((t) => AFFIRMATIONS.has(t))) return { ok: true, value: true };
  return notYesNo();
}

function parseDate(raw: RawAnswer, direction: 'past' | 'future', now: Date, example: string, optional: boolean): Parsed<string | null> {
  const hint = `You can write "yesterday", "last Tuesday" or a date like ${example}.`;
  if (raw.kind === 'choice') {
    const days = SHORTCUT_DAYS[raw.ids[0] ?? ''];
    const wrongButton = days === undefined || (direction === 'past' && days > 0) || (direction === 'future' && days < 0);
    if (wrongButton) return fail('unknown_choice', `That button doesn't fit this question. ${hint}`);
    return { ok: true, value: isoDay(addDays(new Date(now.getFullYear(), now.getMonth(), now.getDate(), 12), days)) };
  }
  const text = cleanText(raw.text);
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (iso) {
    const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    const candidate = new Date(y, m - 1, d, 12);
    // new Date() rolls 2026-02-30 over to March; a date that does not exist is a typo, not March.
    if (candidate.getFullYear() !== y || candidate.getMonth() !== m - 1 || candidate.getDate() !== d)
      return fail('impossible_date', `That date doesn't exist on the calendar. ${hint}`);
  }
  if (optional && (isNoneAnswer(text) || /\b(dont|cant|do not|can not|cannot) (remember|recall)\b|\bforgot\b|\bno idea\b/.test(normalize(text))))
    return { ok: true, value: null };
  const read = readDate(text, direction, now, hint);
  return read.ok ? { ok: true, value: read.day } : fail(read.code, read.message);
}
