import { describe, expect, it } from 'vitest';
import { insightsSvg } from '../../src/insights/chart-svg.js';
import { computeInsights, type DebriefFacts } from '../../src/insights/patterns.js';
import { columnsByDay, datedSparkline, dayLabel, dayNumber, dayRange } from '../../src/insights/text-chart.js';

/** Debriefs on the given days with the given feelings; nothing else about them matters here. */
const debriefs = (rows: [string, number | null][]): DebriefFacts[] =>
  rows.map(([date, mood]) => ({
    date,
    createdAt: new Date(`${date}T12:00:00Z`),
    stage: 'technical',
    outcome: 'rejected',
    mood,
    strengthTags: [],
    growthTags: [],
    feedbackStatus: null,
  }));
const weekly = (moods: number[]) => debriefs(moods.map((m, k) => [new Date(Date.UTC(2026, 0, 5 + 7 * k)).toISOString().slice(0, 10), m]));

describe('days, as people read them', () => {
  it('labels a day without its year when the year goes without saying', () => {
    expect(dayLabel('2026-03-02')).toBe('2 Mar 2026');
    expect(dayLabel('2026-10-05', false)).toBe('5 Oct');
    expect(dayRange('2026-03-02', '2026-10-05')).toBe('2 Mar to 5 Oct 2026');
    expect(dayRange('2025-12-30', '2026-01-04')).toBe('30 Dec 2025 to 4 Jan 2026');
    expect(dayRange('2026-10-05', '2026-10-05')).toBe('5 Oct 2026');
  });
});

describe('the dated text chart', () => {
  it('puts each point at the column of its day, nudging neighbours apart so each is seen', () => {
    expect(columnsByDay([0, 50, 100], 11)).toEqual([0, 5, 10]);
    expect(columnsByDay([0, 1, 2, 100], 11)).toEqual([0, 1, 2, 10]);
    // Crowded at the end: nudged back rather than off the edge.
    expect(columnsByDay([0, 98, 99, 100], 11)).toEqual([0, 8, 9, 10]);
    expect(columnsByDay([7, 7, 7], 11)).toEqual([0, 1, 2]);
  });

  it('names the first and last day under the line, with years when they differ', () => {
    const [line, labels] = datedSparkline([{ date: '2025-12-30', value: 1 }, { date: '2026-01-04', value: 5 }], 1, 5);
    expect(line).toBe(`▁${'·'.repeat(26)}█`);
    expect(labels).toBe(`30 Dec 2025${' '.repeat(7)}4 Jan 2026`);
    expect(datedSparkline([{ date: '2026-05-01', value: 3 }], 1, 5)).toEqual(['▅', '1 May 2026']);
  });
});

describe('trends and kind words', () => {
  it('draws no mood trend below three on each side, nor from a change under half a point', () => {
    expect(computeInsights(weekly([5, 4, 4, 3, 2]), []).mood).toMatchObject({ half: 0, trend: null });
    expect(computeInsights(weekly([3, 3, 3, 3, 3, 4]), []).mood).toMatchObject({ half: 3, trend: 'steady' });
    expect(computeInsights(weekly([3, 3, 3, 4, 4, 4]), []).mood).toMatchObject({ trend: 'up', feeling: null });
  });

  it('has a kind word when the last few feelings fall or stay low, and not otherwise', () => {
    const feeling = (moods: number[]) => computeInsights(weekly(moods), []).mood?.feeling;
    expect(feeling([4, 3, 2])).toBe('heavier');
    expect(feeling([5, 5, 4, 4, 2])).toBe('heavier');
    // The halves fell (5.0 to 3.3) though the last three wobble.
    expect(feeling([5, 5, 5, 3, 4, 3])).toBe('heavier');
    expect(feeling([2, 2, 1])).toBe('low');
    expect(feeling([3, 4, 2])).toBeNull();
    expect(feeling([3, 3, 3])).toBeNull();
    expect(feeling([1, 2, 4])).toBeNull();
  });

  it('only calls a growth area recurring when named in most debriefs, and at least three', () => {
    const tagged = (growth: string[][]) =>
      computeInsights(
        weekly(growth.map(() => 3)).map((d, k) => ({ ...d, growthTags: growth[k]! })),
        [],
      ).recurring.map((t) => t.id);
    expect(tagged([['nerves'], ['nerves'], ['salary']])).toEqual([]);
    expect(tagged([['nerves'], ['nerves'], ['nerves', 'salary']])).toEqual(['nerves']);
    expect(tagged([['nerves'], ['nerves'], ['nerves'], ['salary'], ['salary'], ['salary']])).toEqual([]);
  });
});

describe('the chart picture', () => {
  const ticks = (svg: string) =>
    [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="12" fill="#78909c" text-anchor="middle">([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), label: m[2]! }));

  it('marks Mondays over a few weeks', () => {
    const svg = insightsSvg(computeInsights(debriefs([['2026-03-04', 3], ['2026-03-12', 2], ['2026-03-24', 4]]), []));
    expect(ticks(svg).map((t) => t.label)).toEqual(['9 Mar', '16 Mar', '23 Mar']);
  });

  it('marks months over two years, thinned so labels never crowd, with the year where it turns', () => {
    const rows: [string, number][] = [['2025-01-10', 3], ['2025-09-01', 4], ['2026-06-01', 2], ['2026-12-20', 5]];
    const svg = insightsSvg(computeInsights(debriefs(rows), []));
    const t = ticks(svg);
    expect(t.map((x) => x.label)).toContain('Jan 2026');
    for (let k = 1; k < t.length; k++) expect(t[k]!.x - t[k - 1]!.x).toBeGreaterThanOrEqual(44);
    const cx = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    const jan2026 = t.find((x) => x.label === 'Jan 2026')!.x;
    const at = (day: string) => cx[0]! + ((dayNumber(day) - dayNumber(rows[0]![0])) / (dayNumber(rows[3]![0]) - dayNumber(rows[0]![0]))) * (cx[3]! - cx[0]!);
    expect(Math.abs(jan2026 - at('2026-01-01'))).toBeLessThan(0.2);
    expect(Math.abs(cx[1]! - at('2025-09-01'))).toBeLessThan(0.2);
  });
});
