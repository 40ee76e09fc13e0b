import { z } from 'zod';
import type { Flow, Option, Step } from '../engine/flow.js';

/**
 * The weekly personal check-in: any interviews this week, then each open next step the member set
 * themselves: done, still on it, or drop. At most five steps a week, oldest first; the rest wait.
 */

const MAX_ITEMS = 5;
const itemStatuses = [
  { id: 'done', label: 'Done' },
  { id: 'open', label: 'Still on it' },
  { id: 'dropped', label: 'Drop it' },
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
    input: { kind: 'yesno' },
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
  load: async ({ db, memberId }) => {
    const items = await db
      .selectFrom('action_items')
      .select(['id', 'text', 'due_date'])
      .where('member_id', '=', memberId)
      .where('status', '=', 'open')
      .orderBy('created_at')
      .orderBy('id')
      .limit(MAX_ITEMS)
      .execute();
    return { items: items.map((i) => ({ id: i.id, text: i.text, due: i.due_date })) };
  },
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
      save: async ({ trx, memberId, now }) => {
        for (const { item, status } of statuses) {
          if (status === 'open') continue;
          await trx
            .updateTable('action_items')
            .set({ status, updated_at: now })
            .where('id', '=', item.id)
            .where('member_id', '=', memberId)
            .where('status', '=', 'open')
            .execute();
        }
      },
    };
  },
};
