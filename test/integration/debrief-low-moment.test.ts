import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, type Harness, type Person } from '../helpers/engine-harness.js';
import { currentStep } from '../helpers/walk-to-step.js';

/**
 * What a person at a low moment ran into, replayed through the real engine on the database: the kind
 * word about blaming themselves shown below a long note to copy.
 */
let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let n = 0;
const person = () => h.as(`low-${++n}`);

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
