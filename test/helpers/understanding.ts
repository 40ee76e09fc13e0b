import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/types.js';
import { inputOf, type AnyStep, type FlowRegistry } from '../../src/engine/flow.js';
import { choiceIds, OPEN_PROMPT } from '../../src/engine/ids.js';
import type { Reply, TurnInput, TurnResult } from '../../src/engine/types.js';
import { createFlowRegistry } from '../../src/flows/index.js';

/**
 * The understanding corpus (test/fixtures/understanding) run through the real engine on a database:
 * for each utterance a conversation is brought to its question, the text is sent as a turn, and what
 * was stored (or asked back) is compared with the label. Shared by the test and `npm run bench`.
 */

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/understanding');

/** The files scored here, and the category each one's entries count in. Other files (anger.json)
 *  share the folder and the entry shape but are scored by their own test. */
const FILES = { 'choices.json': 'choices', 'dates.json': 'dates', 'yesno.json': 'yes/no', 'none.json': 'none', 'smalltalk.json': 'small talk' } as const;
export type Category = (typeof FILES)[keyof typeof FILES];

/** One labelled utterance. `expect` is what must be stored: an option id, tag ids, a number, an ISO
 *  day, true/false, null; or `{question: true}` (nothing stored, a question back), or
 *  `{clarify: [ids]}` (nothing stored, a short question naming just those options). */
export interface Entry {
  flow?: string;
  step: string;
  text: string;
  expect: unknown;
  /** The moment the person writes, for dates (ISO); defaults to DEFAULT_NOW. */
  now?: string;
  category: Category;
}

export const DEFAULT_NOW = '2026-11-27T12:00:00Z';

export function loadCorpus(dir = CORPUS_DIR): Entry[] {
  return Object.entries(FILES).flatMap(([file, category]) =>
    (JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Entry, 'category'>[]).map((e) => ({ ...e, category })),
  );
}

/** What the test needs from a running engine: a turn, the clock, and the database to read back. */
export interface Driver {
  send(userId: string, input: TurnInput): Promise<TurnResult>;
  setNow(at: Date): void;
  db: Kysely<Database>;
}

export interface Result {
  entry: Entry;
  ok: boolean;
  /** What was stored, or the bot's reply when nothing was. */
  got: string;
  /** Everything the bot said in reply, for checks on the words (a cool-off, a clarifying question). */
  reply: string;
}

const lastPrompt = (r: TurnResult | undefined): Reply | undefined => [...(r?.replies ?? [])].reverse().find((x) => x.promptRef);
const said = (r: TurnResult | undefined) => (r?.replies ?? []).map((x) => x.text).join(' | ');

/** Answers on the way to a question, chosen so the path passes through it. */
function routeAnswer(step: string, target: string): string | undefined {
  if (step === 'outcome') return target === 'hear_back' ? 'waiting' : 'rejected';
  // "Did you thank them?" comes after a no only when the feedback was asked for and not yet answered.
  if (step === 'feedback') return target.startsWith('feedback_') ? 'received' : target === 'thanked' ? 'asked' : undefined;
  if (step === 'interviews') return 'no';
  return undefined;
}

// The next step can be skipped, but a walk to its due date must name one.
const TEXT_ON_THE_WAY: Record<string, string> = { company: 'Acme, Product designer', role_asked: 'Product designer', next_step: 'Practise salary answers' };

class Walk {
  conversationId: string | null = null;
  last: TurnResult | undefined;
  constructor(
    private driver: Driver,
    private flows: FlowRegistry,
    readonly userId: string,
  ) {}

  async send(input: TurnInput) {
    this.last = await this.driver.send(this.userId, input);
    this.conversationId = this.last.conversationId ?? this.conversationId;
    return this.last;
  }

  async state() {
    if (!this.conversationId) return undefined;
    return this.driver.db.selectFrom('conversations').select(['flow', 'status', 'step', 'state']).where('id', '=', this.conversationId).executeTakeFirst();
  }

  async start(flow: string) {
    if (flow === 'checkin') {
      await this.send({ kind: 'command', args: 'help' });
      const member = await this.driver.db.selectFrom('members').select('id').where('user_id', '=', this.userId).executeTakeFirstOrThrow();
      for (const text of ['Send two thank-you notes', 'Practise salary answers'])
        await this.driver.db
          .insertInto('action_items')
          .values({ id: crypto.randomUUID(), member_id: member.id, debrief_id: null, text, due_date: null, created_at: new Date(), updated_at: new Date() })
          .execute();
      await this.send({ kind: 'choice', promptRef: OPEN_PROMPT, choiceIds: [choiceIds.start('checkin')] });
    } else {
      await this.send({ kind: 'command', args: '' });
    }
  }

