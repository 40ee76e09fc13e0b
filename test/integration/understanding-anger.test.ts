import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, type Harness } from '../helpers/engine-harness.js';
import { angerLines, loadAngerCorpus, scoreAngerAt } from '../helpers/understanding-anger.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

const corpus = loadAngerCorpus();

describe('anger told apart from pain, on the labelled corpus, through the real turn', () => {
  it('the corpus is big enough and balanced', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(170);
    const hostile = corpus.filter((c) => c.hostile).length;
    expect(hostile / corpus.length).toBeGreaterThan(0.4);
    expect(hostile / corpus.length).toBeLessThan(0.6);
  });

  for (const step of ['next_step', 'growth_tags'] as const) {
    it(`at ${step}: recall >= 95%, false alarms <= 3%`, async () => {
      const score = await scoreAngerAt(h.app.engine, h.db, corpus, step);
      console.log(angerLines(score).join('\n'));
      expect(score.recall).toBeGreaterThanOrEqual(0.95);
      expect(score.falseAlarmRate).toBeLessThanOrEqual(0.03);
      expect(score.reframed).toBeGreaterThanOrEqual(Math.ceil(score.reframeWanted * 0.9));
    }, 300_000);
  }
});
