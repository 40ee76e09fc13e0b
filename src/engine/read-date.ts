import * as chrono from 'chrono-node';
import type { Option } from './flow.js';
import { likeness, pickedNumber, tokensOf, withoutNoise } from './words.js';

/**
 * Dates as people type them, read in the direction the question looks: an interview has happened
 * (a bare "friday" is the last one), a due date is still ahead (a bare "friday" is the coming one).
 * chrono-node finds the date in the words; this file settles what chrono leaves to the reader.
 */

export type DateRead = { ok: true; day: string } | { ok: false; code: string; message: string };

export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function addDays(d: Date, days: number): Date {
  const copy = new Date(d);
  copy.setDate(copy.getDate() + days);
  return copy;
}

/** Today and yesterday as quick buttons for past dates; tomorrow and in a week for due dates. */
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

/** Days people name by a word, as offsets from today; also the ids of the shortcut buttons. */
const NAMED_DAYS: Record<string, number> = { today: 0, yesterday: -1, tomorrow: 1 };
export const SHORTCUT_DAYS: Record<string, number> = { ...NAMED_DAYS, 'in-a-week': 7 };

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const KNOWN = [...WEEKDAYS, ...MONTHS, 'yesterday', 'tomorrow', 'today', 'weeks', 'week', 'days', 'ago', 'last', 'next', 'month', 'months'];

// Short forms chrono does not know, and the usual phone spellings.
const SHORT: Record<string, string> = {
  yday: 'yesterday', yest: 'yesterday', ytd: 'yesterday', yesterdy: 'yesterday', ysterday: 'yesterday',
  tmrw: 'tomorrow', tmr: 'tomorrow', tmw: 'tomorrow', tmrow: 'tomorrow', tmro: 'tomorrow', '2moro': 'tomorrow',
  '2morrow': 'tomorrow', tomoz: 'tomorrow', tomo: 'tomorrow', tomorow: 'tomorrow', tommorow: 'tomorrow', tommorrow: 'tomorrow',
  mon: 'monday', tue: 'tuesday', tues: 'tuesday', wed: 'wednesday', weds: 'wednesday', thu: 'thursday',
  thur: 'thursday', thurs: 'thursday', fri: 'friday', sat: 'saturday', sun: 'sunday', wk: 'week', wks: 'weeks',
  wknd: 'weekend', tday: 'today', tdy: 'today', '2day': 'today',
};

/**
 * Spoken forms rewritten to what chrono reads, in order, for each direction the question looks. Each
 * comes with a twin without the g flag: the test that skips a rule that cannot match, which is most of
 * them for any one answer.
 */
const TIDY_RULES: Record<'past' | 'future', [RegExp, string, RegExp][]> = {
  past: tidyRules('past'),
  future: tidyRules('future'),
};

function tidyRules(direction: 'past' | 'future'): [RegExp, string, RegExp][] {
  const rules: [RegExp, string][] = [
    [/ (i think|i guess|it was|was|probably|maybe|around|about|roughly|approx|sometime|ish|on|by|before|at|the latest|latest|hopefully|lets say|say|id say|i would say) /g, ' '],
    [/ (the other day) /g, ' 2 days ago '],
    [/ (\w+day) (just )?gone /g, ' last $1 '],
    [/ christmas eve /g, ' dec 24 '],
    [/ (christmas|xmas|christmas day) /g, ' dec 25 '],
    [/ (nye|new years eve) /g, ' dec 31 '],
    [/ (new year|new years|new years day) /g, ' jan 1 '],
    [/ (last night|yesterday evening|yesterday morning|yesterday afternoon) /g, ' yesterday '],
    [/ (this morning|this afternoon|earlier today|just now|tonight|this evening|earlier|today actually) /g, ' today '],
    [/ (a )?couple (of )?/g, ' 2 '],
    [/ (a )?few /g, ' 3 '],
    [/ several /g, ' 4 '],
    [/ (a )?fortnight( from now)? /g, direction === 'future' ? ' in 2 weeks ' : ' 2 weeks '],
    [/ (a )?fortnight ago /g, ' 2 weeks ago '],
    [/ (eow|end of (the )?week|end of this week) /g, direction === 'future' ? ' friday ' : ' last friday '],
    [/ end of next week /g, ' next friday '],
    [/ (eom|end of (the )?month|end of this month) /g, ' end of month '],
    [/ last weekend /g, ' last saturday '],
    [/ (over |at )?(the |this )?weekend /g, direction === 'past' ? ' last saturday ' : ' saturday '],
    [/ (\d+) (days|weeks|months) back /g, ' $1 $2 ago '],
    [/ within (a|one) week /g, ' in a week '],
    [/ (a )?week (from )?(today|now) /g, ' in a week '],
    [/ in (\d+|a|one|two|three) (days?|weeks?|months?) time /g, ' in $1 $2 '],
    [/ ago ago /g, ' ago '],
  ];
  return rules.map(([re, to]) => [re, to, new RegExp(re.source, re.flags.replace('g', ''))]);
}

