import { AIMED_INSULTS, AIMED_VERBS, CURSES, HOSTILE_ACTS, HOSTILE_CONTENT, INSULTS, SARCASM, SELF_ANGER, THREATS } from './anger-lexicon.js';

/**
 * Most answers ("Practise salary answers by Friday") hold nothing the anger reading could fire on, and
 * tokenising them with wink-nlp is most of what a turn's own JavaScript costs. This gate says when the
 * full reading is needed, and errs only towards reading: it is derived from the lexicon itself, so a
 * word or pattern added there opens the gate without a second list to keep in step.
 */

/**
 * Literal strings of which every match of `source` holds at least one, or null when a match may hold
 * none (only classes, or all optional). Knows the regex syntax the lexicon uses: groups, lookarounds,
 * alternation, classes, escapes and quantifiers.
 */
export function mustContain(source: string): string[] | null {
  let i = 0;
  const alternation = (): string[] | null => {
    const options = [sequence()];
    while (source[i] === '|') {
      i++;
      options.push(sequence());
    }
    return options.some((o) => o === null) ? null : (options as string[][]).flat();
  };
  const sequence = (): string[] | null => {
    const found: string[][] = [];
    let run = '';
    const endRun = () => {
      if (run) found.push([run]);
      run = '';
    };
    while (i < source.length && source[i] !== '|' && source[i] !== ')') {
      const { needs, literal } = atom();
      const optional = quantifier();
      if (literal !== undefined && !optional.min0) {
        run += literal;
        if (optional.repeats) endRun();
        continue;
      }
      endRun();
      if (needs && !optional.min0) found.push(needs);
    }
    endRun();
    // The surest choice: the one whose shortest string is longest.
    return found.reduce<string[] | null>((best, f) => (!best || shortest(f) > shortest(best) ? f : best), null);
  };
  const atom = (): { needs: string[] | null; literal?: string } => {
    const c = source[i++]!;
    if (c === '(') {
      const lookaround = /^\?<?[=!]/.test(source.slice(i));
      if (lookaround) i += source[i + 1] === '<' ? 3 : 2;
      else if (source[i] === '?') i = source[i + 1] === '<' ? source.indexOf('>', i) + 1 : i + 2; // (?<name> or (?:
      const inner = alternation();
      i++; // ')'
      return { needs: lookaround ? null : inner };
    }
    if (c === '[') {
      while (source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      return { needs: null };
    }
    if (c === '\\') {
      const e = source[i++]!;
      return /[a-zA-Z0-9]/.test(e) ? { needs: null } : { needs: null, literal: e };
    }
    if (c === '.' || c === '^' || c === '$') return { needs: null };
    return { needs: null, literal: c.toLowerCase() };
  };
  const quantifier = (): { min0: boolean; repeats: boolean } => {
    const c = source[i];
    let q = { min0: false, repeats: false };
    if (c === '?' || c === '*') q = { min0: true, repeats: c === '*' };
    else if (c === '+') q = { min0: false, repeats: true };
    else if (c === '{') {
      const m = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i));
      if (!m) return q;
      i += m[0].length - 1;
      q = { min0: m[1] === '0', repeats: true };
    } else return q;
    i++;
    if (source[i] === '?') i++; // lazy
    return q;
  };
  const shortest = (xs: string[]) => Math.min(...xs.map((x) => x.length));
  return alternation();
}

/** What any reading that is not 'none' needs in the text: one of these substrings. */
const NEEDLES: RegExp = (() => {
  const needles = new Set<string>([...INSULTS, ...AIMED_INSULTS, ...CURSES, ...AIMED_VERBS, 'shit']);
  for (const re of [...HOSTILE_ACTS, ...HOSTILE_CONTENT, ...THREATS, ...SARCASM, ...SELF_ANGER]) {
    // A pattern the analysis cannot bound opens the gate for every text.
    for (const s of mustContain(re.source) ?? ['']) needles.add(s);
  }
  // One alternation: the regex engine scans the text once instead of once per string.
  return new RegExp([...needles].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'u');
})();

/** The speaker's own words: with them, a low sentiment alone reads as pain, so wink must score it. */
const FIRST_PERSON = /\b(?:i|me|my|myself|mine|im)\b/;

/**
 * False only when the reading of `prepared` (the answer made plain, neutral phrases replaced) is
 * sure to be 'none': nothing beyond ASCII (emoji carry sentiment and contempt), none of the strings
 * the lexicon's words and patterns need, and no first person when `tone` asks for pain read from a
 * low sentiment alone (without `tone`, such a reading may come back 'none').
 */
export function mayBeAngry(prepared: string, tone = true): boolean {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(prepared) || (tone && FIRST_PERSON.test(prepared))) return true;
  return NEEDLES.test(prepared);
}
