import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Aside, Flow, Option, Step, StepContext } from '../engine/flow.js';
import { choiceIds, commandPromptRef } from '../engine/ids.js';
import { angerAside } from './anger.js';
import { feedbackRequest, followUpNote, thankYouNote } from './templates.js';

/**
 * The debrief: a short, kind walk through one interview. Built on a few ideas: a "no" is something
 * to learn from; ask what the interviewer saw as strengths and weaknesses; take it graciously and keep
 * doors open; think long term. Prompts stay short, since people read them at a low moment.
 */

export const stages = [
  { id: 'screen', label: 'Phone or recruiter screen' },
  { id: 'technical', label: 'Technical or skills' },
  { id: 'panel', label: 'Panel or onsite' },
  { id: 'final', label: 'Final round' },
  { id: 'other', label: 'Something else' },
] as const satisfies readonly Option[];

export const outcomes = [
  { id: 'rejected', label: "It was a no" },
  { id: 'waiting', label: 'Still waiting' },
  { id: 'no_response', label: 'No response' },
  { id: 'offer', label: 'I got an offer' },
] as const satisfies readonly Option[];

export const strengthTags = [
  { id: 'preparation', label: 'Preparation' },
  { id: 'communication', label: 'Clear communication' },
  { id: 'technical', label: 'Technical depth' },
  { id: 'problem_solving', label: 'Problem solving' },
  { id: 'examples', label: 'Good examples' },
  { id: 'rapport', label: 'Rapport' },
  { id: 'questions', label: 'My questions for them' },
  { id: 'composure', label: 'Staying calm' },
] as const satisfies readonly Option[];

export const growthTags = [
  { id: 'preparation', label: 'Preparation' },
  { id: 'nerves', label: 'Nerves' },
  { id: 'concise', label: 'Concise answers' },
  { id: 'technical', label: 'Technical gaps' },
  { id: 'examples', label: 'Examples and stories' },
  { id: 'salary', label: 'Salary questions' },
  { id: 'company_research', label: 'Research on the company' },
  { id: 'questions', label: 'Questions for them' },
] as const satisfies readonly Option[];

export const feedbackStatuses = [
  { id: 'received', label: 'I got some feedback' },
  { id: 'asked', label: "I asked, no reply yet" },
  { id: 'not_asked', label: "I haven't asked" },
] as const satisfies readonly Option[];

export const fits = [
  { id: 'yes', label: 'Yes, a good fit' },
  { id: 'partly', label: 'Partly' },
  { id: 'no', label: 'Not really' },
  { id: 'unsure', label: 'Not sure yet' },
] as const satisfies readonly Option[];

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
  stage: z.enum(ids(stages)),
  interview_date: isoDate.nullable(),
  outcome: z.enum(ids(outcomes)),
  mood: z.number().int().min(1).max(5).nullable(),
  strength_tags: tags(strengthTags).nullable(),
  strengths: longText.nullable(),
  growth_tags: tags(growthTags).nullable(),
  growth_areas: longText.nullable(),
  follow_up: z.boolean().nullable(),
  feedback: z.enum(ids(feedbackStatuses)).nullable(),
  feedback_request: z.boolean().nullable(),
  feedback_strengths: longText.nullable(),
  feedback_weaknesses: longText.nullable(),
  fit: z.enum(ids(fits)).nullable(),
  thanked: z.boolean().nullable(),
  contacts: longText.nullable(),
  next_step: z.string().min(1).max(500, { error: 'Please keep the next step under 500 characters.' }),
  next_step_due: isoDate.nullable(),
});

export type DebriefAnswers = z.infer<typeof debriefAnswers>;
type A = DebriefAnswers;
type Ctx = StepContext<A>;
type Steps = { [K in keyof A & string]: Step<A, K> };

const labelOf = (options: readonly Option[], id: string | null | undefined) =>
  options.find((o) => o.id === id)?.label ?? '';
const companyOf = (ctx: Ctx) => ctx.answers.company ?? 'them';
const roleOf = (ctx: Ctx) => ctx.answers.role ?? 'the role';

const afterGrowth = (a: Partial<A>): keyof A & string => {
  if (a.outcome === 'waiting') return 'follow_up';
  if (a.outcome === 'offer') return 'fit';
  return 'feedback';
};

