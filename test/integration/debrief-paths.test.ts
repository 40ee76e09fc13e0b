import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../src/engine/types.js';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';

/**
 * Walks every path through the debrief (each outcome, each feedback branch, low and high feelings,
 * the next step's day given inline or asked, company and role in one line or apart) as a person
 * would, and counts the turns: the person's messages after `/debrief`.
 */

let h: Harness;
beforeAll(async () => {
  h = await engineHarness(); // the clock stands at 2026-11-27 (a Friday)
});
afterAll(() => h.close());

interface Plan {
  outcome: 'rejected' | 'waiting' | 'no_response' | 'offer';
  feedback?: 'received' | 'asked' | 'not_asked' | 'skip';
  mood: '1' | '4';
  /** The interview, as typed. */
  when: string;
  dueInline: boolean;
  companyOnly?: boolean;
}

let seq = 0;

async function walk(plan: Plan) {
  const p: Person = h.as(`P${++seq}`);
  const seen: Reply[] = [];
  await p.start();
  seen.push(...p.last!.replies);
  let turns = 0;
  const answer = async (): Promise<void> => {
    const q = p.lastPrompt()?.text ?? '';
    turns++;
    if (/Which company/.test(q)) return void (await p.text(plan.companyOnly ? 'Acme Co.' : 'Acme Co., product designer'));
    if (/And the role at Acme Co\.\?/.test(q)) return void (await p.text('Product designer'));
    if (/Which stage/.test(q)) return void (await p.click('final'));
    if (/When was it/.test(q)) return void (await p.text(plan.when));
    if (/Where did it land/.test(q)) return void (await p.click(plan.outcome));
    if (/How are you feeling/.test(q)) return void (await p.click(plan.mood));
    if (/what went well/.test(q)) return void (await p.text('1, 3 my portfolio walkthrough'));
    if (/differently next time/.test(q)) return void (await p.text('2 and practise salary answers'));
    if (/asked them for feedback/.test(q)) return void (await p.click(plan.feedback === 'skip' ? 'cmd:skip' : plan.feedback!));
    if (/What did they tell you/.test(q)) return void (await p.text('They liked my portfolio but wanted more leadership examples'));
    if (/when you'd hear back/.test(q)) return void (await p.text('next Wednesday'));
    if (/right for you/.test(q)) return void (await p.click('partly'));
    if (/thank the interviewer/.test(q)) return void (await p.click('no'));
    if (/worth staying in touch/.test(q)) return void (await p.text('Sam, the hiring manager'));
    if (/one concrete step/.test(q)) return void (await p.text(plan.dueInline ? 'Practise two salary answers by Thursday' : 'Practise two salary answers'));
    if (/By when/.test(q)) return void (await p.text('next Friday'));
    throw new Error(`no answer planned for: ${q}`);
  };
  while (!p.last!.replies.some((r) => r.card)) {
    if (turns > 30) throw new Error('the debrief did not end');
    await answer();
    seen.push(...p.last!.replies);
  }
  return { p, turns, seen, notes: seen.flatMap((r) => (r.copyable ? [r.copyable] : [])), texts: seen.map((r) => r.text) };
}

const threeWeeksAgo = '2026-11-06';
const threeDaysAgo = '2026-11-24';

const plans: Plan[] = [];
for (const mood of ['1', '4'] as const)
  for (const dueInline of [true, false]) {
    for (const feedback of ['received', 'asked', 'not_asked', 'skip'] as const)
      plans.push({ outcome: 'rejected', feedback, mood, dueInline, when: threeDaysAgo });
    plans.push({ outcome: 'waiting', mood, dueInline, when: threeDaysAgo });
    plans.push({ outcome: 'no_response', mood, dueInline, when: threeDaysAgo });
    plans.push({ outcome: 'no_response', mood, dueInline, when: threeWeeksAgo });
    plans.push({ outcome: 'offer', mood, dueInline, when: threeDaysAgo });
  }
// The kind fallback: a company alone, with the role asked for on its own, on the longest paths.
plans.push({ outcome: 'rejected', feedback: 'received', mood: '1', dueInline: false, when: threeDaysAgo, companyOnly: true });
plans.push({ outcome: 'waiting', mood: '1', dueInline: false, when: threeDaysAgo, companyOnly: true });

const name = (x: Plan) =>
  `${x.outcome}${x.feedback ? `/${x.feedback}` : ''}, feeling ${x.mood}, ${x.when === threeWeeksAgo ? 'three weeks ago' : 'three days ago'}, day ${x.dueInline ? 'inline' : 'asked'}${x.companyOnly ? ', role asked apart' : ''}`;

const counted = new Map<string, number>();

describe('every path through the debrief', () => {
  afterAll(() => {
    // The figures for the record: `npx vitest run test/integration/debrief-paths.test.ts` prints them.
    console.info([...counted].map(([k, n]) => `${String(n).padStart(2)} turns  ${k}`).join('\n'));
  });

  it.each(plans.map((x) => [name(x), x] as const))('%s: at most 14 turns, short prompts, only its own notes', async (_n, plan) => {
    const { turns, texts, notes, p } = await walk(plan);
    counted.set(name(plan), turns);
    expect(turns).toBeLessThanOrEqual(14);
    // The usual rejected path: not yet asked for feedback, so the note is given.
    if (plan.outcome === 'rejected' && plan.feedback === 'not_asked' && !plan.companyOnly) expect(turns).toBeLessThanOrEqual(12);

    // Prompts stay short; only the notes to copy may be longer.
    for (const t of texts) expect(t.length, t).toBeLessThanOrEqual(280);

    const all = [...texts, ...notes].join('\n');
    // "Co." at a sentence's end keeps one full stop.
    expect(all).not.toMatch(/Co\.\./);
    // No note says the same sentence twice.
    for (const n of notes) {
      const sentences = n.split(/(?<=[.?!])\s+|\n/).map((x) => x.trim()).filter((x) => x.length > 12);
      expect(new Set(sentences).size, n).toBe(sentences.length);
    }
    const feedbackNote = /What did you see as my strengths/;
    const timelineNote = /timeline|where things stand/;
    const offerQuestions = /Before you say yes|questions can help you decide/;
    if (plan.outcome === 'rejected') {
      expect(all).not.toMatch(timelineNote);
      expect(all).not.toMatch(offerQuestions);
      if (plan.feedback === 'not_asked') expect(all).toMatch(feedbackNote);
      else expect(all).not.toMatch(feedbackNote);
    } else {
      expect(all).not.toMatch(feedbackNote);
      expect(all).not.toMatch(/liked you|within a few days|in the next few days/);
    }
    if (plan.outcome === 'no_response') {
      expect(notes.some((n) => timelineNote.test(n))).toBe(true);
      if (plan.when === threeWeeksAgo) expect(all).toMatch(/three weeks ago[\s\S]*If the role has been filled/);
      else expect(all).toMatch(/only been a few days/);
    }
    if (plan.outcome === 'waiting') expect(all).toMatch(/If you haven't heard by Wednesday 2 December/);
    if (plan.outcome === 'offer') expect(all).toMatch(offerQuestions);
    if (plan.outcome !== 'offer') expect(all).not.toMatch(/Thank you for the offer/);

    const rows = await memberRows(h, p);
    expect(rows.debriefs).toHaveLength(1);
    expect(rows.debriefs[0]).toMatchObject({
      company: 'Acme Co.',
      role: plan.companyOnly ? 'Product designer' : 'product designer',
      strength_tags: ['preparation', 'technical'],
      strengths: 'my portfolio walkthrough',
      growth_tags: ['nerves'],
      growth_areas: 'practise salary answers',
    });
    expect(rows.actionItems[0]).toMatchObject({ due_date: plan.dueInline ? '2026-12-03' : '2026-12-04' });
    if (plan.feedback === 'received')
      expect(rows.debriefs[0]).toMatchObject({ feedback_strengths: 'They liked my portfolio', feedback_weaknesses: 'wanted more leadership examples' });
  });
});
