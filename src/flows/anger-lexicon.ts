/**
 * The words the anger reading leans on. Kept apart from the reading so the rules stay short. Each list
 * is about *who* words are aimed at or *what* a plan would do, not a list of bad words: "idiot" about
 * oneself is pain, about the recruiter is anger.
 */

/** Words for the employer's side: the company, the people who interviewed, the process. */
export const TARGETS = new Set([
  'they', 'them', 'their', 'theirs', 'themselves', 'he', 'him', 'his', 'she', 'her',
  'company', 'companies', 'firm', 'startup', 'place', 'org', 'organisation', 'organization', 'business',
  'recruiter', 'recruiters', 'hr', 'manager', 'managers', 'interviewer', 'interviewers', 'panel', 'ceo',
  'cto', 'founder', 'founders', 'team', 'people', 'guys', 'process', 'whoever', 'boss',
]);

export const SELF = new Set(['i', 'me', 'my', 'myself', 'mine', "i'm", 'im']);

/** Said of a person or an organisation, these insult; what matters is at whom (see the reading). */
export const INSULTS = new Set([
  'clown', 'clowns', 'idiot', 'idiots', 'idiotic', 'moron', 'morons', 'moronic', 'jerk', 'jerks', 'loser',
  'losers', 'fraud', 'frauds', 'fraudulent', 'liar', 'liars', 'snake', 'snakes', 'scam', 'scams', 'scammer',
  'scammers', 'scummy', 'scum', 'joke', 'jokers', 'amateur', 'amateurs', 'amateurish', 'tool', 'prick',
  'pricks', 'ass', 'asshole', 'assholes', 'arsehole', 'bitch', 'bitches', 'creep', 'creepy', 'cult', 'garbage',
  'trash', 'shitshow', 'dumpster', 'incompetent', 'clueless', 'pathetic', 'disgusting', 'shady', 'useless',
  'arrogant', 'dumb', 'dumbest', 'dumbass', 'stupid', 'stupidest', 'disgrace', 'disgraceful',
  'unprofessional', 'condescending', 'smug', 'dirt', 'crooks', 'crooked', 'bozos', 'bozo', 'douche',
  'douchebag', 'dickhead', 'dick', 'dicks', 'wankers', 'wanker', 'muppets', 'hacks', 'sleazy', 'toxic',
  'failure', 'bastards', 'bastard', 'pos', '🖕', 'coward', 'cowards', 'cowardly', 'spineless', 'narcissist',
  'narcissists', 'narcissistic', 'psycho', 'psychos', 'lunatic', 'lunatics', 'hypocrite', 'hypocrites', 'weasel',
  'weasels', 'rats', 'vultures', 'parasites', 'leeches', 'bullies', 'bully', 'egomaniac', 'sleazebag', 'sleazebags',
  'phony', 'phonies', 'fakes', 'two-faced', 'scumbag', 'scumbags', 'dinosaurs', 'cretins', 'imbeciles', 'idiotic',
  'braindead', 'brainless', 'creeps', 'trashy', 'shameless', 'thieves', 'charlatans',
  // Not here on purpose: 'rude', 'sexist', 'racist', 'predatory'. They name how someone was treated;
  // a cool-off in answer to that would tell them their report is the problem.
]);

/** Hard words that insult only when plainly aimed at them ("acme sucks"; "it sucks" is not). */
export const AIMED_INSULTS = new Set(['suck', 'sucks', 'sucked', 'crap', 'bullshit', 'bs', 'shitty', 'crappy']);

/** Curses that, followed by the employer, are aimed at them ("screw them", "f*** that company"). */
export const CURSES = new Set(['fuck', 'screw', 'damn']);

/** Words whose hostility depends on their target: "I hate that I froze" is not "I hate them". */
export const AIMED_VERBS = new Set(['hate', 'despise', 'loathe', 'detest', 'resent']);

/**
 * Phrases where an ordinary word means something else: a topic of the job ("hate speech moderation",
 * "kill the process", "fraud detection") or praise ("killed it"). They are read as a neutral word.
 */
