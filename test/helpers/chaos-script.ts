import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import { replayStep } from '../../src/engine/machine.js';
import type { Reply } from '../../src/engine/types.js';
import type { Database } from '../../src/db/types.js';
import { debriefFlow } from '../../src/flows/debrief.js';

/** `CHAOS_SHORT=1` (CI) runs each chaos test at a smaller scale; the full form runs longer. */
export const short = process.env.CHAOS_SHORT === '1' || process.env.CHAOS_SHORT === 'true';
export const scale = <T>(shortValue: T, fullValue: T): T => (short ? shortValue : fullValue);

/** A seeded generator, so a failing run can be repeated with CHAOS_SEED=<seed>. */
export function seededRandom(label: string): { seed: number; next(): number; int(min: number, max: number): number } {
  const seed = process.env.CHAOS_SEED ? Number(process.env.CHAOS_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[chaos] ${label}: CHAOS_SEED=${seed}`);
  let a = seed >>> 0;
  const next = () => {
    // mulberry32
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/**
 * One path through the debrief, as a person would type it: each question (recognised by its words)
 * with the answer to give. The path is fixed by these answers, so a step's place in it is known.
 */
export interface ScriptStep {
  step: string;
  question: RegExp;
  answer: (company: string) => string;
}

export const SCRIPT: readonly ScriptStep[] = [
  { step: 'company', question: /Which company was it with, and what role\?/, answer: (c) => `${c}, Platform engineer` },
  { step: 'stage', question: /Which stage was this\?/, answer: () => '2' },
  { step: 'interview_date', question: /When was it\?/, answer: () => 'yesterday' },
  { step: 'outcome', question: /Where did it land\?/, answer: () => '1' },
  { step: 'mood', question: /How are you feeling about it right now\?/, answer: () => '3' },
  { step: 'strength_tags', question: /Which of these were strengths\?/, answer: () => '1, 5 I explained the cache design clearly' },
  { step: 'growth_tags', question: /what would you do differently next time\?/, answer: () => '2, 3 Shorter answers under pressure' },
  { step: 'feedback', question: /Have you asked them for feedback\?/, answer: () => '1' },
  { step: 'feedback_strengths', question: /What did they tell you\?/, answer: () => 'Calm, structured thinking; more depth on system design' },
  { step: 'fit', question: /right for you\?/, answer: () => '2' },
  { step: 'contacts', question: /anyone worth staying in touch with\?/, answer: () => 'Sam, the hiring manager' },
  { step: 'next_step', question: /one concrete step you'll take next/, answer: () => 'Draw two system designs a week' },
];
export const DONE = /Your debrief: /;
export const PATH = SCRIPT.map((s) => s.step);
const stepOf = (id: string) => debriefFlow.steps[id as keyof typeof debriefFlow.steps];
/** A step that asks apart for another answer (the role) is recorded as that answer, never as itself. */
const recordedAs = (keys: string[]) => [...new Set(keys.filter((k) => !stepOf(k)?.recordAs))];
/** The answers the script records, in order: some messages give two (company and role, tags and words).
 *  Its next step names when ("a week"), so that gives the due date and ends the debrief. */
export const RECORDED = recordedAs(PATH.flatMap((step) => [step, ...(stepOf(step)?.fills ?? [])]));
export const stepIndex = (step: string) => PATH.indexOf(step);

/** What the stored debrief must say after the script ran for `company`. */
export const expectedDebrief = (company: string) => ({
  company,
  role: 'Platform engineer',
  stage: 'technical',
  outcome: 'rejected',
  mood: 3,
  strength_tags: ['preparation', 'examples'],
  strengths: 'I explained the cache design clearly',
  growth_tags: ['nerves', 'concise'],
  growth_areas: 'Shorter answers under pressure',
  feedback_status: 'received',
  feedback_strengths: 'Calm, structured thinking',
  feedback_weaknesses: 'more depth on system design',
  fit: 'partly',
  thanked: null,
  contacts: 'Sam, the hiring manager',
  next_step: 'Draw two system designs a week',
});

/** The latest question in `text` (the one asked last), or 'done' after the summary card. */
export function lastQuestion(text: string): { step: string | 'done'; at: number } | undefined {
  let best: { step: string; at: number } | undefined;
  for (const s of [...SCRIPT.map((x) => ({ step: x.step, re: x.question })), { step: 'done', re: DONE }]) {
    for (const m of text.matchAll(new RegExp(s.re.source, 'g'))) if (!best || m.index > best.at) best = { step: s.step, at: m.index };
  }
  return best;
}

/** The question a turn's replies end on, read as the person reads it. */
export function questionOf(replies: readonly Reply[]): string | 'done' | undefined {
  return lastQuestion(replies.map((r) => [r.text, ...(r.card ? [r.card.title] : [])].join('\n')).join('\n'))?.step;
}

export const answerFor = (step: string, company: string) => SCRIPT.find((s) => s.step === step)!.answer(company);

/**
 * Nothing half written, for every member in the database: each conversation's state replays to its
 * own step, the state's answers are the stored answers, no question of a conversation is stored
 * twice and no inbound event recorded an answer twice, at most one conversation is open per member,
 * and every completed debrief has exactly its debrief row and action item.
 */
export async function checkConsistency(db: Kysely<Database>): Promise<{ conversations: number; answers: number; completed: number }> {
  const conversations = await db.selectFrom('conversations').selectAll().execute();
  const answers = await db.selectFrom('answers').selectAll().orderBy('id').execute();
  const debriefs = await db.selectFrom('debriefs').select(['conversation_id', 'id']).execute();
  const actions = await db.selectFrom('action_items').select(['debrief_id']).execute();

  const perMemberOpen = new Map<string, number>();
  for (const c of conversations)
    if (c.status === 'active' || c.status === 'paused') perMemberOpen.set(c.member_id, (perMemberOpen.get(c.member_id) ?? 0) + 1);
  expect([...perMemberOpen.values()].filter((n) => n > 1)).toEqual([]);

  const byConversation = new Map<string, typeof answers>();
  for (const a of answers) byConversation.set(a.conversation_id, [...(byConversation.get(a.conversation_id) ?? []), a]);
  const problems: string[] = [];
  for (const c of conversations) {
    if (c.flow !== 'debrief') continue;
    const state = c.state as { answers: Record<string, unknown>; trail: string[] };
    const replayed = replayStep(debriefFlow, state);
    const want = c.status === 'completed' ? null : c.step;
    if (replayed !== want) problems.push(`${c.id}: state replays to ${replayed}, row says ${want} (${c.status})`);
    const rows = byConversation.get(c.id) ?? [];
    const steps = rows.map((r) => r.step);
    if (new Set(steps).size !== steps.length) problems.push(`${c.id}: a question stored twice: ${steps.join(',')}`);
    const perInbound = new Set(rows.map((r) => `${r.inbound_id}/${r.step}`));
    if (perInbound.size !== rows.length) problems.push(`${c.id}: an inbound event recorded an answer twice`);
    // Without `back`, the stored answers are exactly the trail (with what each step also gave), in order.
    const given = recordedAs(state.trail.flatMap((id) => [id, ...(stepOf(id)?.fills ?? []).filter((k) => k in state.answers)]));
    if (steps.join(',') !== given.join(',')) problems.push(`${c.id}: answers ${steps.join(',')} but trail ${state.trail.join(',')}`);
    for (const r of rows) {
      if (JSON.stringify(state.answers[r.step] ?? null) !== JSON.stringify(r.value ?? null))
        problems.push(`${c.id}: state answer for ${r.step} differs from the stored row`);
    }
    const ds = debriefs.filter((d) => d.conversation_id === c.id);
    if (ds.length !== (c.status === 'completed' ? 1 : 0)) problems.push(`${c.id}: ${ds.length} debrief rows for a ${c.status} conversation`);
    for (const d of ds)
      if (actions.filter((a) => a.debrief_id === d.id).length !== 1) problems.push(`${c.id}: debrief without exactly one action item`);
  }
  expect(problems).toEqual([]);
  return { conversations: conversations.length, answers: answers.length, completed: conversations.filter((c) => c.status === 'completed').length };
}

/** Polls until `check` is true; for conditions outside our control (another process, a server). */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000, every = 20): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}
