import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { mayBeAngry } from './anger-gate.js';
import {
  AIMED_INSULTS,
  AIMED_VERBS,
  CURSES,
  HOSTILE_ACTS,
  HOSTILE_CONTENT,
  INSULTS,
  NEUTRAL_PHRASES,
  PLAN_VERBS,
  RESTRAINT,
  SARCASM,
  SELF,
  SELF_ANGER,
  TARGETS,
  THREATS,
} from './anger-lexicon.js';

/**
 * Reads a free-text answer for anger, and tells anger at the employer from pain. wink-nlp gives the
 * tokens (contractions, emoji), the scope of a negation ("I'm not going to trash them") and a
 * sentiment score with negation; the rules then ask *at whom* the hard words are aimed: "idiot" next
 * to "I" is self-blame, next to "the recruiter" is anger.
 */

export type AngerReading =
  /** Hostile to the employer; `plan` when it is something to send, post or say to or about them. */
  | { kind: 'hostile'; plan: boolean }
  /** Hard on oneself: worth a kind word, never a warning; `insult` when they called themselves names. */
  | { kind: 'self_blame'; insult: boolean }
  | { kind: 'none' };

type Nlp = ReturnType<typeof winkNLP>;
let loaded: Nlp | undefined;
/** Built on first use: loading the model takes a moment that start-up and unrelated tests need not pay. */
const nlp = (): Nlp => (loaded ??= winkNLP(model, ['negation', 'sentiment']));

interface Token {
  word: string;
  negated: boolean;
  /** Where the word starts in the joined text, to map a regex match back to its token. */
  at: number;
}

