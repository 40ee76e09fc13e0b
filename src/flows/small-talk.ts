import { normalize } from '../engine/inputs.js';

/**
 * Words that talk to the bot rather than answer it: "hi", "thanks", "ok", "what is this?". Typed at
 * "Which company was it with?", they are not a company called Hi. Only a whole answer made of such
 * words counts, so "Hey Inc", "OK Group" and "Hello Fresh, ops analyst" stay names.
 */
/** `blank`: only dots or dashes, someone still thinking ("...", "-"). */
export type SmallTalk = 'greeting' | 'thanks' | 'agreement' | 'confusion' | 'blank';

const PHRASES: Record<Exclude<SmallTalk, 'blank'>, readonly string[]> = {
  greeting: [
    'hi', 'hello', 'helo', 'hey', 'heya', 'hiya', 'yo', 'sup', 'howdy', 'hola', 'hallo', 'hej', 'salut', 'ciao', 'bonjour',
    'greetings', 'ahoy', 'gm',
    'good morning', 'morning', 'good afternoon', 'afternoon', 'good evening', 'evening', 'good day',
    'whats up', 'wassup', 'whatsup', 'how are you', 'how are you doing', 'hows it going', 'how is it going', 'hru',
    'test', 'testing', 'hi hi', 'hey hey',
  ],
  thanks: [
    'thanks', 'thank you', 'thank u', 'thanku', 'thx', 'ty', 'tysm', 'cheers', 'thanks a lot', 'thank you so much',
    'thanks so much', 'much appreciated', 'appreciate it', 'many thanks',
  ],
  agreement: [
    'ok', 'okay', 'okey', 'okie', 'k', 'kk', 'sure', 'sure thing', 'cool', 'alright', 'all right', 'fine', 'yes', 'yeah',
    'yep', 'yup', 'ready', 'im ready', 'i am ready', 'lets go', 'lets do it', 'lets do this', 'lets start', 'go ahead',
    'sounds good', 'got it', 'great', 'nice', 'good', 'all good', 'yes please', 'mhm', 'sure why not', 'why not',
  ],
  confusion: [
    'what', 'what is this', 'whats this', 'what is this thing', 'what is this bot', 'what is it', 'what do i do',
    'what do i do now', 'what now', 'now what', 'what should i say', 'what should i type', 'what do i say',
    'what do i type', 'what do you want', 'what do you mean', 'huh', 'confused', 'im confused', 'i am confused',
    'im lost', 'lost', 'help me', 'help pls', 'help please', 'please help', 'can you help', 'can you help me',
    'how does this work', 'how does it work', 'how do i use this', 'how do i start', 'who are you', 'what are you',
    'what can you do', 'what is debrief', 'whats debrief', 'which company', 'what company', 'i dont understand',
    'dont understand', 'wait what', 'what am i supposed to do', 'what do you need', 'where do i start', 'sorry what', 'wdym',
  ],
};

// Words that only ever follow small talk ("hey there", "hi bot", "ok then"); alone, they may be a name.
const AFTER = new Set(['there', 'again', 'bot', 'debrief', 'you', 'all', 'folks', 'friend', 'mate', 'then', 'everyone']);

// Sounds and politeness around small talk that never make it an answer.
const FILLER = new Set(['um', 'umm', 'uh', 'uhm', 'er', 'erm', 'hmm', 'hm', 'oh', 'ah', 'lol', 'haha', 'well', 'so', 'and', 'sorry', 'please', 'pls', 'plz']);

const byPhrase = new Map<string, SmallTalk>(
  (Object.entries(PHRASES) as [SmallTalk, readonly string[]][]).flatMap(([kind, list]) => list.map((p) => [p, kind] as [string, SmallTalk])),
);
const vocabulary = new Set([...byPhrase.keys()].flatMap((p) => p.split(' ')).concat([...AFTER]));
const LONGEST = Math.max(...[...byPhrase.keys()].map((p) => p.split(' ').length));

// Which kind a mixed answer is: a question ("hi, what is this?") wants its answer most.
const RANK: readonly SmallTalk[] = ['confusion', 'thanks', 'greeting', 'agreement'];

/** "hiii", "heyyy", "thankss": the word without the letters held down. */
function known(token: string): string {
  if (vocabulary.has(token)) return token;
  const shorter = token.replace(/(.)\1+$/, '$1');
  return vocabulary.has(shorter) ? shorter : token;
}

const GREETING_EMOJI = /^(?:\s|👋|🤚|✋|🖐\uFE0F?|🙋(?:\u200D[♀♂]\uFE0F?)?)+$/u;
const THANKS_EMOJI = /^[\s🙏]+$/u;
const PUZZLED = /^[\s?？¿❓❔🤔😕!.…]*[?？¿❓❔🤔😕][\s?？¿❓❔🤔😕!.…]*$/u;
const BLANK = /^[\s.…_\-–—~*]+$/u;

/** What a whole answer says when it is only small talk; undefined when it may be an answer. */
export function smallTalkOf(text: string): SmallTalk | undefined {
  const raw = text.trim();
  if (raw === '') return undefined;
  if (GREETING_EMOJI.test(raw)) return 'greeting';
  if (THANKS_EMOJI.test(raw)) return 'thanks';
  if (PUZZLED.test(raw)) return 'confusion';
  if (BLANK.test(raw)) return 'blank';
  // "Yo-Yo Games", "Hey-Hey Ltd": a hyphen inside a word belongs to a name.
  if (/\p{L}-\p{L}/u.test(raw)) return undefined;
  const tokens = normalize(raw).split(' ').filter((t) => t !== '' && !FILLER.has(t)).map(known);
  if (tokens.length === 0) return undefined;
  // The whole answer must be cut into small-talk phrases, nothing left over: "hey there, what is this".
  const kinds: (Set<SmallTalk> | undefined)[] = [new Set()];
  for (let end = 1; end <= tokens.length; end++) {
    for (let len = 1; len <= Math.min(LONGEST, end); len++) {
      const before = kinds[end - len];
      const phrase = tokens.slice(end - len, end).join(' ');
      const kind = byPhrase.get(phrase) ?? (end - len > 0 && AFTER.has(phrase) ? 'modifier' : undefined);
      if (!before || !kind) continue;
      kinds[end] = new Set([...(kinds[end] ?? []), ...before, ...(kind === 'modifier' ? [] : [kind])]);
    }
  }
  const found = kinds[tokens.length];
  if (!found) return undefined;
  return RANK.find((k) => found.has(k));
}

// A greeting set off by a comma or "!" before the answer: "hi, Acme, designer", "hey! Monzo".
const LEADING_GREETING = /^\s*(?:hi|hii+|hello|hey+|heya|hiya|yo|howdy|good (?:morning|afternoon|evening))(?: there)?\s*[,!]+\s*(?=\S)/i;

/** The answer without a greeting in front of it; "Hey Inc" keeps its name, having no comma. */
export function withoutGreeting(text: string): string {
  return text.replace(LEADING_GREETING, '');
}