/** Rewrites the words chrono stumbles on into words it reads. */
function tidy(text: string, direction: 'past' | 'future'): string {
  // "20/11" and "20.11" would fall apart into two numbers; keep them whole through the clean-up.
  const kept = text.replace(/(\d)\s*[/.]\s*(?=\d)/g, '$1slash');
  const words = withoutNoise(tokensOf(kept)).map((w) => {
    if (SHORT[w]) return SHORT[w]!;
    if (KNOWN.includes(w) || w.length < 5) return w;
    return KNOWN.find((k) => likeness(w, k) > 0) ?? w;
  });
  let t = ` ${words.join(' ')} `;
  for (const [re, to, probe] of TIDY_RULES[direction]) {
    // With no match the pass below leaves t as it is (it is already trimmed to single spaces).
    if (!probe.test(t)) continue;
    // Adjacent matches share a space, so one pass can miss the second ("on by").
    for (let before = ''; before !== t; ) {
      before = t;
      t = ` ${t.replace(re, to).replace(/\s+/g, ' ').trim()} `;
    }
  }
  t = t.replace(/slash/g, '/');
  // "2 weeks" with nothing before it: ago for an interview, ahead for a due date.
  const bare = /^ (\d+|a|an|one|two|three) (days?|weeks?|months?) $/.exec(t);
  if (bare) t = direction === 'past' ? `${t}ago ` : ` in${t}`;
  return t.trim();
}

const capital = (w: string) => w[0]!.toUpperCase() + w.slice(1);

const friendly = (d: Date) =>
  d.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: undefined });

export function readDate(text: string, direction: 'past' | 'future', now: Date, hint: string): DateRead {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate(), 12);
  const shortcuts = dateShortcuts(direction);
  const tokens = withoutNoise(tokensOf(text));
  // The menu numbers its suggestions (1) Today 2) Yesterday); a lone 1 or 2 means one of them.
  // An ordinal ("the 2nd") is a day of the month instead.
  const n = tokens.some((t) => /^(\d|one|two)$/.test(t)) ? pickedNumber(tokens) : undefined;
  if (n !== undefined && n >= 1 && n <= shortcuts.length)
    return { ok: true, day: isoDay(addDays(today, SHORTCUT_DAYS[shortcuts[n - 1]!.id]!)) };
  const tidied = tidy(text, direction);
  if (tidied === 'in a week' || tidied === 'a week' || tidied === '1 week') return { ok: true, day: isoDay(addDays(today, direction === 'past' ? -7 : 7)) };

  // The commonest answers need no parser: chrono reads them as these same days, at many times the cost.
  const named = NAMED_DAYS[tidied];
  if (named !== undefined) return checkDirection(addDays(today, named), direction, today, hint);

  const unread: DateRead = { ok: false, code: 'unparsed_date', message: `I couldn't read that as a date. ${hint}` };
  const dayOfMonth = /^(?:the )?(\d{1,2})(?:st|nd|rd|th)?(?: of (?:the|this) month)?$/.exec(tidied);
  const date = dayOfMonth
    ? dayOfMonthDate(Number(dayOfMonth[1]), direction, today)
    : tidied.length <= 100
      ? chronoDate(tidied, direction, today)
      : null;
  return date ? checkDirection(date, direction, today, hint) : unread;
}