export const NEUTRAL_PHRASES: RegExp[] = [
  /\bhate[\s-]speech\b/g,
  /\bkill(?:ing|ed|s)?\s+(?:the\s+|a\s+|that\s+|this\s+|child\s+|zombie\s+)?(?:process(?:es)?|switch|signal|command|job|thread|task|pod|container)\b/g,
  /\b(?:attack|threat)\s+(?:surface|model(?:l?ing)?|vectors?|intel(?:ligence)?|detection|hunting)\b/g,
  /\bpen(?:etration)?[\s-]?test(?:ing|er|s)?\b/g,
  /\b(?:fraud|scam|spam|abuse|bot|anomaly)\s+(?:detection|prevention|models?|team|analyst|analytics|investigations?)\b/g,
  /\bgarbage\s+collect(?:ion|or|ed)?\b/g,
  /\bdead[\s-]letter\b/g,
  /\bexploit\s+(?:chain|dev(?:elopment)?|mitigation)\b/g,
  /\b(?:toxic|abusive|hateful)\s+(?:comments?|content|posts?|speech|behaviou?r\s+detection)\b/g,
  /\bangry\s+(?:stakeholders?|customers?|users?|clients?)\b/g,
  /\b(?:killed|crushed|nailed|smashed|aced|slayed|murdered)\s+(?:it|the|that|my|this)\b/g,
  /\bkick(?:ed|ing)?\s+my\s+(?:butt|ass|arse)\b/g,
];

