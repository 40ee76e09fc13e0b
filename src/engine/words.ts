import type { Option } from './flow.js';

/**
 * Reading a few typed words the way a person meant them: "the 2nd one", "they ghosted me",
 * "tecnical i think". People answer these questions at a low moment, on a phone, in lowercase, with
 * typos and filler; the question's options (with the synonyms the flow file gives them) say what
 * they may mean. Kept free of any input kind so choices, tags, scales and yes/no share it.
 */

// A few emoji carry an answer on their own; the rest are decoration.
const EMOJI_WORDS: [RegExp, string][] = [
  [/👍|👌|✅|✔️?/gu, ' yes '],
  [/👎|❌|🙅/gu, ' no '],
  [/😭|💀|😩|😫|🤮|😵/gu, ' awful '],
  [/😞|😔|😢|🙁|☹️?|😕|😟|😣|😓/gu, ' bad '],
  [/😐|😑|🤷|😶|🫤/gu, ' meh '],
  [/🙂|😊|☺️?|😌/gu, ' good '],
  [/😀|😃|😄|😁|🥳|🎉|🤩|😍|🙌|💪/gu, ' great '],
];

// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\x00-\x7f]/;

/** Lowercase words and digits only: accents, apostrophes ("didn't" → "didnt") and punctuation go. */
export function normalize(text: string): string {
  let t: string;
  // Plain ASCII, most of what is typed, has no accents to strip and no emoji: the seven emoji passes
  // and the decomposition would leave it as it is.
  if (NON_ASCII.test(text)) {
    t = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    for (const [re, word] of EMOJI_WORDS) t = t.replace(re, word);
  } else t = text.toLowerCase();
  return t
    .replace(/['’`]/g, '')
    .replace(/(\d)(st|nd|rd|th)\b/g, '$1$2')
    .replace(/[^a-z0-9#]+/g, ' ')
    .replace(/#/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
}

export function tokensOf(text: string): string[] {
  const normal = normalize(text);
  return normal === '' ? [] : normal.split(' ');
}

// Sounds people make while thinking; never part of an answer.
const NOISE = new Set([
  'um', 'umm', 'ummm', 'uh', 'uhh', 'uhm', 'er', 'erm', 'hmm', 'hmmm', 'hm', 'lol', 'lmao', 'haha', 'hah', 'ha',
  'tbh', 'ngl', 'honestly', 'like', 'just', 'pls', 'plz', 'oh', 'ah', 'ugh', 'welp', 'actually', 'basically',
  'literally', 'hey',
]);
// Words around a pick ("I think it was the 2nd one") that do not change which one.
const AROUND_A_PICK = new Set([
  'i', 'id', 'think', 'guess', 'suppose', 'say', 'would', 'go', 'with', 'ill', 'lets', 'pick', 'choose', 'option',
  'number', 'no', 'choice', 'the', 'a', 'an', 'it', 'its', 'was', 'is', 'that', 'thats', 'probably', 'prob', 'maybe',
  'mean', 'one', 'answer', 'about', 'around', 'sorry', 'yeah', 'im', 'feeling', 'feel', 'at', 'rn', 'now', 'right',
  'solid', 'like', 'hmm', 'me', 'for', 'of', 'first', 'u',
]);

export const withoutNoise = (tokens: readonly string[]) => tokens.filter((t) => !NOISE.has(t));

const NUMBER_WORDS: Record<string, number> = {
  one: 1, first: 1, two: 2, second: 2, three: 3, third: 3, four: 4, fourth: 4, forth: 4,
  five: 5, fifth: 5, six: 6, sixth: 6, seven: 7, seventh: 7, eight: 8, eighth: 8, nine: 9, ninth: 9,
};

export function numberOf(token: string): number | undefined {
  if (/^\d{1,3}$/.test(token)) return Number(token);
  const ordinal = /^(\d{1,3})(st|nd|rd|th)$/.exec(token);
  if (ordinal) return Number(ordinal[1]);
  return NUMBER_WORDS[token];
}

/**
 * The one number someone picked, when the words around it only point at it ("2", "two", "the 2nd
 * one", "option 3 i guess"). Words that say something else ("no response after 2 weeks") make it
 * not a pick.
 */
export function pickedNumber(tokens: readonly string[]): number | undefined {
  let numbers = tokens.filter((t) => numberOf(t) !== undefined);
  // "the first one", "the 2nd one": "one" is the thing picked, not a number.
  if (numbers.length > 1) numbers = numbers.filter((t) => t !== 'one');
  if (numbers.length !== 1) return undefined;
  const rest = tokens.filter((t) => numberOf(t) === undefined && !NOISE.has(t) && !AROUND_A_PICK.has(t));
  if (rest.length > 0) return undefined;
  // "no one" is nobody, not the first option.
  if (numbers[0] === 'one' && tokens.includes('no')) return undefined;
  return numberOf(numbers[0]!);
}

/** Rows of the edit-distance table, kept between calls: the words are short, and a turn asks thousands of times. */
let table = new Int32Array(256);

/** Edit distance with adjacent swaps, stopping early once it is past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  const size = (a.length + 1) * width;
  if (table.length < size) table = new Int32Array(size * 2);
  const d = table;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = i * width;
    d[row] = i;
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[row - width + j]! + 1, d[row + j - 1]! + 1, d[row - width + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[row - 2 * width + j - 2]! + 1);
      d[row + j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
  }
  return d[a.length * width + b.length]!;
}

const DIGIT = /\d/;

/** 1 for the same word, a little less for a likely typo of it ("tecnical", "gosted"), else 0. */
export function likeness(typed: string, word: string): number {
  if (typed === word) return 1;
  const shorter = Math.min(typed.length, word.length);
  // The cheap refusals first: nearly every pair a search tries fails on its first letter.
  if (shorter < 4 || typed[0] !== word[0]) return 0;
  // A four-letter word one letter longer is usually another word ("theyd" is not "they").
  if (shorter === 4 && typed.length !== word.length) return 0;
  const allowed = shorter >= 8 ? 2 : 1;
  if (Math.abs(typed.length - word.length) > allowed || DIGIT.test(typed) || DIGIT.test(word)) return 0;
  return distance(typed, word, allowed) <= allowed ? 0.8 : 0;
}

export interface Hit {
  option: Option;
  start: number;
  end: number;
  score: number;
}

const phraseCache = new WeakMap<Option, string[][]>();

/** Everything an option answers to: its id, its label and the parts of it, and its synonyms. */
function phrasesOf(option: Option): string[][] {
  const cached = phraseCache.get(option);
  if (cached) return cached;
  const label = normalize(option.label);
  const parts = label.split(/ (?:or|and) /).filter((p) => p !== label);
  const phrases = [option.id.replace(/[_:-]+/g, ' '), label, ...parts, ...(option.synonyms ?? [])]
    .map((p) => tokensOf(p))
    .filter((p) => p.length > 0);
  phraseCache.set(option, phrases);
  return phrases;
}

/**
 * Every place where one of the options' phrases appears in the typed words. A longer phrase scores
 * higher, so "no response" beats "no" and "didnt get it" beats "got it"; a typo costs a little.
 */
export function findHits(options: readonly Option[], tokens: readonly string[]): Hit[] {
  const hits: Hit[] = [];
  for (const option of options) {
    for (const phrase of phrasesOf(option)) {
      for (let start = 0; start + phrase.length <= tokens.length; start++) {
        let score = 0;
        for (let k = 0; k < phrase.length; k++) {
          const l = likeness(tokens[start + k]!, phrase[k]!);
          if (l === 0) {
            score = 0;
            break;
          }
          score += l;
        }
        if (score > 0) hits.push({ option, start, end: start + phrase.length, score: score + (phrase.length === tokens.length ? 0.5 : 0) });
      }
    }
  }
  return hits;
}

export type Understood = { kind: 'one'; option: Option } | { kind: 'ambiguous'; options: Option[] } | { kind: 'none' };

/** The best option for a piece of text, or the few it could equally be. */
export function understandOne(options: readonly Option[], text: string): Understood {
  const tokens = withoutNoise(tokensOf(text));
  if (tokens.length === 0) return { kind: 'none' };
  const n = pickedNumber(tokens);
  if (n !== undefined) {
    const option = options[n - 1];
    return option ? { kind: 'one', option } : { kind: 'none' };
  }
  const best = new Map<Option, number>();
  for (const hit of findHits(options, tokens)) best.set(hit.option, Math.max(best.get(hit.option) ?? 0, hit.score));
  if (best.size === 0) {
    // An unambiguous start of a word: "tech", "prep".
    const word = tokens.length === 1 ? tokens[0]! : '';
    const starts = word.length >= 3 ? options.filter((o) => phrasesOf(o).some((p) => p[0]!.startsWith(word))) : [];
    if (starts.length === 1) return { kind: 'one', option: starts[0]! };
    return byWordsInCommon(options, tokens);
  }
  const top = Math.max(...best.values());
  const tied = [...best].filter(([, s]) => top - s < 1e-9).map(([o]) => o);
  return tied.length === 1 ? { kind: 'one', option: tied[0]! } : { kind: 'ambiguous', options: options.filter((o) => tied.includes(o)) };
}

// Words that say little about which option is meant.
const STOP = new Set([
  'i', 'me', 'my', 'we', 'the', 'a', 'an', 'it', 'its', 'was', 'is', 'are', 'they', 'them', 'their', 'to', 'of', 'and',
  'or', 'but', 'so', 'some', 'that', 'this', 'for', 'on', 'in', 'with', 'at', 'be', 'been', 'im', 'you', 'about', 'just',
  'really', 'very', 'bit', 'got', 'get', 'one', 'all', 'what', 'how', 'from', 'by', 'as', 'if', 'then', 'there', 'think',
]);

/**
 * When no phrase fits as a whole, the option sharing the most telling words with the text ("they
 * gave me some feedback"), if one clearly does.
 */
function byWordsInCommon(options: readonly Option[], tokens: readonly string[]): Understood {
  const telling = [...new Set(tokens.filter((t) => !STOP.has(t) && t.length > 1))];
  if (telling.length === 0) return { kind: 'none' };
  const counts = options.map((o) => {
    const words = phrasesOf(o).flat();
    return telling.filter((t) => words.some((w) => likeness(t, w) > 0)).length;
  });
  const top = Math.max(...counts);
  if (top === 0) return { kind: 'none' };
  const tied = options.filter((_, i) => counts[i] === top);
  // One telling word shared by several options says too little to ask about.
  if (tied.length > 1) return top > 1 ? { kind: 'ambiguous', options: tied } : { kind: 'none' };
  return { kind: 'one', option: tied[0]! };
}

// Said in place of an answer to an optional open question: nothing to note.
const NONE_PHRASES = new Set(
  [
    'no', 'nope', 'nah', 'naw', 'none', 'nobody', 'no one', 'noone', 'no body', 'not really', 'nothing', 'n a', 'na',
    'nil', 'nada', 'zilch', 'zero', 'pass', 'idk', 'dunno', 'i dunno', 'no idea', 'not sure', 'nothing really',
    'none really', 'nobody really', 'no one really', 'not really no', 'no not really', 'nah not really', 'nope nobody',
    'nope none', 'nope nothing', 'no nobody', 'nah nothing', 'no nothing', 'nothing for now', 'none for now',
    'nope nothing for now', 'nah nothing for now', 'nothing right now', 'no one comes to mind', 'nothing comes to mind', 'nobody comes to mind',
    'not that i can think of', 'not that i know of', 'cant think of anyone', 'cant think of anything', 'not anyone',
    'not anybody', 'didnt meet anyone', 'i didnt meet anyone', 'no contacts', 'nothing to add', 'nothing else',
    'none of them', 'no one in particular', 'nobody in particular', 'nothing in particular', 'not this time',
    'not really anyone', 'nothing yet', 'none yet', 'nope not really', 'i dont know', 'dont know', 'no one really stood out',
    'nobody stood out', 'no one stood out', 'not really sure', 'none that i know of', 'no comment', 'nothing much',
    'not much', 'no not really', 'no thanks', 'nah im good', 'im good', 'all good', 'not applicable', 'no feedback',
    'they didnt say', 'didnt say', 'they didnt say much', 'nothing specific', 'they didnt give any', 'no details',
    'not specified', 'they never said', 'nothing stood out',
  ].map((p) => normalize(p)),
);

/** "no", "nobody", "n/a", "-": the person has nothing to add here. */
export function isNoneAnswer(text: string): boolean {
  const t = text.trim();
  if (/^[-–—.…_/\\?!x]+$/u.test(t) || /^\s*n\s*\/\s*a\s*\.?$/i.test(t)) return true;
  const tokens = withoutNoise(tokensOf(t)).filter((w) => w !== 'sorry' && w !== 'please');
  return tokens.length > 0 && NONE_PHRASES.has(tokens.join(' '));
}

/** "2) Panel or onsite or 4) Final round", numbered as in the full menu so a number still works. */
export function listByNumber(all: readonly Option[], some: readonly Option[], joiner = 'or'): string {
  const items = some.map((o) => `${all.indexOf(o) + 1}) ${o.label}`);
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${joiner} ${items.at(-1)}`;
}
