import * as chrono from 'chrono-node';
import { z } from 'zod';
import type { Aside, Flow, Option, Step, StepContext } from '../engine/flow.js';
import { choiceIds, commandPromptRef } from '../engine/ids.js';
import { isoDay, normalize, withoutNoise } from '../engine/inputs.js';
import { angerAside, calmForCard, nextStepConfirmation } from './anger.js';
import { smallTalkOf, withoutGreeting, type SmallTalk } from './small-talk.js';
import { feedbackRequest, offerQuestions, sentence, statusFollowUp, thankYouNote, theRole, waitingFollowUp } from './templates.js';

/**
 * The debrief: a short, kind walk through one interview. Built on a few ideas: a "no" is something
 * to learn from; ask what the interviewer saw as strengths and weaknesses; take it graciously and keep
 * doors open; think long term. Prompts stay short, since people read them at a low moment.
 */

// Each option's synonyms are what people type for it, lowercase, without punctuation; matching forgives
// case, filler ("I think it was"), small typos, and takes the longest phrase that fits.
export const stages = [
  {
    id: 'screen',
    label: 'Phone or recruiter screen',
    synonyms: [
      'phone', 'phone call', 'phone interview', 'recruiter', 'recruiter call', 'screening', 'screener', 'screening call',
      'first call', 'intro call', 'initial call', 'first chat', 'hr', 'hr call', 'hr screen', 'talent', 'talent call',
      'video call', 'zoom', 'quick call', 'first round', 'first stage', 'initial chat', 'chat with recruiter',
      'call with the recruiter', 'pre screen', 'prescreen', 'intro chat',
    ],
  },
  {
    id: 'technical',
    label: 'Technical or skills',
    synonyms: [
      'tech', 'tech one', 'tech round', 'tech interview', 'tech test', 'coding', 'coding round', 'coding interview',
      'coding test', 'coding challenge', 'leetcode', 'live coding', 'pair programming', 'pairing', 'whiteboard',
      'whiteboarding', 'take home', 'takehome', 'home assignment', 'assignment', 'case study', 'case', 'skills test',
      'skills', 'assessment', 'technical test', 'tech screen', 'technical screen', 'system design', 'design round',
      'portfolio review', 'portfolio', 'test', 'exercise', 'task', 'hackerrank', 'codility', 'algorithms',
    ],
  },
  {
    id: 'panel',
    label: 'Panel or onsite',
    synonyms: [
      'panel', 'panel interview', 'onsite', 'on site', 'on-site', 'in person', 'in the office', 'at the office',
      'office visit', 'loop', 'the loop', 'virtual onsite', 'superday', 'super day', 'assessment centre',
      'assessment center', 'several people', 'multiple people', 'a few people', 'with the team', 'team interview',
      'meet the team', 'full day', 'half day', 'group interview', 'back to back',
    ],
  },
  {
    id: 'final',
    label: 'Final round',
    synonyms: [
      'final', 'finals', 'last round', 'the last one', 'last stage', 'final stage', 'final interview', 'last interview',
      'ceo', 'with the ceo', 'founder', 'with the founder', 'hiring manager', 'director', 'vp', 'executive', 'exec',
      'culture fit', 'final chat', 'offer stage', 'very end', 'final boss',
    ],
  },
  {
    id: 'other',
    label: 'Something else',
    synonyms: ['other', 'something different', 'none of these', 'none of those', 'not sure', 'dont know', 'idk', 'informal chat', 'coffee chat', 'coffee', 'networking', 'career fair', 'else', 'different'],
  },
] as const satisfies readonly Option[];

export const outcomes = [
  {
    id: 'rejected',
    label: 'It was a no',
    synonyms: [
      'no', 'a no', 'rejected', 'rejection', 'got rejected', 'i got rejected', 'they rejected me', 'they said no',
      'said no', 'didnt get it', 'i didnt get it', 'didnt get the job', 'didnt get the offer', 'turned down',
      'turned me down', 'they turned me down', 'not selected', 'wasnt selected', 'unsuccessful', 'not successful',
      'declined', 'rejection email', 'got the rejection', 'failed', 'i failed', 'bombed', 'didnt pass', 'didnt make it',
      'not moving forward', 'not moving ahead', 'they went with someone else', 'went with someone else',
      'went with another candidate', 'another candidate', 'someone else', 'no offer', 'not an offer', 'no go', 'nope',
      'nah', 'denied', 'passed on me', 'they passed', 'cut', 'got cut', 'dinged', 'got dinged', 'no luck', 'lost it',
      'they said no thanks', 'other candidates', 'position filled', 'role filled', 'not a fit', 'decided not to proceed',
      'not progressing', 'wont be progressing', 'rejected me', 'got a no', 'it was a no', 'a rejection',
      'automated rejection', 'form rejection', 'didnt go through', 'not proceeding',
    ],
  },
  {
    id: 'waiting',
    label: 'Still waiting',
    synonyms: [
      'waiting', 'still waiting', 'waiting to hear', 'waiting to hear back', 'havent heard yet', 'no news yet',
      'no decision yet', 'pending', 'not sure yet', 'dont know yet', 'dont know', 'unknown', 'in progress',
      'they said theyd let me know', 'theyll let me know', 'theyll get back to me', 'should hear', 'should hear soon',
      'next week', 'hear next week', 'in limbo', 'limbo', 'on hold', 'tbd', 'no answer yet', 'still in process',
      'still in the process', 'still deciding', 'they are deciding', 'theyre deciding', 'not yet', 'no idea yet',
      'fingers crossed', 'nothing yet', 'too early', 'waiting on them', 'ongoing', 'next round', 'moving forward',
      'waiting for feedback', 'waiting for an answer', 'still interviewing others', 'still no news', 'still no word',
      'theyll decide', 'theyd decide', 'deciding', 'decision by', 'decision next week',
    ],
  },
  {
    id: 'no_response',
    label: 'No response',
    synonyms: [
      'no response', 'no reply', 'no answer', 'ghosted', 'got ghosted', 'they ghosted me', 'ghosting', 'ghost',
      'never heard back', 'never heard', 'havent heard back', 'havent heard anything', 'havent heard a thing',
      'not heard a thing', 'not heard anything', 'heard nothing', 'nothing',
      'silence', 'radio silence', 'crickets', 'no word', 'no word since', 'no contact', 'no news', 'they went quiet',
      'went quiet', 'went silent', 'vanished', 'disappeared', 'they disappeared', 'no one got back to me',
      'nobody got back', 'nobody replied', 'no one replied', 'they never replied', 'never replied', 'never got back',
      'never got back to me', 'no follow up', 'no feedback at all', 'not a peep', 'zero response', 'nothing at all',
      'no reply at all', 'they stopped replying', 'stopped responding', 'unresponsive', 'no callback', 'no call back',
    ],
  },
  {
    id: 'offer',
    label: 'I got an offer',
    synonyms: [
      'offer', 'an offer', 'got an offer', 'got the offer', 'i got the offer', 'got it', 'i got it', 'got the job',
      'i got the job', 'they offered', 'they offered me', 'offered me', 'offered me the job', 'offered', 'hired',
      'got hired', 'im hired', 'yes', 'they said yes', 'accepted', 'i accepted', 'success', 'successful', 'passed',
      'i passed', 'made it', 'i made it', 'landed it', 'landed the job', 'verbal offer', 'offer letter', 'job offer',
      'they want me', 'they want to hire me', 'yay', 'woohoo', 'great news', 'good news',
    ],
  },
] as const satisfies readonly Option[];