/** Plans that are hostile on their own: telling off, posting to shame, calling out. */
export const HOSTILE_ACTS: RegExp[] = [
  /\btell(?:ing)?\s+(?:\w+\s+){0,3}off\b/,
  /\bpiece\s+of\s+my\s+mind\b/,
  /\blet\s+(?:them|him|her|\w+)\s+have\s+it\b/,
  /\bcall(?:ing)?\s+(?:them|him|her|\w+)\s+out\b/,
  /\bcall(?:ing)?\s+out\b/,
  /\brat(?:ting)?\s+(?:\w+\s+)?out\b/,
  /\b(?:shove|stick)\s+(?:it|their|your|the)\b/,
  /\b(?:blast|blasting|drag|dragging|trash|trashing|roast|roasting|expose|exposing|shame|shaming)\s+(?:them|him|her|their|the|that|this|those|these|em|acme)\b/,
  /\b(?:post|posting|share|sharing|leak|leaking)\s+(?:\w+\s+){0,2}(?:screenshots?|emails?|messages|dms|recordings?)\b/,
  /\btag(?:ging)?\s+(?:them|him|her|their|the\s+(?:recruiter|company|ceo|hiring|interviewer))\b/,
  /\bgive\s+(?:them|him|her|\w+)\s+(?:hell|an?\s+earful)\b/,
  /\bsue\s+(?:them|him|her|the)\b/,
  /\bput\s+(?:them|him|her|\w+)\s+on\s+blast\b/,
  /\bname\s+and\s+shame\b/,
  /\brip(?:ping)?\s+(?:them|him|her|into|\w+\s+apart|apart)\b/,
  /\b(?:yell|yelling|scream|screaming|swear|swearing)\s+at\b/,
  /\brant(?:s|ing)?\b/,
  /\bcomplain(?:ing)?\b/,
  /\breport\s+(?:them|him|her)\b/,
  /\b(?:0|1|one|zero|no)\s*-?\s*stars?\b/,
  /\b(?:angry|nasty|brutal|scathing|harsh|savage|furious|heated|rude)\s+(?:\w+\s+)?(?:email|e-mail|mail|reply|message|review|letter|post|note|dm|tweet|response|voicemail)\b/,
  /\bstrongly\s+worded\b/,
  /\bwhere\s+to\s+(?:shove|stick)\b/,
  /\b(?:will\s+not|won't|never)\s+forget\b/,
  /\bwarn(?:ing)?\s+(?:everyone|people|others|folks|every)\b/,
  /\b(?:avoid|boycott)\s+(?:them|those|these|that|acme)\b/,
];

/** Said to or about them in a plan, these make the plan hostile ("tell them what I think"). */
export const HOSTILE_CONTENT: RegExp[] = [
  /\b(?:exactly\s+)?what\s+i\s+(?:really\s+)?think\b/,
  /\bhow\s+(?:bad|awful|terrible|horrible|rude|shady|unprofessional|badly|poorly|disrespectful|shitty|crap|crappy|trash)\b/,
  /\b(?:everything\s+|what\s+|where\s+(?:they|he|she)\s+)went\s+wrong\b/,
  /\bwast(?:e|ed|ing)\s+(?:of\s+)?(?:my|our|everyone's|everyones|people's|peoples)?\s*time\b/,
  /\bwast(?:e|ed|ing)\b.{0,25}\b(?:my|our)\s+(?:time|life|lives|weeks|months|days|energy|effort)\b/,
  /\bhow\s+(?:they|he|she)\s+treat(?:ed|s)?\s+(?:me|us|people|candidates)\b/,
  /\blike\s+dirt\b/,
  /\b(?:they|he|she)\s+blew\s+it\b/,
];

/** Words for sending, posting or saying something to or about them. */
export const PLAN_VERBS = new Set([
  'email', 'emailing', 'e-mail', 'mail', 'write', 'writing', 'reply', 'replying', 'respond', 'message', 'messaging',
  'dm', 'text', 'call', 'calling', 'ring', 'phone', 'tell', 'telling', 'let', 'send', 'sending', 'cc', 'post',
  'posting', 'tweet', 'tweeting', 'review', 'thread', 'leave', 'leaving', 'draft', 'show', 'say', 'give',
]);

/** Harm wished on them, or getting even. */
export const THREATS: RegExp[] = [
  /\bhope\s+(?:they|their|that|the|acme|he|she|his|her)\b.*\b(?:fail|fails|crash|crashes|burn|burns|bankrupt|broke|go\s+under|goes\s+under|die|dies|suffer|fold|folds|rot)\b/,
  /\b(?:can\s+not|cannot|can't|cant)\s+wait\s+(?:to|till|until)\s+(?:see\s+)?(?:them|they|it|acme)\b.*\b(?:fail|crash|burn|fold|go\s+under)\b/,
  /\bmake\s+sure\s+(?:they|he|she)\s+regret\b/,
  /\b(?:they|he|she)(?:'ll|\s+will)\s+regret\b/,
  /\bget\s+(?:back\s+at|even\s+with)\b/,
  /\bmake\s+(?:[\w']+\s+){0,3}lifes?\s+(?:a\s+)?(?:living\s+)?hell\b/,
  /\bburn\s+(?:that|the|this|every|those|my)?\s*bridges?\b/,
  /\b(?:go|going)\s+to\s+hell\b/,
  /\bto\s+hell\s+with\b/,
  /\bkiss\s+my\s+(?:ass|arse|butt)\b/,
  /\bshould\s+be\s+ashamed\b/,
  /\bcome\s+crawling\b/,
  /\b(?:begging|beg)\s+me\b/,
  /\blaugh\s+in\s+(?:their|his|her|your)\s+faces?\b/,
  /\btheir\s+loss\b/,
  /\bkarma\b/,
];

/** Praise said with a rolled eye. */
export const SARCASM: RegExp[] = [
  /\bthanks?\b.*\bfor\s+wasting\b/,
  /(?:🙄|👏|\bgreat\s+job\b|\boh\s+wow\b|\byeah\s+what\s+a\b).*\b(?:classy|professional|wonderful|great|amazing|brilliant)\b/,
  /\b(?:real|really|so|very)\s+(?:classy|professional|mature)\b.*(?:🙄|👏)/,
  /\bmust\s+be\s+nice\b/,
];

/** A person holding back: "tempted to send an angry email but I won't". */
export const RESTRAINT: RegExp[] = [
  /\b(?:tempted|thought\s+about|wanted|wants|want|part\s+of\s+me|feel\s+like)\b.*\bbut\b/,
  /\b(?:will\s+not|won't|wont|would\s+not|wouldn't|does\s+not|doesn't)\s+help\b/,
  /\bbut\s+i\s+(?:will\s+not|won't|wont|am\s+not|should\s+not|shouldn't|did\s+not|didn't|do\s+not|don't)\b/,
  /\bnot\s+worth\s+it\b/,
];

/** Anger at oneself: pain, not hostility. */
export const SELF_ANGER: RegExp[] = [
  /\b(?:hate|hated|despise)\s+(?:myself|that\s+i|how\s+i|it\s+when\s+i)\b/,
  /\b(?:mad|angry|pissed|furious|annoyed|frustrated|disappointed)\s+(?:at|with)\s+myself\b/,
  /\bkicking\s+myself\b/,
  /\bmy\s+(?:own\s+)?fault\b/,
  /\bwhy\s+am\s+i\s+like\s+this\b/,
  // "f***ing blew it": the person left out is the speaker.
  /^(?:\w+\s+){0,2}(?:blew|choked|froze|bombed|messed|screwed|fucked|botched|flubbed|tanked)\b/,
];
