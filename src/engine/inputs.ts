import * as chrono from 'chrono-node';
import type { InputSpec, Option } from './flow.js';

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

export function parseInput(spec: InputSpec, raw: RawAnswer, now: Date): Parsed<unknown> {
  switch (spec.kind) {
    case 'text':
      return parseText(raw, spec.maxLength ?? DEFAULT_MAX_TEXT, spec.example);
    case 'choice':
      return parseChoice(spec.options, raw);
    case 'tags':
      return parseTags(spec.options, raw);
    case 'scale':
      return parseScale(spec.min, spec.max, raw);
    case 'date':
      return parseDate(raw, spec.direction, now, spec.example);
    case 'yesno':
      return parseYesNo(raw);
  }
}

function parseText(raw: RawAnswer, max: number, example: string): Parsed<string> {
  if (raw.kind !== 'text') return fail('expected_text', `This one needs a few words rather than a button, e.g. "${example}".`);
  const text = cleanText(raw.text);
  if (text === '') return fail('empty', `I didn't catch anything there. A few words are enough, e.g. "${example}".`);
  if (text.length > max)
    return fail('too_long', `That's a lot to keep in one answer: could you trim it to ${max.toLocaleString('en')} characters or fewer?`);
  return { ok: true, value: text };
}

function listOptions(options: readonly Option[]): string {
  return options.map((o, i) => `${i + 1}) ${o.label}`).join(', ');
}

/** Matches typed text to an option: its number, its id, or its label (or an unambiguous start of it). */
export function matchOption(options: readonly Option[], typed: string): Option | undefined {
  const t = cleanText(typed).toLowerCase().replace(/[.!]+$/, '');
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) return options[Number(t) - 1];
  const exact = options.find((o) => o.id.toLowerCase() === t || o.label.toLowerCase() === t);
  if (exact) return exact;
  const starts = options.filter((o) => o.label.toLowerCase().startsWith(t));
  return starts.length === 1 ? starts[0] : undefined;
}

function parseChoice(options: readonly Option[], raw: RawAnswer): Parsed<string> {
  const unknown = () => fail('unknown_choice', `Please pick one of these: ${listOptions(options)}. A number is fine.`);
  if (raw.kind === 'choice') {
    if (raw.ids.length !== 1) return unknown();
    const hit = options.find((o) => o.id === raw.ids[0]);
    return hit ? { ok: true, value: hit.id } : unknown();
  }
  const hit = matchOption(options, raw.text);
  return hit ? { ok: true, value: hit.id } : unknown();
}

function parseTags(options: readonly Option[], raw: RawAnswer): Parsed<string[]> {
  const unknown = (what: string) =>
    fail('unknown_tag', `I don't have "${what}" in the list. Pick any of: ${listOptions(options)}, e.g. "1, 3".`);
  let picked: Option[] = [];
  if (raw.kind === 'choice') {
    for (const id of raw.ids) {
      const hit = options.find((o) => o.id === id);
      if (!hit) return unknown(id.slice(0, 40));
      picked.push(hit);
    }
  } else {
    const text = cleanText(raw.text);
    if (/^(none|nothing|no)$/i.test(text)) return { ok: true, value: [] };
    const parts = text.split(/\s*(?:,|;|\band\b|&|\n)\s*/i).filter((p) => p !== '');
    if (parts.length === 0) return fail('empty', `Pick any of: ${listOptions(options)}, e.g. "1, 3".`);
    for (const part of parts) {
      const hit = matchOption(options, part);
      if (!hit) return unknown(part.slice(0, 40));
      picked.push(hit);
    }
  }
  picked = [...new Map(picked.map((o) => [o.id, o])).values()];
  if (picked.length === 0) return fail('empty', `Pick any of: ${listOptions(options)}, e.g. "1, 3".`);
  return { ok: true, value: picked.map((o) => o.id) };
}