const steps: Steps = {
  company: {
    id: 'company',
    prompt: () => 'Which company was the interview with?',
    input: { kind: 'text', maxLength: 200, example: 'Acme Ltd' },
    schema: debriefAnswers.shape.company,
    help: "Just the company's name, so we can find this debrief again later.",
    next: () => 'role',
  },
  role: {
    id: 'role',
    prompt: (ctx) => `And the role at ${companyOf(ctx)}?`,
    input: { kind: 'text', maxLength: 200, example: 'Product designer' },
    schema: debriefAnswers.shape.role,
    help: 'The job title as they advertised it is fine, or your own words for it.',
    next: () => 'stage',
  },
  stage: {
    id: 'stage',
    prompt: () => 'Which stage was this?',
    input: { kind: 'choice', options: stages },
    schema: debriefAnswers.shape.stage,
    help: 'Over time this shows where in the process things tend to go well or stall for you.',
    next: () => 'interview_date',
  },
  interview_date: {
    id: 'interview_date',
    prompt: () => 'When was it?',
    input: { kind: 'date', direction: 'past', example: '2026-11-20' },
    schema: debriefAnswers.shape.interview_date,
    optional: true,
    help: 'A rough day is fine. It helps keep your debriefs in order.',
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
    input: { kind: 'scale', min: 1, max: 5, lowLabel: 'really rough', highLabel: 'good' },
    schema: debriefAnswers.shape.mood,
    optional: true,
    help: "There's no right answer. It's only for you, so you can see how you bounce back over time.",
    next: () => 'strength_tags',
    after: (mood, ctx) => moodAside(mood, ctx),
  },
  strength_tags: {
    id: 'strength_tags',
    prompt: () => "Let's start with what went well. Which of these were strengths?",
    input: { kind: 'tags', options: strengthTags },
    schema: debriefAnswers.shape.strength_tags,
    optional: true,
    help: 'Even a tough interview has good moments. Naming them makes them easier to repeat.',
    next: () => 'strengths',
  },
  strengths: {
    id: 'strengths',
    prompt: () => 'In a sentence or two, a moment you were pleased with?',
    input: { kind: 'text', example: 'My answer about the migration project landed well' },
    schema: debriefAnswers.shape.strengths,
    optional: true,
    help: 'Something you said, a question you asked, how you handled a curveball.',
    next: () => 'growth_tags',
  },
  growth_tags: {
    id: 'growth_tags',
    prompt: () => 'And what would you like to do differently next time?',
    input: { kind: 'tags', options: growthTags },
    schema: debriefAnswers.shape.growth_tags,
    optional: true,
    help: "Not a list of failures: these are the things that will make the next interview easier.",
    next: () => 'growth_areas',
  },
  growth_areas: {
    id: 'growth_areas',
    prompt: () => 'In your own words, what would you change?',
    input: { kind: 'text', example: 'Prepare a crisper answer about why I left my last job' },
    schema: debriefAnswers.shape.growth_areas,
    optional: true,
    help: 'Be as specific as you can: "practise salary questions" is easier to act on than "be better".',
    next: afterGrowth,
  },
  follow_up: {
    id: 'follow_up',
    prompt: (ctx) => `While you wait: would a short, friendly follow-up note to ${companyOf(ctx)} help?`,
    input: { kind: 'yesno' },
    schema: debriefAnswers.shape.follow_up,
    optional: true,
    help: "A polite check-in after a week or so is normal and shows you're still keen.",
    next: () => 'fit',
    after: (yes, ctx) => (yes ? [{ text: 'Here is one you can copy and adjust:', copyable: followUpNote(companyOf(ctx), roleOf(ctx)) }] : []),
  },
  feedback: {
    id: 'feedback',
    prompt: () => 'Have you asked them for feedback?',
    input: { kind: 'choice', options: feedbackStatuses },
    schema: debriefAnswers.shape.feedback,
    optional: true,
    help: 'Many interviewers are glad to share what they saw, and it is the most direct way to learn from a no.',
    next: (a) =>
      a.feedback === 'received' ? 'feedback_strengths' : a.feedback === 'not_asked' ? 'feedback_request' : 'fit',
  },
  feedback_request: {
    id: 'feedback_request',
    prompt: () => 'Would a short, gracious note asking for feedback help? I can draft one.',
    input: { kind: 'yesno' },
    schema: debriefAnswers.shape.feedback_request,
    optional: true,
    help: "Asking is a sign of a professional, not a sore loser. Even a line or two back can be worth a lot.",
    next: () => 'fit',
    after: (yes, ctx) =>
      yes
        ? [
            {
              text: 'Here is one you can copy and adjust. Sending it within a few days works best:',
              copyable:
                ctx.answers.outcome === 'no_response'
                  ? followUpNote(companyOf(ctx), roleOf(ctx))
                  : feedbackRequest(companyOf(ctx), roleOf(ctx)),
            },
          ]
        : [],
  },
  feedback_strengths: {
    id: 'feedback_strengths',
    prompt: () => 'What did they see as your strengths?',
    input: { kind: 'text', example: 'Strong portfolio, clear thinking' },
    schema: debriefAnswers.shape.feedback_strengths,
    optional: true,
    help: 'Their words, as close as you remember them. Strengths are worth keeping as much as weaknesses.',
    next: () => 'feedback_weaknesses',
  },
  feedback_weaknesses: {
    id: 'feedback_weaknesses',
    prompt: () => 'And where did they think you could improve?',
    input: { kind: 'text', example: 'Wanted more leadership examples' },
    schema: debriefAnswers.shape.feedback_weaknesses,
    optional: true,
    help: "Often it's about this role at this time, not about you as a person. Note it down plainly.",
    next: () => 'fit',
  },
  fit: {
    id: 'fit',
    prompt: (ctx) => `Thinking about it calmly now: was ${roleOf(ctx)} at ${companyOf(ctx)} right for you?`,
    input: { kind: 'choice', options: fits },
    schema: debriefAnswers.shape.fit,
    optional: true,
    help: "We spend a lot of our lives at work. Sometimes a no saves us from a job that wouldn't have suited us.",
    next: () => 'thanked',
    after: (fit) =>
      fit === 'no' || fit === 'partly'
        ? [{ text: "That's worth knowing. It can point you to roles that suit you better." }]
        : [],
  },
  thanked: {
    id: 'thanked',
    prompt: () => 'Did you thank the interviewer for their time?',
    input: { kind: 'yesno' },
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
    help: 'An interviewer who liked you may think of you for the next role, or know someone who is hiring.',
    next: () => 'next_step',
  },
  next_step: {
    id: 'next_step',
    prompt: () => "Last thing: what's one concrete step you'll take next?",
    input: { kind: 'text', maxLength: 500, example: 'Practise two salary answers out loud by Friday' },
    schema: debriefAnswers.shape.next_step,
    help: "Small and specific works best. I'll keep it and can check in with you on it later.",
    next: () => 'next_step_due',
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

function moodAside(mood: number | null, ctx: Ctx): Aside[] {
  if (mood === null) return [];
  if (mood <= 2) {
    return [
      {
        text:
          "I'm sorry. That's a hard place to be, and it makes sense to feel it. One interview says very little " +
          'about what you are worth: often the people you met liked you, and it came down to this role at this ' +
          "moment. Let's see what you can take from it. It only takes a few minutes, and you can pause any time.",
      },
    ];
  }
  if (ctx.answers.outcome === 'offer' && mood >= 4) return [{ text: 'Congratulations, that is great news!' }];
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
    ...(a.fit ? [{ label: 'Right for you?', value: labelOf(fits, a.fit) }] : []),
    ...(a.contacts ? [{ label: 'Stay in touch with', value: a.contacts }] : []),
    { label: 'Next step', value: `${a.next_step}${a.next_step_due ? ` (by ${a.next_step_due})` : ''}` },
  ];
  return { title: `Your debrief: ${a.company}`, fields };
}

export const debriefFlow: Flow<A> = {
  id: 'debrief',
  title: 'debrief',
  first: 'company',
  steps,
  intro: () =>
    "Let's debrief. A few short questions, about five minutes. It's private to you, and everything is saved " +
    'as you go, so you can pause any time (type *help* to see how).',
  subject: (a) => (a.company ? (a.role ? `${a.company} (${a.role})` : a.company) : undefined),
  reactToText: (text) => angerAside(text),
  complete: (a, ctx) => ({
    card: summaryCard(a),
    closing: [
      {
        text:
          `${outcomeClosing(a)}\n\nI've saved this debrief. \`/debrief history\` shows your debriefs and ` +
          '`/debrief insights` the patterns across them.',
      },
    ],
    offers: [
      {
        text: 'Would a weekly check-in help? I would ask about interviews and how your next step is going. You can stop it any time.',
        choices: [{ id: choiceIds.command('checkins', 'on'), label: 'Yes, check in weekly' }],
        promptRef: commandPromptRef(ctx.now),
        expectsText: false,
      },
    ],
    save: async ({ trx, memberId, conversationId, now }) => {
      const debriefId = randomUUID();
      await trx
        .insertInto('debriefs')
        .values({
          id: debriefId,
          member_id: memberId,
          conversation_id: conversationId,
          company: a.company ?? '',
          role: a.role ?? '',
          stage: a.stage ?? 'other',
          interview_date: a.interview_date ?? null,
          outcome: a.outcome ?? 'waiting',
          mood: a.mood ?? null,
          strength_tags: JSON.stringify(a.strength_tags ?? []),
          strengths: a.strengths ?? null,
          growth_tags: JSON.stringify(a.growth_tags ?? []),
          growth_areas: a.growth_areas ?? null,
          feedback_status: a.feedback ?? null,
          feedback_strengths: a.feedback_strengths ?? null,
          feedback_weaknesses: a.feedback_weaknesses ?? null,
          fit: a.fit ?? null,
          thanked: a.thanked ?? null,
          contacts: a.contacts ?? null,
          next_step: a.next_step ?? null,
          created_at: now,
        })
        .execute();
      if (a.next_step) {
        await trx
          .insertInto('action_items')
          .values({
            id: randomUUID(),
            member_id: memberId,
            debrief_id: debriefId,
            text: a.next_step,
            due_date: a.next_step_due ?? null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    },
  }),
};