export const strengthTags = [
  {
    id: 'preparation',
    label: 'Preparation',
    synonyms: ['prep', 'prepared', 'well prepared', 'preparing', 'did my homework', 'homework', 'ready', 'practice', 'practised', 'practiced', 'i prepped', 'prepped'],
  },
  {
    id: 'communication',
    label: 'Clear communication',
    synonyms: ['communication', 'communicating', 'clear', 'clarity', 'explained well', 'explaining', 'explained things', 'articulate', 'talking', 'spoke clearly', 'speaking', 'how i explained things', 'comms', 'expressed myself'],
  },
  {
    id: 'technical',
    label: 'Technical depth',
    synonyms: ['tech', 'tech skills', 'technical skills', 'coding', 'code', 'the coding', 'knowledge', 'expertise', 'skills', 'hard skills', 'depth', 'knew my stuff', 'domain knowledge', 'the technical part', 'system design'],
  },
  {
    id: 'problem_solving',
    label: 'Problem solving',
    synonyms: ['problem solving', 'problemsolving', 'problem-solving', 'solving problems', 'logic', 'reasoning', 'thinking', 'thought process', 'figured it out', 'the puzzle', 'analytical', 'analysis', 'the case'],
  },
  {
    id: 'examples',
    label: 'Good examples',
    synonyms: ['examples', 'my examples', 'stories', 'my stories', 'star', 'star answers', 'star stories', 'anecdotes', 'experience', 'past work', 'projects', 'my projects', 'portfolio', 'case studies', 'behavioral', 'behavioural'],
  },
  {
    id: 'rapport',
    label: 'Rapport',
    synonyms: ['rapport', 'connection', 'connected', 'chemistry', 'got on well', 'got along', 'vibe', 'vibes', 'good vibes', 'vibed', 'friendly', 'personable', 'we clicked', 'clicked', 'banter', 'small talk', 'likeable', 'charm', 'relationship'],
  },
  {
    id: 'questions',
    label: 'My questions for them',
    synonyms: ['questions', 'my questions', 'asking questions', 'asked questions', 'asked good questions', 'good questions', 'questions i asked', 'curiosity', 'curious', 'questions at the end', 'the q and a', 'q and a'],
  },
  {
    id: 'composure',
    label: 'Staying calm',
    synonyms: ['calm', 'stayed calm', 'staying calm', 'composure', 'composed', 'kept my cool', 'cool', 'relaxed', 'confidence', 'confident', 'not nervous', 'handled pressure', 'under pressure', 'keeping calm', 'kept calm', 'chill', 'stayed chill', 'nerves were fine', 'kept it together'],
  },
] as const satisfies readonly Option[];

export const growthTags = [
  {
    id: 'preparation',
    label: 'Preparation',
    synonyms: ['prep', 'more prep', 'prepare more', 'preparing', 'unprepared', 'underprepared', 'under prepared', 'not prepared', 'wasnt prepared', 'practice', 'practise', 'practice more', 'more practice', 'homework', 'do my homework'],
  },
  {
    id: 'nerves',
    label: 'Nerves',
    synonyms: ['nervous', 'nerves', 'anxiety', 'anxious', 'panic', 'panicked', 'froze', 'freezing', 'blanked', 'went blank', 'my mind went blank', 'stress', 'stressed', 'shaky', 'shaking', 'calm down', 'staying calm', 'stay calm', 'confidence', 'more confident', 'be more confident', 'imposter syndrome', 'jitters', 'overthinking'],
  },
  {
    id: 'concise',
    label: 'Concise answers',
    synonyms: ['concise', 'conciseness', 'be concise', 'shorter answers', 'rambling', 'rambled', 'i rambled', 'ramble less', 'talk less', 'talked too much', 'too long', 'long winded', 'waffle', 'waffled', 'waffling', 'get to the point', 'to the point', 'brevity', 'over explaining', 'overexplaining', 'structure', 'structured answers'],
  },
  {
    id: 'technical',
    label: 'Technical gaps',
    synonyms: ['tech', 'technical', 'tech skills', 'technical skills', 'coding', 'leetcode', 'algorithms', 'algos', 'data structures', 'system design', 'knowledge gaps', 'gaps', 'skills gap', 'sql', 'the coding part', 'the technical part', 'hard skills', 'study more'],
  },
  {
    id: 'examples',
    label: 'Examples and stories',
    synonyms: ['examples', 'better examples', 'more examples', 'stories', 'better stories', 'star', 'star method', 'star answers', 'anecdotes', 'behavioral', 'behavioural', 'behavioral questions', 'tell me about a time', 'storytelling'],
  },
  {
    id: 'salary',
    label: 'Salary questions',
    synonyms: ['salary', 'pay', 'money', 'money questions', 'pay questions', 'salary question', 'the money talk', 'compensation', 'comp', 'salary expectations', 'negotiation', 'negotiating', 'negotiate', 'the money question', 'rate', 'day rate', 'benefits'],
  },
  {
    id: 'company_research',
    label: 'Research on the company',
    synonyms: ['research', 'company research', 'researching the company', 'research the company', 'knowing the company', 'know the company', 'about the company', 'the company', 'their product', 'the product', 'their business', 'background research', 'read up', 'reading up', 'look them up', 'homework on them'],
  },
  {
    id: 'questions',
    label: 'Questions for them',
    synonyms: ['questions', 'my questions', 'better questions', 'ask questions', 'asking questions', 'ask better questions', 'more questions', 'questions at the end', 'had no questions', 'no questions', 'q and a', 'the q and a', 'reverse questions'],
  },
] as const satisfies readonly Option[];