function parseScale(min: number, max: number, raw: RawAnswer): Parsed<number> {
  const text = raw.kind === 'choice' ? (raw.ids.length === 1 ? raw.ids[0]! : '') : cleanText(raw.text);
  const outOfRange = () => fail('out_of_range', `Please give a whole number from ${min} to ${max}, e.g. "3".`);
  if (!/^[+-]?\d+$/.test(text)) return outOfRange();
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) return outOfRange();
  return { ok: true, value: n };
}

const YES = /^(y|yes|yeah|yep|yup|sure|ok|okay|i did|did|true|of course)$/i;
const NO = /^(n|no|nope|nah|not yet|didn'?t|i didn'?t|false|not really)$/i;

function parseYesNo(raw: RawAnswer): Parsed<boolean> {
  const t = raw.kind === 'choice' ? (raw.ids.length === 1 ? raw.ids[0]! : '') : cleanText(raw.text).replace(/[.!]+$/, '');
  if (YES.test(t)) return { ok: true, value: true };
  if (NO.test(t)) return { ok: true, value: false };
  return fail('not_yes_no', 'A simple "yes" or "no" is all I need here.');
}

export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function addDays(d: Date, days: number): Date {
  const copy = new Date(d);
  copy.setDate(copy.getDate() + days);
  return copy;
}

/** Today and yesterday as quick buttons for past dates; today and in a week for due dates. */
export function dateShortcuts(direction: 'past' | 'future'): Option[] {
  return direction === 'past'
    ? [
        { id: 'today', label: 'Today' },
        { id: 'yesterday', label: 'Yesterday' },
      ]
    : [
        { id: 'tomorrow', label: 'Tomorrow' },
        { id: 'in-a-week', label: 'In a week' },
      ];
}

const SHORTCUT_DAYS: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1, 'in-a-week': 7 };

function parseDate(raw: RawAnswer, direction: 'past' | 'future', now: Date, example: string): Parsed<string> {
  const text = raw.kind === 'choice' ? (raw.ids[0] ?? '') : cleanText(raw.text);
  const hint = `You can write "yesterday", "last Tuesday" or a date like ${example}.`;
  let date: Date | null = null;
  if (raw.kind === 'choice' || text.toLowerCase() in SHORTCUT_DAYS) {
    const days = SHORTCUT_DAYS[text.toLowerCase()];
    const wrongButton = raw.kind === 'choice' && ((direction === 'past' && days! > 0) || (direction === 'future' && days! < 0));
    if (days === undefined || wrongButton) return fail('unknown_choice', `That button doesn't fit this question. ${hint}`);
    date = addDays(now, days);
  } else {
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
    if (iso) {
      const [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
      const candidate = new Date(y, m - 1, d, 12);
      // new Date() rolls 2026-02-30 over to March; a date that does not exist is a typo, not March.
      if (candidate.getFullYear() !== y || candidate.getMonth() !== m - 1 || candidate.getDate() !== d)
        return fail('impossible_date', `That date doesn't exist on the calendar. ${hint}`);
      date = candidate;
    } else if (text.length <= 100) {
      date = chrono.parseDate(text, now, { forwardDate: direction === 'future' });
    }
  }
  if (!date) return fail('unparsed_date', `I couldn't read that as a date. ${hint}`);
  const day = isoDay(date);
  const today = isoDay(now);
  if (direction === 'past') {
    if (day > today) return fail('future_date', `That's still to come. When did the interview happen? ${hint}`);
    if (day < isoDay(addDays(now, -3 * 365)))
      return fail('too_old', `That's more than three years ago. Did you mean a more recent date? ${hint}`);
  } else {
    if (day < today) return fail('past_date', 'That day has already passed. Pick today or a day ahead, e.g. "next Friday".');
    if (day > isoDay(addDays(now, 366))) return fail('too_far', 'Let\'s keep it within a year, e.g. "in two weeks".');
  }
  return { ok: true, value: day };
}
