import { z } from 'zod';
import type { Flow, Option, Step } from '../engine/flow.js';

/**
 * The weekly personal check-in: any interviews this week, then each open next step the member set
 * themselves: done, still on it, or drop. At most five steps a week, oldest first; the rest wait.
 */

const MAX_ITEMS = 5;
const itemStatuses = [
  {
    id: 'done',
    label: 'Done',
    synonyms: [
      'did it', 'i did it', 'done it', 'finished', 'finished it', 'completed', 'complete', 'all done', 'yes', 'yep',
      'yeah', 'sent it', 'i sent it', 'got it done', 'ticked off', 'checked off', 'nailed it', 'sorted', 'handled',
      'yes done', 'yeah done', 'i did', 'did', 'its done', 'already did it', 'already done', 'managed it',
    ],
  },
  {
    id: 'open',
    label: 'Still on it',
    synonyms: [
      'still on it', 'working on it', 'still working on it', 'in progress', 'ongoing', 'not yet', 'not done yet',
      'not finished', 'halfway', 'half done', 'started', 'started it', 'getting there', 'almost', 'nearly',
      'nearly done', 'almost done', 'keep it', 'keep', 'still going', 'still doing it', 'on it', 'later',
      'next week', 'not quite', 'slowly', 'havent finished', 'not yet but soon', 'still', 'pending', 'wip',
    ],
  },
  {
    id: 'dropped',
    label: 'Drop it',
    synonyms: [
      'drop', 'drop it', 'dropped', 'dropped it', 'forget it', 'forget about it', 'give up', 'gave up', 'abandon',
      'abandoned', 'cancel it', 'scrap it', 'scrapped', 'delete it', 'remove it', 'no longer', 'not relevant',
      'no longer relevant', 'doesnt matter', 'doesnt matter anymore', 'not doing it', 'wont do it', 'not going to',
      'nah drop it', 'skip it', 'let it go', 'letting it go', 'no point', 'moved on', 'changed my mind', 'bin it',
    ],
  },
] as const satisfies readonly Option[];

const itemStatus = z.enum(['done', 'open', 'dropped']).nullable();
export const checkinAnswers = z.object({
  items: z.array(z.object({ id: z.string(), text: z.string(), due: z.string().nullable() })),
  interviews: z.boolean().nullable(),
  item_1: itemStatus,
  item_2: itemStatus,
  item_3: itemStatus,
  item_4: itemStatus,
  item_5: itemStatus,
});
type A = z.infer<typeof checkinAnswers>;
type ItemKey = 'item_1' | 'item_2' | 'item_3' | 'item_4' | 'item_5';
const itemKeys: ItemKey[] = ['item_1', 'item_2', 'item_3', 'item_4', 'item_5'];

/** The step after item n (1-based): the next item if there is one, else the end. */
const afterItem = (n: number) => (a: Partial<A>) => ((a.items?.length ?? 0) > n ? itemKeys[n]! : null);

function itemStep(n: number): Step<A, ItemKey> {
  const key = itemKeys[n - 1]!;
  return {
    id: key,
    prompt: (ctx) => {
      const item = ctx.answers.items?.[n - 1];
      const due = item?.due ? ` (by ${item.due})` : '';
      return `${n === 1 ? 'Your next steps. ' : ''}*${item?.text ?? ''}*${due}: how is it going?`;
    },
    input: { kind: 'choice', options: itemStatuses },
    schema: checkinAnswers.shape[key],
    optional: true,
    help: '"Still on it" keeps it for next week; "Drop it" is fine too: plans change.',
    next: afterItem(n),
    after: (status) => (status === 'done' ? [{ text: 'Nice work.' }] : []),
  };
}

const steps = {
  interviews: {
    id: 'interviews',
    prompt: () => 'Any interviews this week?',
    input: {
      kind: 'yesno',
      yes: ['had one', 'i had one', 'one', 'a couple', 'two', 'a few', 'several', 'just one', 'yes one', 'yeah one', 'yeah a couple', 'had an interview', 'had a couple', 'loads', 'a bunch'],
      no: ['nothing', 'nothing this week', 'none this week', 'no interviews', 'not this week', 'quiet week', 'a quiet week', 'zero', 'zilch', 'nada', 'none', 'nope none', 'no luck', 'not a single one'],
    },
    schema: checkinAnswers.shape.interviews,
    optional: true,
    help: "If you had one, we can debrief it at the end. It's about five minutes.",
    next: (a: Partial<A>) => ((a.items?.length ?? 0) > 0 ? 'item_1' : null),
  } satisfies Step<A, 'interviews'>,
  item_1: itemStep(1),
  item_2: itemStep(2),
  item_3: itemStep(3),
  item_4: itemStep(4),
  item_5: itemStep(5),
};

export const checkinFlow: Flow<A> = {
  id: 'checkin',
  title: 'check-in',
  first: 'interviews',
  steps: steps as unknown as Flow<A>['steps'],
  intro: () => "Hi! Here's your weekly check-in. It takes a minute.",
  subject: () => 'this week',
  load: async ({ records }) => ({ items: await records.openSteps(MAX_ITEMS) }),
  seed: ({ loaded }) => ({ items: (loaded?.items as A['items'] | undefined) ?? [] }),
  complete: (a) => {
    const items = a.items ?? [];
    const statuses = items.map((item, i) => ({ item, status: a[itemKeys[i]!] ?? 'open' }));
    const count = (s: string) => statuses.filter((x) => x.status === s).length;
    const parts = [
      count('done') ? `${count('done')} done` : '',
      count('open') ? `${count('open')} still on` : '',
      count('dropped') ? `${count('dropped')} dropped` : '',
    ].filter(Boolean);
    const summary = items.length > 0 ? `Your next steps: ${parts.join(', ')}. ` : '';
    return {
      closing: [
        {
          text: a.interviews
            ? `${summary}Let's debrief that interview while it's fresh.`
            : `${summary}Thanks for checking in. See you next week; \`/debrief checkins off\` stops these any time.`,
        },
      ],
      ...(a.interviews ? { chain: 'debrief' } : {}),
      save: async (records) => {
        for (const { item, status } of statuses) if (status !== 'open') await records.closeStep(item.id, status);
      },
    };
  },
};