export const feedbackStatuses = [
  {
    id: 'received',
    label: 'I got some feedback',
    // "yes" alone could be either of the first two: the engine asks which.
    synonyms: ['yes', 'yeah', 'yep', 'got feedback', 'got some', 'received', 'they gave me feedback', 'they gave feedback', 'they told me', 'they said', 'they explained', 'i got some', 'got some feedback', 'yes they replied', 'they replied', 'heard back', 'yes and they answered', 'feedback received', 'got a reply', 'they sent feedback', 'they did', 'had a call', 'some notes'],
  },
  {
    id: 'asked',
    label: 'I asked, no reply yet',
    synonyms: ['yes', 'yeah', 'yep', 'asked', 'i asked', 'already asked', 'asked already', 'i emailed', 'emailed them', 'i did ask', 'sent an email', 'waiting', 'waiting for a reply', 'no reply yet', 'no reply', 'no answer yet', 'they havent replied', 'asked but nothing', 'asked but no reply', 'yes but no reply', 'asked them but', 'asked and waiting', 'still waiting', 'no response yet', 'asked but got nothing', 'asked but silence'],
  },
  {
    id: 'not_asked',
    label: "I haven't asked",
    synonyms: ['no', 'nope', 'nah', 'not yet', 'not asked', 'havent', 'i havent', 'havent asked', 'didnt ask', 'i didnt', 'i didnt ask', 'havent yet', 'no i havent', 'not really', 'didnt think to', 'should i', 'nope not yet', 'no not yet', 'too scared to', 'afraid to ask', 'not sure how', 'not sure how to ask', 'never', 'no i didnt', 'i forgot', 'forgot'],
  },
] as const satisfies readonly Option[];

export const fits = [
  {
    id: 'yes',
    label: 'Yes, a good fit',
    synonyms: ['yes', 'yeah', 'yep', 'yup', 'definitely', 'absolutely', 'totally', 'for sure', 'good fit', 'great fit', 'perfect fit', 'perfect', 'it was', 'i think so', 'very much', 'dream job', 'right for me', 'it was right', 'loved it', 'really wanted it', 'exactly what i wanted', '100', 'of course', 'good match', 'great match'],
  },
  {
    id: 'partly',
    label: 'Partly',
    synonyms: ['partly', 'partially', 'kind of', 'kinda', 'sort of', 'sorta', 'somewhat', 'some of it', 'some parts', 'in some ways', 'in parts', 'a bit', 'a little', 'half', 'halfway', '50 50', 'fifty fifty', 'mixed', 'yes and no', 'yes but', 'mostly', 'more or less', 'so so', 'meh', 'not fully', 'not entirely', 'maybe partly', 'ish', 'bits of it', 'mostly yes', 'mostly yeah', 'partly yes'],
  },
  {
    id: 'no',
    label: 'Not really',
    synonyms: ['no', 'nope', 'nah', 'not really', 'not at all', 'not for me', 'wasnt for me', 'not right', 'wasnt right', 'not right for me', 'bad fit', 'poor fit', 'wrong fit', 'not a good fit', 'not a fit', 'not a great fit', 'dodged a bullet', 'bullet dodged', 'glad i didnt get it', 'probably not', 'no way', 'hell no', 'wrong role', 'not my thing', 'red flags', 'toxic', 'nah not really'],
  },
  {
    id: 'unsure',
    label: 'Not sure yet',
    synonyms: ['not sure', 'unsure', 'idk', 'i dont know', 'dont know', 'dunno', 'no idea', 'maybe', 'hard to say', 'hard to tell', 'too early', 'too early to tell', 'too soon to tell', 'still thinking', 'still deciding', 'who knows', 'cant tell', 'unclear', 'not sure yet', 'undecided', 'havent decided', 'on the fence', 'torn', 'hmm not sure'],
  },
] as const satisfies readonly Option[];