/** "the 3rd": this month's, or the neighbouring month's when this month's is on the wrong side of today. */
function dayOfMonthDate(d: number, direction: 'past' | 'future', today: Date): Date | null {
  const guess = new Date(today.getFullYear(), today.getMonth(), d, 12);
  if (d < 1 || d > 31 || guess.getDate() !== d) return null;
  if (direction === 'past' && isoDay(guess) > isoDay(today)) guess.setMonth(guess.getMonth() - 1);
  if (direction === 'future' && isoDay(guess) < isoDay(today)) guess.setMonth(guess.getMonth() + 1);
  return guess;
}

function chronoDate(tidied: string, direction: 'past' | 'future', today: Date): Date | null {
  const result = chrono.parse(tidied, today)[0] ?? chrono.en.GB.parse(tidied, today)[0];
  if (!result) return null;
  const date = result.start.date();
  const said = result.text.toLowerCase();
  const weekdayOnly = result.start.isCertain('weekday') && !result.start.isCertain('day');
  if (weekdayOnly && /\bthis\b/.test(said)) {
    // "this Monday" is the one of this week, whichever side of today the person means.
    if (direction === 'past' && isoDay(date) > isoDay(today)) return addDays(date, -7);
    if (direction === 'future' && isoDay(date) < isoDay(today)) return addDays(date, 7);
  } else if (weekdayOnly && !/\b(last|next|past|coming|previous|prev|following)\b/.test(said)) {
    // chrono takes the nearest; the question says which way to look.
    const wd = result.start.get('weekday') ?? date.getDay();
    const back = (today.getDay() - wd + 7) % 7;
    return direction === 'past' ? addDays(today, -back) : addDays(today, (wd - today.getDay() + 7) % 7 || 7);
  } else if (!result.start.isCertain('year') && result.start.isCertain('month') && result.start.isCertain('day')) {
    // "Feb 3" with no year: the one in the question's direction, unless that is almost a year off.
    const days = (date.getTime() - today.getTime()) / 86_400_000;
    if (direction === 'past' && days > 14) return new Date(date.getFullYear() - 1, date.getMonth(), date.getDate(), 12);
    if (direction === 'future' && days < -14) return new Date(date.getFullYear() + 1, date.getMonth(), date.getDate(), 12);
  }
  return date;
}

/** An interview is in the past and a due date ahead; a date on the wrong side is questioned, kindly. */
function checkDirection(date: Date, direction: 'past' | 'future', today: Date, hint: string): DateRead {
  const day = isoDay(date);
  if (direction === 'past') {
    if (day > isoDay(today))
      return {
        ok: false,
        code: 'future_date',
        message: `I read that as ${friendly(date)}, which is still to come. When did the interview happen? A rough day is fine, e.g. "last ${capital(WEEKDAYS[date.getDay()]!)}".`,
      };
    if (day < isoDay(addDays(today, -3 * 365)))
      return { ok: false, code: 'too_old', message: `That's more than three years ago. Did you mean a more recent date? ${hint}` };
  } else {
    if (day < isoDay(today))
      return {
        ok: false,
        code: 'past_date',
        message: `I read that as ${friendly(date)}, which has already gone by. By when would you like to do it? e.g. "next ${capital(WEEKDAYS[date.getDay()]!)}" or "in two weeks".`,
      };
    if (day > isoDay(addDays(today, 366))) return { ok: false, code: 'too_far', message: 'Let\'s keep it within a year, e.g. "in two weeks". When would suit you?' };
  }
  return { ok: true, day };
}
