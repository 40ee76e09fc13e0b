import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, memberRows, type Harness } from '../helpers/engine-harness.js';
import { currentStep, walkToStep } from '../helpers/walk-to-step.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let userSeq = 0;
const person = () => h.as(`anger-${++userSeq}`);

const COOL_OFF = /may (?:feel|read) different(?:ly)? in a day or two/;

describe('a hostile next step waits for the person to choose', () => {
  it('a plan to email the company what went wrong is not saved before the cool-off and a choice', async () => {
    const p = person();
    await walkToStep(h.db, p, 'next_step');
    await p.text("Email Acme and tell them exactly what went wrong with their interview process");
    expect(p.read()).toMatch(COOL_OFF);
    expect(p.lastPrompt()?.choices?.map((c) => c.label)).toEqual(['Keep it', 'Write a different one', 'Sleep on it']);
    // Nothing stored as the answer yet, and the debrief has not moved on.
    expect((await memberRows(h, p)).answers.map((a) => a.step)).not.toContain('next_step');
    expect(await currentStep(h.db, p)).toBe('next_step');

    await p.click('Write a different one');
    expect(p.read()).toMatch(/one concrete step/);
    await p.text('Ask Sam for feedback on my portfolio');
    expect(p.read()).not.toMatch(COOL_OFF);
    await p.text('skip');
    const rows = await memberRows(h, p);
    expect(rows.actionItems.map((a) => a.text)).toEqual(['Ask Sam for feedback on my portfolio']);
  });

  it('"keep it" saves the step as written; the card shows it without the angry words', async () => {
    const p = person();
    await walkToStep(h.db, p, 'next_step');
    await p.text('leave them a 1-star glassdoor review, bunch of clowns');
    expect(p.read()).toMatch(COOL_OFF);
    await p.text('keep it');
    expect(await currentStep(h.db, p)).toBe('next_step_due');
    await p.text('skip');
    const card = p.last!.replies.find((r) => r.card)!.card!;
    const text = card.fields.map((f) => f.value).join('\n');
    expect(text).not.toMatch(/clowns|1-star/);
    expect(card.fields.find((f) => f.label === 'Next step')?.value).toMatch(/Acme/);
    const rows = await memberRows(h, p);
    expect(rows.actionItems.map((a) => a.text)).toEqual(['leave them a 1-star glassdoor review, bunch of clowns']);
  });

  it('"give them a piece of my mind", then "sleep on it", pauses with nothing saved as the step', async () => {
    const p = person();
    await walkToStep(h.db, p, 'next_step');
    await p.text('give them a piece of my mind');
    expect(p.read()).toMatch(COOL_OFF);
    await p.click('Sleep on it');
    expect(p.read()).toMatch(/\/debrief/);
    const rows = await memberRows(h, p);
    expect(rows.conversations[0]!.status).toBe('paused');
    expect(rows.answers.map((a) => a.step)).not.toContain('next_step');
    // The next day they come back to the same question.
    h.advance(20 * 3600_000);
    await p.start();
    await p.click('resume:continue');
    expect(await currentStep(h.db, p)).toBe('next_step');
    expect(p.read()).toMatch(/one concrete step/);
  });

  it('a post about them at the contacts question gets the cool-off, and the card leaves it out', async () => {
    const p = person();
    await walkToStep(h.db, p, 'contacts');
    await p.text("no one, gonna tweet about how shady they are");
    expect(p.read()).toMatch(COOL_OFF);
    await p.text('Practise salary answers');
    await p.text('skip');
    const card = p.last!.replies.find((r) => r.card)!.card!;
    expect(card.fields.map((f) => f.value).join('\n')).not.toMatch(/shady|tweet/);
  });
});

describe('pain is not anger', () => {
  it('"I hate that I froze" gets a kind word, not the cool-off', async () => {
    const p = person();
    await walkToStep(h.db, p, 'growth_tags');
    await p.text('I hate that I froze on the system design question');
    expect(p.read()).not.toMatch(COOL_OFF);
    expect(p.read()).not.toMatch(/before sending/);
    expect(p.read()).toMatch(/easy on yourself|hard on yourself/i);
  });

  it('a question about hate speech moderation is a topic, not anger', async () => {
    const p = person();
    await walkToStep(h.db, p, 'growth_tags');
    await p.text('They asked about hate speech moderation and I had no framework');
    expect(p.read()).not.toMatch(COOL_OFF);
    expect(p.read()).not.toMatch(/before sending|hard on yourself/);
  });

  it('a self-blaming next step is saved at once, with a kind word', async () => {
    const p = person();
    await walkToStep(h.db, p, 'next_step');
    await p.text("stop being such an idiot and actually prepare this time");
    expect(p.read()).not.toMatch(COOL_OFF);
    expect(p.read()).toMatch(/hard on yourself|easy on yourself/i);
    expect(await currentStep(h.db, p)).toBe('next_step_due');
  });
});