// How people say how they feel, for each point of the 1-5 scale.
const feelingWords: Readonly<Record<number, readonly string[]>> = {
  1: ['awful', 'terrible', 'horrible', 'really rough', 'rough', 'really bad', 'very bad', 'so bad', 'the worst', 'worst', 'crushed', 'devastated', 'gutted', 'destroyed', 'broken', 'miserable', 'shit', 'like shit', 'crap', 'like crap', 'awful honestly', 'dreadful', 'wrecked', 'heartbroken', 'in pieces', 'hopeless', 'depressed', 'super low', 'very low', 'rock bottom', 'horrendous', 'dying inside', 'want to cry', 'crying', 'really down', 'absolutely awful', 'pretty awful', 'not good at all', 'not great at all', 'really really bad', 'sucks', 'it sucks', 'really sucks', 'devo'],
  2: ['bad', 'pretty bad', 'not good', 'not great', 'down', 'low', 'sad', 'bummed', 'bummed out', 'disappointed', 'pretty disappointed', 'gloomy', 'a bit down', 'kinda down', 'kind of down', 'not amazing', 'rubbish', 'pretty rubbish', 'deflated', 'meh bad', 'crappy', 'upset', 'frustrated', 'pretty low', 'a bit low', 'not the best', 'could be better', 'been better', 'ive been better', 'bit rough', 'a bit rough', 'not well', 'poor', 'pretty down', 'stung', 'it stings', 'discouraged', 'lowkey sad', 'bit gutted', 'a bit gutted', 'not so good', 'not too good', 'not too great', 'not so great'],
  3: ['ok', 'okay', 'ok i guess', 'okay i guess', 'meh', 'fine', 'fine i guess', 'alright', 'all right', 'so so', 'soso', 'mixed', 'neutral', 'average', 'middling', 'in the middle', 'halfway', 'not bad not good', 'could be worse', 'whatever', 'eh', 'ehh', 'mid', 'decentish', 'up and down', 'hanging in there', 'coping', 'surviving', 'getting there', 'managing', 'so and so', 'mixed feelings', 'kinda ok', 'i guess ok', 'somewhere in the middle'],
  4: ['good', 'pretty good', 'not bad', 'decent', 'fairly good', 'quite good', 'pretty ok', 'positive', 'hopeful', 'optimistic', 'better', 'alright actually', 'fine actually', 'pretty fine', 'doing well', 'well', 'ok actually', 'good i think', 'happy', 'content', 'relieved', 'pretty happy', 'upbeat', 'solid', 'not too bad', 'chill', 'all good', 'feeling good', 'pretty positive', 'in a good place'],
  5: ['great', 'really good', 'very good', 'amazing', 'awesome', 'fantastic', 'excellent', 'brilliant', 'wonderful', 'ecstatic', 'thrilled', 'over the moon', 'on top of the world', 'super', 'super good', 'so good', 'the best', 'perfect', 'incredible', 'buzzing', 'stoked', 'pumped', 'excited', 'really happy', 'so happy', 'elated', 'fab', 'top', 'couldnt be better', 'never better', 'really great', 'amazing actually'],
};

const ids = <T extends readonly Option[]>(options: T) =>
  options.map((o) => o.id) as unknown as [T[number]['id'], ...T[number]['id'][]];

const shortText = (what: string) =>
  z.string().min(1, { error: `I need the ${what} to go on.` }).max(200, { error: `Please keep the ${what} under 200 characters.` });
const longText = z.string().max(1500);
const tags = (options: readonly Option[]) => z.array(z.enum(ids(options))).max(options.length);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const debriefAnswers = z.object({
  company: shortText('company name'),
  role: shortText('role'),
  /** The role typed on its own, when the first answer named only the company. */
  role_asked: shortText('role'),
  stage: z.enum(ids(stages)),
  interview_date: isoDate.nullable(),
  outcome: z.enum(ids(outcomes)),
  mood: z.number().int().min(1).max(5).nullable(),
  strength_tags: tags(strengthTags).nullable(),
  strengths: longText.nullable(),
  growth_tags: tags(growthTags).nullable(),
  growth_areas: longText.nullable(),
  feedback: z.enum(ids(feedbackStatuses)).nullable(),
  feedback_strengths: longText.nullable(),
  feedback_weaknesses: longText.nullable(),
  hear_back: z.string().max(200, { error: 'A day or a few words is plenty here.' }).nullable(),
  fit: z.enum(ids(fits)).nullable(),
  thanked: z.boolean().nullable(),
  contacts: longText.nullable(),
  next_step: z.string().min(1).max(500, { error: 'Please keep the next step under 500 characters.' }).nullable(),
  next_step_due: isoDate.nullable(),
});

export type DebriefAnswers = z.infer<typeof debriefAnswers>;
type A = DebriefAnswers;
type Ctx = StepContext<A>;
/** Answers given only alongside another step's (strengths with the strength tags) have no step. */
type FilledOnly = 'role' | 'strengths' | 'growth_areas' | 'feedback_weaknesses';
type Steps = { [K in Exclude<keyof A & string, FilledOnly>]: Step<A, K> };

const labelOf = (options: readonly Option[], id: string | null | undefined) =>
  options.find((o) => o.id === id)?.label ?? '';
const companyOf = (ctx: Ctx) => ctx.answers.company ?? 'them';
const roleOf = (ctx: Ctx) => ctx.answers.role ?? 'the role';

const DAY_MS = 24 * 3600_000;
/** Whole days from the interview to now, when the day is known. */
const daysSince = (a: Partial<A>, now: Date) =>
  a.interview_date ? Math.max(0, Math.floor((Date.parse(`${isoDay(now)}T00:00:00Z`) - Date.parse(`${a.interview_date}T00:00:00Z`)) / DAY_MS)) : null;
const dayName = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

// Words that name a job rather than an employer: "Designer, Acme" is read the right way round.
const ROLE_WORD =
  /\b(designer|engineer|developer|manager|analyst|scientist|lead|head|director|consultant|specialist|coordinator|associate|intern|officer|assistant|architect|administrator|writer|editor|researcher|nurse|teacher|accountant|recruiter|representative|advisor|adviser|executive|technician|programmer|product|marketing|sales|support|operations|ux|ui|qa|devops|frontend|backend|full[- ]?stack|senior|junior|staff|principal)\b/i;
// Parts a company's name can end in after a comma: "Acme, Inc., designer" keeps "Acme, Inc.".
const COMPANY_SUFFIX = /^(inc\.?|ltd\.?|llc|llp|plc|gmbh|ag|s\.?a\.?|co\.?|corp\.?|b\.?v\.?|pty\.? ltd\.?|limited|group)$/i;

/**
 * Company and role from one line: "Acme, product designer", "Acme - designer", "Designer at Acme".
 * Without a clear split the whole line is the company and the role is asked for on its own.
 */
