import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReply } from '../../adapters/console/render.js';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';

/**
 * What a new user ran into on the first try (issue 11, "What was seen"), replayed through the real
 * engine on the database. The harness clock stands at Friday 2026-11-27, noon.
 */
let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let userSeq = 0;
const person = () => h.as(`seen-${++userSeq}`);

async function stored(p: Person, step: string) {
  const rows = await memberRows(h, p);
  return rows.answers.filter((a) => a.step === step).at(-1);
}

/** Types the way people do, all the way to `step`, on the rejected path with feedback not asked. */
async function walkTo(p: Person, step: string) {
  const script: [string, string][] = [
    ['company', 'Acme'],
    ['role_asked', 'designer'],
    ['stage', 'panel'],
    ['interview_date', 'yesterday'],
    ['outcome', 'rejected'],
    ['mood', '3'],
    ['strength_tags', 'none'],
    ['growth_tags', 'none'],
    ['feedback', 'asked'],
    ['fit', 'partly'],
    ['thanked', 'yes'],
    ['contacts', 'skip'],
    ['next_step', 'Practise salary answers'],
  ];
  await p.start();
  for (const [id, text] of script) {
    if (id === step) return;
    await p.text(text);
  }
}

describe('what a new user ran into', () => {
  it('the terminal shows "1) Today 2) Yesterday" at "When was it?", and typing the number picks it', async () => {
    const p = person();
    await walkTo(p, 'interview_date');
    const shown = renderReply(p.lastPrompt()!, false);
    expect(shown).toMatch(/1\) Today\s+2\) Yesterday/);
    await p.text('2');
    expect(await stored(p, 'interview_date')).toMatchObject({ value: '2026-11-26', skipped: false });
    expect(p.read()).toMatch(/Where did it land/);
  });

  it('the terminal shows "1) Yes 2) No" at the thank-you question, and "2" means No', async () => {
    const p = person();
    await walkTo(p, 'thanked');
    expect(renderReply(p.lastPrompt()!, false)).toMatch(/1\) Yes\s+2\) No/);
    await p.text('2');
    expect(await stored(p, 'thanked')).toMatchObject({ value: false });
    expect(p.read()).toMatch(/not too late/);
  });

  it('numbered due-date suggestions work by number', async () => {
    const p = person();
    await walkTo(p, 'next_step');
    await p.text('Practise salary answers');
    expect(renderReply(p.lastPrompt()!, false)).toMatch(/1\) Tomorrow\s+2\) In a week/);
    await p.text('2');
    const rows = await memberRows(h, p);
    expect(rows.actionItems[0]?.due_date).toBe('2026-12-04');
  });

  it('a stage, an outcome and a feeling said in words are understood', async () => {
    const p = person();
    await walkTo(p, 'stage');
    await p.text('it was the coding round');
    expect(await stored(p, 'stage')).toMatchObject({ value: 'technical' });
    await p.text('yesterday');
    await p.text('they ghosted me');
    expect(await stored(p, 'outcome')).toMatchObject({ value: 'no_response' });
    await p.text('pretty bad tbh');
    expect(await stored(p, 'mood')).toMatchObject({ value: 2 });
  });

  it('tags typed as "2 5 7" are three tags', async () => {
    const p = person();
    await walkTo(p, 'strength_tags');
    await p.text('2 5 7');
    expect(await stored(p, 'strength_tags')).toMatchObject({ value: ['communication', 'examples', 'questions'] });
  });

  it('a bare weekday at "When was it?" is the last one, not the coming one', async () => {
    const p = person();
    await walkTo(p, 'interview_date');
    // Friday the 27th: Monday is three days back, though it is nearer as the coming one.
    await p.text('monday');
    expect(await stored(p, 'interview_date')).toMatchObject({ value: '2026-11-23' });
  });

  it('a bare weekday at the due date is the coming one', async () => {
    const p = person();
    await walkTo(p, 'next_step');
    await p.text('Practise salary answers');
    // Thursday was yesterday; the one to plan for is next week's.
    await p.text('thursday');
    const rows = await memberRows(h, p);
    expect(rows.actionItems[0]?.due_date).toBe('2026-12-03');
  });

  it('a past due date ("last Monday") is questioned kindly, never stored', async () => {
    const p = person();
    await walkTo(p, 'next_step');
    await p.text('Practise salary answers');
    await p.text('last Monday');
    expect(await stored(p, 'next_step_due')).toBeUndefined();
    expect(p.read()).toMatch(/already (gone|passed)/i);
    expect(p.read()).toMatch(/\?/);
  });

  it('a future interview date is questioned kindly, never stored', async () => {
    const p = person();
    await walkTo(p, 'interview_date');
    await p.text('next tuesday');
    expect(await stored(p, 'interview_date')).toBeUndefined();
    expect(p.read()).toMatch(/still to come/i);
  });

  it('"no" to "anyone worth staying in touch with?" is no contact, and the card says nothing of it', async () => {
    const p = person();
    await walkTo(p, 'contacts');
    await p.text('no');
    expect(await stored(p, 'contacts')).toMatchObject({ value: null });
    await p.text('Practise salary answers');
    await p.text('skip');
    expect(p.read()).not.toMatch(/Stay in touch with/);
    const rows = await memberRows(h, p);
    expect(rows.debriefs[0]?.contacts).toBeNull();
  });

  it('a word that fits two options equally gets a short question listing just those', async () => {
    const p = person();
    await walkTo(p, 'feedback');
    await p.text('yes');
    expect(await stored(p, 'feedback')).toBeUndefined();
    const said = p.read();
    expect(said).toMatch(/I got some feedback/);
    expect(said).toMatch(/I asked, no reply yet/);
    expect(said.split('\n')[0]).not.toMatch(/I haven't asked/);
    await p.text('1');
    expect(await stored(p, 'feedback')).toMatchObject({ value: 'received' });
  });
});
