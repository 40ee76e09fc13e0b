import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, type Harness } from '../helpers/engine-harness.js';
import { BARS, loadCorpus, runUnderstanding, score, type Result } from '../helpers/understanding.js';

/**
 * The labelled corpus (test/fixtures/understanding), written the way people type at a low moment,
 * run through the real turn on the database. Each category must reach its bar.
 */
let h: Harness;
let results: Result[];
beforeAll(async () => {
  h = await engineHarness();
  results = await runUnderstanding({ send: (userId, input) => h.as(userId).send(input), setNow: h.setNow, db: h.db }, loadCorpus());
}, 180_000);
afterAll(() => h.close());

describe('understanding what people type', () => {
  it('the corpus is big enough to mean something', () => {
    expect(results.length).toBeGreaterThanOrEqual(260);
  });

  for (const category of Object.keys(BARS) as (keyof typeof BARS)[]) {
    it(`${category}: at or above ${BARS[category] * 100}%`, () => {
      const s = score(results).find((x) => x.category === category)!;
      const misses = s.misses.map((m) => `${m.entry.step}: "${m.entry.text}" expected ${JSON.stringify(m.entry.expect)}, got ${m.got}`);
      expect(s.total).toBeGreaterThan(0);
      expect({ accuracy: s.accuracy, misses }).toEqual({ accuracy: expect.any(Number), misses: expect.any(Array) });
      if (s.accuracy < BARS[category]) expect.fail(`${(s.accuracy * 100).toFixed(1)}% < ${BARS[category] * 100}%:\n${misses.join('\n')}`);
    });
  }
});