export function companyAndRole(line: string): { company: string; role?: string } {
  const text = line.trim().replace(/\s+/g, ' ');
  // Commas, dashes and bars only: a semicolon or slash is more often part of a name than a break.
  const parts = text.split(/\s*[,|]\s*|\s+[-–—]\s+|:\s+/).filter((p) => p !== '');
  while (parts.length > 2 && COMPANY_SUFFIX.test(parts[1]!)) parts.splice(0, 2, `${parts[0]}, ${parts[1]}`);
  if (parts.length === 2 && COMPANY_SUFFIX.test(parts[1]!)) return { company: text };
  if (parts.length >= 2) {
    const [first, ...rest] = parts as [string, ...string[]];
    const second = rest.join(', ');
    // "Senior designer, Acme": the job came first.
    if (ROLE_WORD.test(first) && !ROLE_WORD.test(second)) return { company: second, role: first };
    return { company: first, role: second };
  }
  const at = /^(.+?)\s+(?:at|@)\s+(.+)$/i.exec(text);
  if (at && ROLE_WORD.test(at[1]!)) return { company: at[2]!, role: at[1]! };
  return { company: text };
}

/** A day named in the next step ("...by Friday") becomes its due date, so it need not be asked. */
export function dueDateIn(text: string, now: Date): string | undefined {
  for (const hit of chrono.parse(text, now, { forwardDate: true })) {
    if (!/[a-z]/i.test(hit.text)) continue; // a bare number ("2 mock interviews") is not a date
    const day = isoDay(hit.start.date());
    if (day >= isoDay(now) && day <= isoDay(new Date(now.getTime() + 366 * DAY_MS))) return day;
  }
  return undefined;
}

/** The day they were told they'd hear back, from how people say it; none when they weren't told. */
function heardBackDay(text: string | null, now: Date): string | null {
  if (!text) return null;
  const hit = chrono.parse(text, now, { forwardDate: !/\b(last|ago|yesterday|passed)\b/i.test(text) })[0];
  return hit ? isoDay(hit.start.date()) : null;
}

const afterGrowth = (a: Partial<A>): keyof Steps => {
  if (a.outcome === 'rejected') return 'feedback';
  if (a.outcome === 'waiting') return 'hear_back';
  return 'fit';
};

/** The feedback note and the follow-ups already thank them, so "did you thank them?" would repeat. */
const thanksAlreadyCovered = (a: Partial<A>) =>
  a.outcome === 'no_response' || (a.outcome === 'rejected' && (a.feedback === 'not_asked' || a.feedback === 'received'));

