import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';
import { currentStep, walkToStep } from '../helpers/walk-to-step.js';

/**
 * Three things a person at a low moment ran into, replayed through the real engine on the database:
 * a greeting taken as the company, "nobody" kept as their next step, and the kind word about
 * blaming themselves shown below a long note to copy.
 */
let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let n = 0;
const person = () => h.as(`low-${++n}`);

describe('a greeting at the first question', () => {
  const talk = ['hi', 'hello', 'hey there', 'hi!', 'yo', 'good morning', 'hey bot', '?', 'what is this', 'help me', 'ok', 'thanks', 'hiii 👋', 'hi, what is this?', '...'];
  for (const text of talk)
    it(`"${text}" is answered warmly and the question asked again, with nothing kept`, async () => {
      const p = person();
      await p.start();
      await p.text(text);
      const said = p.read();
      expect(said).toMatch(/Which company was it with, and what role\?/);
      expect(said).not.toMatch(/And the role at|Which stage/);
      expect(said).not.toMatch(/didn't|don't|not a company|sorry/i);
      const rows = await memberRows(h, p);
      expect(rows.answers).toEqual([]);
      expect(await currentStep(h.db, p)).toBe('company');
    });

  it('says hi back, then takes the company named next', async () => {
    const p = person();
    await p.start();
    await p.text('hi');
    expect(p.read()).toMatch(/^Hi! Let's start with the interview\.\n\nWhich company/);
    await p.text('thanks');
    expect(p.read()).toMatch(/^You're welcome!/);
    await p.text('what is this');
    expect(p.read()).toMatch(/^No worries\. I'll ask a few short questions about an interview/);
    await p.text('Acme, designer');
    expect(p.read()).toMatch(/Designer at Acme\. Which stage/);
    const rows = await memberRows(h, p);
    expect(rows.answers.map((a) => [a.step, a.value])).toEqual([
      ['company', 'Acme'],
      ['role', 'designer'],
    ]);
  });

  it('greetings in a row never turn into "this one seems to be getting in the way"', async () => {
    const p = person();
    await p.start();
    for (const text of ['hi', 'hello?', 'hey', 'yo']) await p.text(text);
    expect(p.read()).toMatch(/^Hi! Let's start with the interview\.\n\nWhich company/);
    expect(p.read()).not.toMatch(/getting in the way/);
    expect((await memberRows(h, p)).answers).toEqual([]);
  });

  for (const text of ['hi', 'ok', 'thanks', 'what do you mean'])
    it(`"${text}" at the role question is not kept as the role`, async () => {
      const p = person();
      await p.start();
      await p.text('Acme');
      await p.text(text);
      expect(p.read()).toMatch(/And the role at Acme\?/);
      expect(p.read()).not.toMatch(/Which stage/);
      await p.text('product designer');
      expect(p.read()).toMatch(/Product designer at Acme\. Which stage/);
      const rows = await memberRows(h, p);
      expect(rows.answers.map((a) => [a.step, a.value])).toEqual([
        ['company', 'Acme'],
        ['role', 'product designer'],
      ]);
    });

  const names: [string, string, string | undefined][] = [
    ['Hey Inc', 'Hey Inc', undefined],
    ['Hello Fresh, ops analyst', 'Hello Fresh', 'ops analyst'],
    ['OK Group', 'OK Group', undefined],
    ['Yo-Yo Games', 'Yo-Yo Games', undefined],
  ];
  for (const [text, company, role] of names)
    it(`"${text}" is still a company`, async () => {
      const p = person();
      await p.start();
      await p.text(text);
      expect(p.read()).toMatch(role ? new RegExp(`at ${company}\\. Which stage`) : new RegExp(`And the role at ${company}\\?`));
      const rows = await memberRows(h, p);
      expect(rows.answers.map((a) => [a.step, a.value])).toEqual([['company', company], ...(role ? [['role', role]] : [])]);
    });
});

describe('the next step when none comes to mind', () => {
  for (const text of ['idk', 'not sure yet', 'dunno', 'no idea', 'hmm not sure tbh', '?'])
    it(`"${text}" gets an idea and the way to skip, and is not kept`, async () => {
      const p = person();
      await walkToStep(h.db, p, 'next_step');
      await p.text(text);
      const said = p.read();
      expect(said).toMatch(/^That's okay, it can be something small, like "[^"]+"\. Or type \*skip\* to leave it for now\./);
      expect(said).toMatch(/one concrete step you'll take next/);
      expect(await currentStep(h.db, p)).toBe('next_step');
      const rows = await memberRows(h, p);
      expect(rows.answers.filter((a) => a.step === 'next_step')).toEqual([]);
    });

  it('the idea follows what they said they would work on', async () => {
    const p = person();
    await p.start();
    for (const text of ['Acme, designer', 'screen', 'yesterday', 'offer', '4', 'skip', 'salary questions', 'skip', 'skip', 'skip']) await p.text(text);
    expect(await currentStep(h.db, p)).toBe('next_step');
    await p.text('not sure');
    expect(p.read()).toMatch(/like "Practise two salary answers by Friday"/);
  });

  for (const text of ['nothing', 'none', 'nobody', 'n/a', '-', 'nothing really', 'skip'])
    it(`"${text}" is no next step: the debrief ends kindly, with no action item`, async () => {
      const p = person();
      await walkToStep(h.db, p, 'next_step');
      await p.text(text);
      const said = p.read();
      expect(said).toMatch(/No next step this time, and that's fine\./);
      expect(said).not.toMatch(/By when would you like/);
      expect(said).not.toMatch(/Next step:/);
      const rows = await memberRows(h, p);
      expect(rows.answers.filter((a) => a.step === 'next_step').map((a) => a.value)).toEqual([null]);
      expect(rows.debriefs).toHaveLength(1);
      expect(rows.debriefs[0]!.next_step).toBeNull();
      expect(rows.actionItems).toEqual([]);
    });

  it('a real step is still kept, with its day', async () => {
    const p = person();
    await walkToStep(h.db, p, 'next_step');
    await p.text('Ask a friend for a mock interview by Friday');
    const rows = await memberRows(h, p);
    expect(rows.actionItems.map((a) => [a.text, a.due_date])).toEqual([['Ask a friend for a mock interview by Friday', expect.anything()]]);
    expect(p.read()).toMatch(/Next step: Ask a friend for a mock interview by Friday/);
  });
});

/** Ghosted, so the answer about what to do differently is followed by a long follow-up note to copy. */
async function toGrowthAfterSilence(p: Person) {
  await p.start();
  for (const text of ['Acme, designer', 'screen', 'yesterday', 'they ghosted me', '2', 'skip']) await p.text(text);
  expect(await currentStep(h.db, p)).toBe('growth_tags');
}

describe('the kind word comes before the note to copy', () => {
  it('blaming themselves: the reframe is the first thing they read, then the note', async () => {
    const p = person();
    await toGrowthAfterSilence(p);
    const result = await p.text("i was too nervous. i'm so stupid");
    const texts = result.replies.map((r) => r.text);
    const reframe = texts.findIndex((t) => /hard on yourself/.test(t));
    const note = result.replies.findIndex((r) => r.copyable);
    expect(reframe).toBe(0);
    expect(note).toBeGreaterThan(reframe);
    expect(result.replies.at(-1)!.text).toMatch(/right for you\?/);
  });

  it('angry at them: the cool-off comes before the note too', async () => {
    const p = person();
    await toGrowthAfterSilence(p);
    const result = await p.text('nerves, but honestly they are a bunch of clowns');
    const coolOff = result.replies.findIndex((r) => /read differently in a day or two/.test(r.text));
    const note = result.replies.findIndex((r) => r.copyable);
    expect(coolOff).toBe(0);
    expect(note).toBeGreaterThan(coolOff);
  });
});