  /** Answers each question on the way until `target` is asked; false if the flow never gets there. */
  async to(flow: string, target: string, now: Date): Promise<boolean> {
    await this.start(flow);
    for (let turns = 0; turns < 40; turns++) {
      const conv = await this.state();
      if (!conv || conv.status !== 'active' || !conv.step) return false;
      if (conv.step === target) return true;
      const step = (this.flows.get(conv.flow)!.steps as Record<string, AnyStep>)[conv.step]!;
      const answers = ((conv.state as { answers?: Record<string, unknown> }).answers ?? {}) as Record<string, unknown>;
      const spec = inputOf(step, { answers, now });
      const routed = routeAnswer(conv.step, target);
      const prompt = lastPrompt(this.last);
      const click = (id: string) => this.send({ kind: 'choice', promptRef: prompt?.promptRef ?? '', choiceIds: [id] });
      if (routed) await click(routed);
      else if (TEXT_ON_THE_WAY[conv.step]) await this.send({ kind: 'text', text: TEXT_ON_THE_WAY[conv.step]! });
      else if (step.optional) await this.send({ kind: 'text', text: 'skip' });
      else if (spec.kind === 'text') await this.send({ kind: 'text', text: 'Practise salary answers' });
      else if (spec.kind === 'scale') await click(String(spec.min));
      else if (spec.kind === 'yesno') await click('yes');
      else if (spec.kind === 'date') await click(spec.direction === 'past' ? 'today' : 'tomorrow');
      else await click(spec.options[0]!.id);
    }
    return false;
  }
}

function judge(entry: Entry, stored: { value: unknown } | undefined, reply: string, labels: Map<string, string>): boolean {
  const expect = entry.expect;
  if (expect && typeof expect === 'object' && !Array.isArray(expect)) {
    if (stored) return false;
    if ('question' in expect) return /\?/.test(reply);
    if ('clarify' in expect) {
      const wanted = (expect as { clarify: string[] }).clarify.map((id) => labels.get(id) ?? id);
      const others = [...labels.values()].filter((l) => !wanted.includes(l));
      const first = reply.split(' | ')[0] ?? '';
      return wanted.every((l) => first.includes(l)) && others.every((l) => !first.includes(l)) && /\?/.test(first);
    }
    return false;
  }
  if (!stored) return false;
  const value = stored.value;
  if (Array.isArray(expect)) return Array.isArray(value) && [...value].sort().join() === [...expect].sort().join();
  return value === expect || (typeof value === 'number' && String(value) === String(expect));
}

/**
 * Runs every entry. Entries for the same question and moment share one conversation: after an
 * accepted answer `back` returns to the question, so only the last question of a flow needs a new
 * walk each time.
 */
export async function runUnderstanding(driver: Driver, entries: readonly Entry[], userPrefix = 'und'): Promise<Result[]> {
  const flows = createFlowRegistry();
  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const key = `${e.flow ?? 'debrief'}\u0000${e.step}\u0000${e.now ?? DEFAULT_NOW}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  const results: Result[] = [];
  let users = 0;
  for (const group of groups.values()) {
    const { flow = 'debrief', step, now: nowIso = DEFAULT_NOW } = group[0]!;
    const now = new Date(nowIso);
    driver.setNow(now);
    let walk: Walk | undefined;
    for (const entry of group) {
      if (!walk) {
        walk = new Walk(driver, flows, `${userPrefix}-${++users}`);
        if (!(await walk.to(flow, step, now))) {
          results.push({ entry, ok: false, got: `never reached step ${step}`, reply: '' });
          walk = undefined;
          continue;
        }
      }
      const conv = await walk.state();
      const spec = inputOf((flows.get(flow)!.steps as Record<string, AnyStep>)[step]!, {
        answers: ((conv?.state as { answers?: Record<string, unknown> }).answers ?? {}) as Record<string, unknown>,
        now,
      });
      const labels = new Map(spec.kind === 'choice' || spec.kind === 'tags' ? spec.options.map((o) => [o.id, o.label]) : []);
      const before = await driver.db
        .selectFrom('answers')
        .select(sql<string>`coalesce(max(id), 0)`.as('max'))
        .where('conversation_id', '=', walk.conversationId!)
        .executeTakeFirstOrThrow();
      await walk.send({ kind: 'text', text: entry.text });
      const stored = await driver.db
        .selectFrom('answers')
        .select(['value'])
        .where('conversation_id', '=', walk.conversationId!)
        .where('step', '=', step)
        .where(sql<boolean>`id > ${before.max}::bigint`)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const reply = said(walk.last);
      results.push({ entry, ok: judge(entry, stored, reply, labels), got: stored ? JSON.stringify(stored.value) : reply.slice(0, 300), reply });
      if (stored) {
        const after = await walk.state();
        if (after?.status === 'active' && after.step !== step) await walk.send({ kind: 'text', text: 'back' });
        else walk = undefined;
        if (walk && (await walk.state())?.step !== step) walk = undefined;
      }
    }
  }
  return results;
}

export interface Score {
  category: Category;
  total: number;
  correct: number;
  accuracy: number;
  misses: Result[];
}

/** The bar each category must reach (issue 11; small talk at the first question, like none). */
export const BARS: Record<Category, number> = { choices: 0.97, dates: 0.95, 'yes/no': 0.98, none: 0.98, 'small talk': 0.98 };

export function score(results: readonly Result[]): Score[] {
  return (Object.keys(BARS) as Category[]).map((category) => {
    const mine = results.filter((r) => r.entry.category === category);
    const correct = mine.filter((r) => r.ok).length;
    return { category, total: mine.length, correct, accuracy: mine.length ? correct / mine.length : 1, misses: mine.filter((r) => !r.ok) };
  });
}