// Cues of what to work on, for feedback given in one breath with no clear split.
const TO_WORK_ON = /\b(more|less|improve|work on|lack|lacked|lacking|need(?:ed|s)?|weak|better|missing|didn'?t|not enough|too|wanted)\b/i;

/** "Liked my portfolio; wanted more leadership examples" as the two halves of what they said. */
export function splitFeedback(text: string): { feedback_strengths: string | null; feedback_weaknesses: string | null } {
  const parts = text.split(/\s*(?:\n+|;|\s+but\s+|\s+however,?\s+|\.\s+(?=[A-Z]))\s*/).filter((p) => p.trim() !== '');
  if (parts.length >= 2) return { feedback_strengths: parts[0]!.replace(/[.]$/, ''), feedback_weaknesses: parts.slice(1).join('; ').replace(/[.]$/, '') };
  return TO_WORK_ON.test(text) ? { feedback_strengths: null, feedback_weaknesses: text } : { feedback_strengths: text, feedback_weaknesses: null };
}

const steps: Steps = {
  company: {
    id: 'company',
    prompt: () => 'Which company was it with, and what role? For example: "Northwind, product designer".',
    input: { kind: 'text', maxLength: 200, example: 'Northwind, product designer' },
    schema: debriefAnswers.shape.company,
    help: "The company's name and the job title, so we can find this debrief again later. Your own words for the role are fine.",
    notAnAnswer: (text) => {
      const talk = smallTalkOf(text);
      return talk && SMALL_TALK_REPLY[talk];
    },
    split: (line) => companyAndRole(withoutGreeting(line)),
    // role_asked too: a new first answer makes the role asked apart moot (or asks it afresh).
    fills: ['role', 'role_asked'],
    next: (a) => (a.role && a.role_asked === undefined ? 'stage' : 'role_asked'),
  },
  role_asked: {
    id: 'role_asked',
    prompt: (ctx) => `And the role at ${companyOf(ctx)}?`,
    input: { kind: 'text', maxLength: 200, example: 'Product designer' },
    schema: debriefAnswers.shape.role_asked,
    help: 'The job title as they advertised it is fine, or your own words for it.',
    notAnAnswer: (text) => {
      const talk = smallTalkOf(text);
      return talk && ROLE_TALK_REPLY[talk];
    },
    recordAs: 'role',
    fills: ['role'],
    next: () => 'stage',
  },
  stage: {
    id: 'stage',
    prompt: (ctx) => `${sentence(`${capital(roleOf(ctx))} at ${companyOf(ctx)}`)} Which stage was this?`,
    input: { kind: 'choice', options: stages },
    schema: debriefAnswers.shape.stage,
    help: 'Over time this shows where in the process things tend to go well or stall for you. If I got the company or role wrong, type *back*.',
    next: () => 'interview_date',
  },
  interview_date: {
    id: 'interview_date',
    prompt: () => 'When was it?',
    input: { kind: 'date', direction: 'past', example: '2026-11-20' },
    schema: debriefAnswers.shape.interview_date,
    optional: true,
    help: 'A rough day is fine. It keeps your debriefs in order and tells me how long you have been waiting.',
    next: () => 'outcome',
  },
  outcome: {
    id: 'outcome',
    prompt: () => 'Where did it land?',
    input: { kind: 'choice', options: outcomes },
    schema: debriefAnswers.shape.outcome,
    help: "Pick what's true today. If you're still waiting, we'll think about a follow-up rather than feedback.",
    next: () => 'mood',
  },
  mood: {
    id: 'mood',
    prompt: () => 'How are you feeling about it right now?',
    input: { kind: 'scale', min: 1, max: 5, lowLabel: 'really rough', highLabel: 'good', words: feelingWords },
    schema: debriefAnswers.shape.mood,
    optional: true,
    help: "There's no right answer. It's only for you, so you can see how you bounce back over time.",
    next: () => 'strength_tags',
    after: (mood, ctx) => moodAside(mood, ctx),
  },
  strength_tags: {
    id: 'strength_tags',
    prompt: () => "Let's start with what went well. Which of these were strengths? Add a few words of your own if you like.",
    input: { kind: 'tags', options: strengthTags, textAnswer: 'strengths' },
    schema: debriefAnswers.shape.strength_tags,
    optional: true,
    fills: ['strengths'],
    help: 'Even a tough interview has good moments. Naming them makes them easier to repeat: something you said, a question you asked, a curveball you handled.',
    next: () => 'growth_tags',
  },
  growth_tags: {
    id: 'growth_tags',
    prompt: () => 'And what would you do differently next time? Pick any, or say it in your own words.',
    input: { kind: 'tags', options: growthTags, textAnswer: 'growth_areas' },
    schema: debriefAnswers.shape.growth_tags,
    optional: true,
    fills: ['growth_areas'],
    help: 'Not a list of failures: these make the next interview easier. "Practise salary questions" is easier to act on than "be better".',
    next: afterGrowth,
    after: (_tags, ctx) => (ctx.answers.outcome === 'no_response' ? silenceNote(ctx) : []),
  },
  feedback: {
    id: 'feedback',
    prompt: () => 'Have you asked them for feedback?',
    input: { kind: 'choice', options: feedbackStatuses },
    schema: debriefAnswers.shape.feedback,
    optional: true,
    help: 'Many interviewers are glad to share what they saw, and it is the most direct way to learn from a no.',
    next: (a) => (a.feedback === 'received' ? 'feedback_strengths' : 'fit'),
    after: (status, ctx) =>
      status === 'not_asked'
        ? [
            {
              text: "Asking is what professionals do, and even a line or two back can help. Here's a short note you could send in the next few days:",
              copyable: feedbackRequest(companyOf(ctx), roleOf(ctx)),
            },
          ]
        : status === 'asked'
          ? [{ text: 'Good. If nothing comes back in a week or so, one gentle reminder is fine. Then let it rest.' }]
          : [],
  },
  feedback_strengths: {
    id: 'feedback_strengths',
    prompt: () => 'What did they tell you? What they saw as your strengths, and what to work on.',
    input: { kind: 'text', example: 'Liked my portfolio; wanted more leadership examples' },
    schema: debriefAnswers.shape.feedback_strengths,
    optional: true,
    fills: ['feedback_weaknesses'],
    split: (text) => (text ? splitFeedback(text) : {}),
    help: "Their words, as close as you remember them. It's often about this role at this time, not about you as a person.",
    next: () => 'fit',
    after: () => [{ text: "Thank you for writing it down. A short thank-you for their feedback is worth sending: they didn't have to give it." }],
  },
  hear_back: {
    id: 'hear_back',
    prompt: () => "Did they say when you'd hear back? A day is enough, or \"no\".",
    input: { kind: 'text', maxLength: 200, example: 'by next Friday' },
    schema: debriefAnswers.shape.hear_back,
    optional: true,
    help: 'It tells us when a follow-up is fair: a couple of working days after the day they gave you.',
    split: (text, ctx) => ({ hear_back: heardBackDay(text, ctx.now) }),
    next: () => 'fit',
    after: (_day, ctx) => waitingNote(ctx),
  },
  fit: {
    id: 'fit',
    prompt: (ctx) =>
      ctx.answers.outcome === 'offer'
        ? `Thinking about it calmly: is ${theRole(roleOf(ctx))} at ${companyOf(ctx)} right for you?`
        : `Thinking about it calmly now: was ${theRole(roleOf(ctx))} at ${companyOf(ctx)} right for you?`,
    input: { kind: 'choice', options: fits },
    schema: debriefAnswers.shape.fit,
    optional: true,
    help: "We spend a lot of our lives at work. Sometimes a no saves us from a job that wouldn't have suited us.",
    next: (a) => (thanksAlreadyCovered(a) ? 'contacts' : 'thanked'),
    after: (fit, ctx) => {
      if (ctx.answers.outcome === 'offer')
        return [
          {
            text:
              fit === 'no' || fit === 'partly'
                ? "That's worth weighing before you answer. These questions can help you decide:"
                : 'Before you say yes, these are worth asking:',
            copyable: offerQuestions(),
          },
        ];
      return fit === 'no' || fit === 'partly' ? [{ text: "That's worth knowing. It can point you to roles that suit you better." }] : [];
    },
  },
  thanked: {
    id: 'thanked',
    prompt: () => 'Did you thank the interviewer for their time?',
    input: {
      kind: 'yesno',
      yes: ['sent a thank you', 'thank you email', 'thank you note', 'sent a note', 'emailed them', 'thanked them', 'said thanks', 'said thank you', 'at the end', 'on the call', 'in person', 'on linkedin', 'wrote to them'],
      no: ['forgot to', 'didnt get the chance', 'no chance', 'should i', 'not yet'],
    },
    schema: debriefAnswers.shape.thanked,
    optional: true,
    help: 'A short thank-you, whatever the outcome, keeps the door open. Industries are smaller than they look.',
    next: () => 'contacts',
    after: (yes, ctx) =>
      yes
        ? [{ text: 'Good. A gracious thank-you is remembered.' }]
        : [
            {
              text: "It's not too late. Here's a short note you could send:",
              copyable: thankYouNote(companyOf(ctx), roleOf(ctx), ctx.answers.outcome),
            },
          ],
  },
  contacts: {
    id: 'contacts',
    prompt: () => 'Did you meet anyone worth staying in touch with?',
    input: { kind: 'text', example: 'Sam, the hiring manager: connect on LinkedIn' },
    schema: debriefAnswers.shape.contacts,
    optional: true,
    help: 'Someone you met may think of you for the next role, or know someone who is hiring.',
    next: () => 'next_step',
  },
  next_step: {
    id: 'next_step',
    prompt: () => 'Last thing: one concrete step you\'ll take next, and by when? For example: "Practise two salary answers by Friday".',
    input: { kind: 'text', maxLength: 500, example: 'Practise two salary answers by Friday' },
    schema: debriefAnswers.shape.next_step,
    // "nothing", "none", "skip" leave it empty: a step can't be forced, and a made-up one helps no one.
    optional: true,
    help: "Small and specific works best. I'll keep it and can check in with you on it later. If nothing comes to mind, type *skip*.",
    notAnAnswer: (text, ctx) =>
      smallTalkOf(text) === 'confusion' || UNSURE.has(withoutNoise(normalize(text).split(' ')).join(' '))
        ? `That's okay, it can be something small, like "${stepIdea(ctx.answers)}". Or type *skip* to leave it for now.`
        : undefined,
    split: (text, ctx) => {
      const due = text ? dueDateIn(text, ctx.now) : undefined;
      return due ? { next_step: text, next_step_due: due } : { next_step: text };
    },
    fills: ['next_step_due'],
    confirm: (value, ctx) => (value ? nextStepConfirmation(value, ctx.answers.company) : null),
    next: (a) => (a.next_step && !a.next_step_due ? 'next_step_due' : null),
  },
  next_step_due: {
    id: 'next_step_due',
    prompt: () => 'By when would you like to have done it?',
    input: { kind: 'date', direction: 'future', example: 'next Friday' },
    schema: debriefAnswers.shape.next_step_due,
    optional: true,
    help: 'A day gives the step a shape. Skip it if you would rather not set one.',
    next: () => null,
  },
};

// Said before the first question again when the answer was only talk: warm, never "that's not a company".
const SMALL_TALK_REPLY: Record<SmallTalk, string> = {
  greeting: "Hi! Let's start with the interview.",
  thanks: "You're welcome! Let's start with the interview.",
  agreement: "Great. Let's start with the interview.",
  blank: "No rush. Let's start with the interview.",
  confusion: "No worries. I'll ask a few short questions about an interview you had, so you can take something useful from it.",
};

// The same at "And the role at Acme?": "ok" or "hi" there is not a job called Ok.
const ROLE_TALK_REPLY: Record<SmallTalk, string> = {
  greeting: 'Hi!',
  thanks: "You're welcome!",
  agreement: 'Great.',
  blank: 'No rush.',
  confusion: 'The job you interviewed for, in your own words, is all I need, like "product designer".',
};

// "Not sure yet" at the next step is an open door, not a no: it gets an idea and the way to skip.
const UNSURE = new Set(
  [
    'not sure', 'not sure yet', 'im not sure', 'im not sure yet', 'i am not sure', 'unsure', 'idk', 'idk yet', 'i dont know',
    'dont know', 'i dont know yet', 'dont know yet', 'dunno', 'i dunno', 'dunno yet', 'no idea', 'no idea yet', 'no clue',
    'not a clue', 'who knows', 'good question', 'let me think', 'still thinking', 'not really sure', 'not sure really',
    'any ideas', 'any suggestions', 'suggestions', 'what do you suggest', 'what should i do', 'what would you suggest',
    'idk what to do', 'no idea what to do', 'not sure what to do', 'i dont know what to do', 'dont know what to do',
    'hard to say', 'not sure tbh',
  ].map((p) => normalize(p)),
);

// One idea for a next step, from what they said they would do differently.
const IDEA_FOR_GROWTH: Record<string, string> = {
  preparation: 'Do one mock interview by Sunday',
  nerves: 'Practise three answers out loud with a friend this week',
  concise: 'Time three answers at two minutes each by Friday',
  technical: 'Do three practice problems this week',
  examples: 'Write two STAR stories by Sunday',
  salary: 'Practise two salary answers by Friday',
  company_research: 'Spend an hour reading up on the next company before the interview',
  questions: 'Write three questions to ask at the next interview',
};

function stepIdea(a: Partial<A>): string {
  const company = a.company ?? 'them';
  if (a.feedback === 'not_asked') return `Send ${company} the feedback note by Friday`;
  if (a.outcome === 'no_response') return `Send ${company} the short follow-up note`;
  if (a.thanked === false) return `Send ${company} the thank-you note tomorrow`;
  const growth = a.growth_tags?.map((t) => IDEA_FOR_GROWTH[t]).find((idea) => idea !== undefined);
  return growth ?? 'Write down one thing to practise before the next interview';
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** No response: a status note suited to how long the silence has lasted. */
function silenceNote(ctx: Ctx): Aside[] {
  const days = daysSince(ctx.answers, ctx.now);
  const copyable = statusFollowUp(companyOf(ctx), roleOf(ctx), days);
  if (days === null) return [{ text: "When you've heard nothing, a short note asking where things stand is fair. Something like this:", copyable }];
  if (days < 7)
    return [{ text: "It's only been a few days, so give it until about a week after the interview. Then a note like this is fair:", copyable }];
  if (days < 14) return [{ text: "A week or more of silence: a short note asking about the timeline is fair now. Something like this:", copyable }];
  return [
    {
      text: `After ${Math.floor(days / 7)} weeks of silence, a short note asking where things stand is fair. If nothing comes back, it's fine to let this one go.`,
      copyable,
    },
  ];
}

/** Still waiting: a follow-up timed from the day they gave. */
function waitingNote(ctx: Ctx): Aside[] {
  const day = ctx.answers.hear_back ?? null;
  const copyable = waitingFollowUp(companyOf(ctx), roleOf(ctx), day ? dayName(day) : null);
  if (day && day > isoDay(ctx.now))
    return [{ text: `If you haven't heard by ${dayName(day)}, give it two working days, then send something like this:`, copyable }];
  if (day) return [{ text: 'That day has passed, so a short, friendly follow-up now is fair:', copyable }];
  const days = daysSince(ctx.answers, ctx.now);
  return days !== null && days >= 7
    ? [{ text: "It's been over a week, so a short check-in now is fair:", copyable }]
    : [{ text: 'About a week after the interview is a good time to check in, with something like this:', copyable }];
}

function moodAside(mood: number | null, ctx: Ctx): Aside[] {
  if (mood === null) return [];
  const outcome = ctx.answers.outcome;
  if (mood <= 2) {
    const why =
      outcome === 'no_response'
        ? 'Silence is hard to sit with, and it says more about their process than about you.'
        : outcome === 'waiting'
          ? 'Not knowing can feel worse than an answer. Whatever they decide, it is one step, not a verdict on you.'
          : outcome === 'offer'
            ? 'Mixed feelings about an offer are common. Looking at it calmly may help you decide.'
            : 'One interview says very little about what you are worth. Often it comes down to this role at this moment.';
    return [{ text: `I'm sorry. That's a hard place to be, and it makes sense to feel it. ${why} Let's see what you can take from it; you can pause any time.` }];
  }
  if (outcome === 'offer' && mood >= 4) return [{ text: 'Congratulations, that is great news!' }];
  return [];
}

function outcomeClosing(a: Partial<A>): string {
  switch (a.outcome) {
    case 'offer':
      return 'Well done. Whatever you decide, the strengths you named are yours to bring to the next step.';
    case 'waiting':
      return "Waiting is hard. Whatever they decide, you've already learned something from it.";
    case 'no_response':
      return "Silence is frustrating, and it says more about their process than about you. You've still learned something here.";
    default:
      return (
        "This one was a no, and it still taught you something. The interview that leads to the right job may be " +
        'closer than it feels.'
      );
  }
}

function summaryCard(a: Partial<A>) {
  const list = (tagIds: readonly string[] | null | undefined, options: readonly Option[], text?: string | null) =>
    [...(tagIds ?? []).map((id) => labelOf(options, id)), ...(text ? [text] : [])].join('; ') || 'not noted';
  const fields = [
    { label: 'Interview', value: `${a.role} at ${a.company}` },
    { label: 'Stage', value: `${labelOf(stages, a.stage)}${a.interview_date ? `, ${a.interview_date}` : ''}` },
    { label: 'Outcome', value: labelOf(outcomes, a.outcome) },
    ...(a.mood ? [{ label: 'Feeling', value: `${a.mood} of 5` }] : []),
    { label: 'Went well', value: list(a.strength_tags, strengthTags, a.strengths) },
    { label: 'To work on', value: list(a.growth_tags, growthTags, a.growth_areas) },
    ...(a.feedback ? [{ label: 'Feedback', value: labelOf(feedbackStatuses, a.feedback) }] : []),
    ...(a.feedback_strengths ? [{ label: 'They saw as strengths', value: a.feedback_strengths }] : []),
    ...(a.feedback_weaknesses ? [{ label: 'They saw room to grow in', value: a.feedback_weaknesses }] : []),
    ...(a.hear_back ? [{ label: 'Expecting news by', value: dayName(a.hear_back) }] : []),
    ...(a.fit ? [{ label: 'Right for you?', value: labelOf(fits, a.fit) }] : []),
    ...(a.contacts ? [{ label: 'Stay in touch with', value: a.contacts }] : []),
    ...(a.next_step ? [{ label: 'Next step', value: `${a.next_step}${a.next_step_due ? ` (by ${a.next_step_due})` : ''}` }] : []),
  ];
  return { title: `Your debrief: ${a.company}`, fields };
}

const freeText = ['strengths', 'growth_areas', 'feedback_strengths', 'feedback_weaknesses', 'contacts', 'next_step'] as const;

export const debriefFlow: Flow<A> = {
  id: 'debrief',
  title: 'debrief',
  first: 'company',
  steps,
  intro: () =>
    "Let's debrief. A few short questions, about five minutes. It's private to you, and everything is saved " +
    'as you go, so you can pause any time (type *help* to see how).',
  subject: (a) => (a.company ? (a.role ? `${a.company} (${a.role})` : a.company) : undefined),
  reactToText: (text, ctx) => angerAside(text, ctx.answers.company),
  complete: (a, ctx) => ({
    card: summaryCard(calmForCard(a, freeText, a.company)),
    closing: [
      {
        text:
          `${a.next_step ? '' : "No next step this time, and that's fine. "}${outcomeClosing(a)}\n\nI've saved this debrief. \`/debrief history\` shows your debriefs and ` +
          '`/debrief insights` the patterns across them.',
      },
    ],
    // The terminal only answers when spoken to, so it offers no weekly check-in it could not send.
    offers: ctx.platform === 'console' ? [] : [
      {
        text: `Would a weekly check-in help? I would ask about interviews${a.next_step ? ' and how your next step is going' : ' and how you are doing'}. You can stop it any time.`,
        choices: [{ id: choiceIds.command('checkins', 'on'), label: 'Yes, check in weekly' }],
        promptRef: commandPromptRef(ctx.now),
        expectsText: false,
      },
    ],
    save: (records) =>
      records.saveDebrief({
        company: a.company ?? '',
        role: a.role ?? '',
        stage: a.stage ?? 'other',
        interviewDate: a.interview_date ?? null,
        outcome: a.outcome ?? 'waiting',
        mood: a.mood ?? null,
        strengthTags: a.strength_tags ?? [],
        strengths: a.strengths ?? null,
        growthTags: a.growth_tags ?? [],
        growthAreas: a.growth_areas ?? null,
        feedbackStatus: a.feedback ?? null,
        feedbackStrengths: a.feedback_strengths ?? null,
        feedbackWeaknesses: a.feedback_weaknesses ?? null,
        fit: a.fit ?? null,
        thanked: a.thanked ?? null,
        contacts: a.contacts ?? null,
        nextStep: a.next_step ? { text: a.next_step, due: a.next_step_due ?? null } : null,
      }),
  }),
};
