import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let n = 0;
/** A person at the given question, with the answers before it stored. */
async function at(step: 'company' | 'stage' | 'interview_date' | 'mood'): Promise<Person> {
  const p = h.as(`bad-${++n}`);
  await p.start();
  if (step === 'company') return p;
  await p.text('Acme');
  await p.text('Designer');
  if (step === 'stage') return p;
  await p.click('screen');
  if (step === 'interview_date') return p;
  await p.text('yesterday');
  await p.click('rejected');
  return p;
}

/** Sends a bad answer and checks: a specific re-prompt, the same question again, nothing stored. */
async function rejects(p: Person, send: () => Promise<unknown>, why: RegExp, question: RegExp) {
  const before = await memberRows(h, p);
  await send();
  expect(p.read()).toMatch(why);
  expect(p.read()).toMatch(question);
  const after = await memberRows(h, p);
  expect(after.answers).toEqual(before.answers);
  expect(after.conversations[0]!.step).toBe(before.conversations[0]!.step);
}

describe('bad input gets a clear re-prompt and loses nothing', () => {
  it('empty and whitespace-only text', async () => {
    const p = await at('company');
    await rejects(p, () => p.text(''), /didn't catch anything/, /Which company/);
    await rejects(p, () => p.text('   \t  \n '), /didn't catch anything/, /Which company/);
  });

  it('20,000 characters', async () => {
    const p = await at('company');
    await rejects(p, () => p.text('x'.repeat(20_000)), /trim it to 200 characters/, /Which company/);
  });

  it('control characters and NUL bytes alone', async () => {
    const p = await at('company');
    await rejects(p, () => p.text('\u0000\u0001\u0007\u001b'), /didn't catch anything/, /Which company/);
  });

  it('NUL bytes inside text are removed and the rest kept', async () => {
    const p = await at('company');
    await p.text('Ac\u0000me\u0007 Ltd');
    const rows = await memberRows(h, p);
    expect(rows.answers[0]!.value).toBe('Acme Ltd');
  });

  it('emoji and right-to-left text are kept exactly', async () => {
    const p = await at('company');
    await p.text('🚀 Rocket Co');
    await p.text('مهندس برمجيات');
    const rows = await memberRows(h, p);
    expect(rows.answers.map((a) => a.value)).toEqual(['🚀 Rocket Co', 'مهندس برمجيات']);
  });

  it('SQL-looking text is stored as the words it is', async () => {
    const p = await at('company');
    const sqlish = "Robert'); DROP TABLE answers; --";
    await p.text(sqlish);
    const rows = await memberRows(h, p);
    expect(rows.answers[0]!.value).toBe(sqlish);
  });

  it('out-of-range and non-whole numbers on the 1-5 scale', async () => {
    const p = await at('mood');
    for (const bad of ['0', '6', '-1', '99999999999999999999', 'purple'])
      await rejects(p, () => p.text(bad), /whole number from 1 to 5/, /How are you feeling/);
    // Between two points is a question back, not a guess.
    await rejects(p, () => p.text('3.5'), /3 or 4\?/, /How are you feeling/);
    await rejects(p, () => p.click('7'), /whole number from 1 to 5/, /How are you feeling/);
  });

  it('impossible, unreadable and future dates', async () => {
    const p = await at('interview_date');
    await rejects(p, () => p.text('2026-02-30'), /doesn't exist on the calendar/, /When was it/);
    await rejects(p, () => p.text('2026-13-01'), /doesn't exist on the calendar/, /When was it/);
  });

  it('future and unreadable dates', async () => {
    const p = await at('interview_date');
    await rejects(p, () => p.text('next month'), /still to come/, /When was it/);
    await rejects(p, () => p.text('when the cows come home'), /couldn't read that as a date/, /When was it/);
  });

  it('an unknown choice id and a choice id from another question', async () => {
    const p = await at('stage');
    await rejects(p, () => p.click('no-such-choice'), /Which is closest/, /Which stage/);
    await rejects(p, () => p.click('rejected'), /Which is closest/, /Which stage/);
    await rejects(p, () => p.text('purple'), /Which is closest/, /Which stage/);
  });
});