/** Censored and clipped spellings as people type them, made plain so one rule covers them. */
function plain(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\bf[*#@$%!]+(?:c?k)?(ing|in'?|ed|er|ers)?/g, 'fuck$1')
    .replace(/\b(?:fk|fck|fuk)(ing|in|ed)?\b/g, 'fuck$1')
    .replace(/\beff(ing)?\b/g, 'fuck$1')
    .replace(/\bf\s+(?=(?:them|that|this|those|these|u|you|off|em|acme|the)\b)/g, 'fuck ')
    .replace(/\bsh[*#!]+t(show|ty|s)?/g, 'shit$1')
    .replace(/\ba[*$]{2}(hole)?/g, 'ass$1')
    .replace(/\bb[*!]+tch/g, 'bitch')
    .replace(/\bd[*]+mn/g, 'damn')
    .replace(/\bi'?m\b/g, 'i am')
    .replace(/\b(they|you|we)re\b/g, '$1 are')
    .replace(/\b(can|won|don|didn|isn|wasn|aren|shouldn)t\b/g, (_m, w: string) => `${w === 'won' ? 'will' : w === 'can' ? 'can' : w.replace(/n$/, '')} not`);
}

function tokensOf(text: string): { tokens: Token[]; joined: string; sentiment: number } {
  const doc = nlp().readDoc(text);
  const its = nlp().its;
  const words = doc.tokens().out(its.normal) as string[];
  const negated = doc.tokens().out(its.negationFlag) as unknown as boolean[];
  const tokens: Token[] = [];
  let joined = '';
  words.forEach((word, i) => {
    if (joined) joined += ' ';
    // wink's negation runs to the clause's end ("never applying there again and telling everyone to
    // avoid those snakes"); a word counts as negated only close after the negation.
    const near = words.slice(Math.max(0, i - 4), i).some((w) => NEGATIONS.has(w));
    tokens.push({ word, negated: (negated[i] ?? false) && near, at: joined.length });
    joined += word;
  });
  return { tokens, joined, sentiment: doc.out(its.sentiment) as unknown as number };
}

const NEGATIONS = new Set(['not', 'never', 'no', "n't", 'nobody', 'nothing', 'without', 'neither', 'nor']);

const CLAUSE_END = new Set([',', ';', '.', '!', '?', ':', 'but', 'because', 'though', 'although', '-', '—', '…']);

/** Who the word at `i` is about: the nearest person in its clause, looking back first. */
function aimOf(tokens: Token[], i: number, targets: Set<string>): 'self' | 'them' | 'none' {
  // "those snakes", "these clowns": pointing away from oneself.
  if (['those', 'these', 'that'].includes(tokens[i - 1]?.word ?? '')) return 'them';
  const who = (w: string) => (SELF.has(w) ? 'self' : targets.has(w) ? 'them' : null);
  for (let j = i - 1; j >= 0 && !CLAUSE_END.has(tokens[j]!.word); j--) {
    const w = who(tokens[j]!.word);
    if (w) return w;
  }
  for (let j = i + 1; j < tokens.length && !CLAUSE_END.has(tokens[j]!.word); j++) {
    const w = who(tokens[j]!.word);
    if (w) return w;
  }
  // "stop being such an idiot": talking to oneself, with no one named.
  if (tokens.slice(Math.max(0, i - 4), i).some((t) => t.word === 'being')) return 'self';
  return 'none';
}

/** The token a regex match starts on, so its negation can be checked. */
function tokenAt(tokens: Token[], at: number): Token | undefined {
  let hit: Token | undefined;
  for (const t of tokens) {
    if (t.at > at) break;
    hit = t;
  }
  return hit;
}

/** The lexicon's patterns carry no `g` flag (a test holds them to it), so `exec` keeps no position between readings. */
function matches(patterns: RegExp[], joined: string, tokens: Token[]): boolean {
  return patterns.some((re) => {
    const m = re.exec(joined);
    return m !== null && !tokenAt(tokens, m.index)?.negated;
  });
}

/**
 * Any of the neutral phrases, in one pass: most texts hold none, and then replacing them one by one
 * changes nothing. One alternation matches where one of them would, as long as they share their flags.
 */
const ANY_NEUTRAL: RegExp | null = (() => {
  const flags = new Set(NEUTRAL_PHRASES.map((re) => re.flags));
  const [only] = flags;
  return flags.size === 1 && only !== undefined ? new RegExp(NEUTRAL_PHRASES.map((re) => `(?:${re.source})`).join('|'), only.replace('g', '')) : null;
})();

/** The company's own name, as words that point at the employer ("Acme Ltd" -> acme). */
function companyWords(company: string | undefined): string[] {
  if (!company) return [];
  return plain(company)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !['ltd', 'inc', 'llc', 'co', 'corp', 'the', 'gmbh', 'plc', 'group', 'company'].includes(w));
}

/**
 * `tone: false` is for a caller that acts only on hostility or a named insult: pain read from a low
 * sentiment alone (self-blame without an insult) may then come back as 'none', which spares most
 * first-person answers the tokenising.
 */
export function readAnger(text: string, opts: { company?: string; tone?: boolean } = {}): AngerReading {
  let prepared = plain(text);
  if (!ANY_NEUTRAL || ANY_NEUTRAL.test(prepared)) for (const re of NEUTRAL_PHRASES) prepared = prepared.replace(re, ' topic ');
  if (!mayBeAngry(prepared, opts.tone ?? true)) return { kind: 'none' };
  const { tokens, joined, sentiment } = tokensOf(prepared);
  const targets = new Set([...TARGETS, ...companyWords(opts.company), 'acme']);
  let atThem = false;
  let atSelf = false;

  tokens.forEach((t, i) => {
    if (t.negated) return;
    const prev = tokens[i - 1]?.word;
    const insult =
      INSULTS.has(t.word) &&
      // "a tool" is an insult, "tools" a word of the trade; "shit" is one only as "little shit".
      !(t.word === 'tool' && !['a', 'clueless', 'absolute', 'total', 'complete', 'such', 'utter', 'massive', 'huge'].includes(prev ?? '')) &&
      !(t.word === 'joke' && prev !== 'a' && prev !== 'what');
    const littleShit = t.word === 'shit' && (prev === 'little' || prev === 'of' || prev === 'a');
    if (insult || littleShit) {
      const aim = aimOf(tokens, i, targets);
      if (aim === 'self') atSelf = true;
      else atThem = true;
    }
    if (AIMED_INSULTS.has(t.word) && aimOf(tokens, i, targets) === 'them') atThem = true;
    if (CURSES.has(t.word)) {
      // "screw them", "f*** that company": a curse followed by the employer, not "f*** my nerves".
      const next = tokens.slice(i + 1, i + 4).map((x) => x.word).filter((w) => !['that', 'this', 'these', 'those', 'the', 'you', 'u', 'off', 'all', 'em', 'over'].includes(w));
      if (next[0] && targets.has(next[0])) atThem = true;
      if (tokens[i + 1]?.word === 'em') atThem = true;
    }
    if (AIMED_VERBS.has(t.word)) {
      const aim = aimOf(tokens.slice(i), 0, targets);
      if (aim === 'them') atThem = true;
      else if (aim === 'self') atSelf = true;
    }
  });

  const restrained = matches(RESTRAINT, joined, tokens);
  const plan = !restrained && tokens.some((t) => PLAN_VERBS.has(t.word) && !t.negated);
  const act = !restrained && matches(HOSTILE_ACTS, joined, tokens);
  const threat = matches(THREATS, joined, tokens);
  const sarcasm = matches(SARCASM, joined, tokens);
  const content = matches(HOSTILE_CONTENT, joined, tokens);
  // An eye-roll or a finger at the employer is contempt, whatever the words around it.
  const rolled = /🙄|🖕|🤬|😡/u.test(joined) && tokens.some((t) => targets.has(t.word));

  if (act || (plan && (atThem || content))) return { kind: 'hostile', plan: true };
  if (atThem || threat || sarcasm || rolled || (content && !restrained)) return { kind: 'hostile', plan: false };
  const selfAnger = matches(SELF_ANGER, joined, tokens);
  const firstPerson = tokens.some((t) => SELF.has(t.word));
  if (restrained) return { kind: 'none' };
  if (atSelf || selfAnger || (firstPerson && sentiment <= -0.5)) return { kind: 'self_blame', insult: atSelf };
  return { kind: 'none' };
}
