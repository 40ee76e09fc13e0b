/**
 * A compact chart in characters, for every adapter's text (the terminal has no other). Bars come
 * first on their line so they line up even in a proportional font, as Slack and Discord use.
 */

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const SPARKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A horizontal bar `value/max` of `width` cells, in eighths of a cell. Never empty for a value > 0. */
export function bar(value: number, max: number, width = 10): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8];
}

/** One character per value on a fixed scale, e.g. moods 1-5: '▁▃▅█'. */
export function sparkline(values: readonly number[], min: number, max: number): string {
  const span = max - min || 1;
  return values
    .map((v) => SPARKS[Math.round(((Math.min(Math.max(v, min), max) - min) / span) * (SPARKS.length - 1))])
    .join('');
}

export const trendArrow = (trend: 'up' | 'down' | 'steady') => (trend === 'up' ? '↑' : trend === 'down' ? '↓' : '→');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Days since 1970 for a 'YYYY-MM-DD' day, so spans between days are plain subtraction. */
export const dayNumber = (iso: string): number => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/** '2026-03-02' as people write it: '2 Mar 2026', or '2 Mar' when the year goes without saying. */
export function dayLabel(iso: string, withYear = true): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]}${withYear ? ` ${y}` : ''}`;
}

/** A span of days as a person says it: '2 Mar to 5 Oct 2026', '30 Dec 2025 to 4 Jan 2026', '5 Oct 2026'. */
export function dayRange(first: string, last: string): string {
  if (first.slice(0, 10) === last.slice(0, 10)) return dayLabel(last);
  return `${dayLabel(first, first.slice(0, 4) !== last.slice(0, 4))} to ${dayLabel(last)}`;
}

/** Where each point falls on an axis of `cells` columns, by its day: x proportional to time. Points
 *  on the same or neighbouring days would share a cell, so each is nudged just enough to be seen. */
export function columnsByDay(days: readonly number[], cells: number): number[] {
  if (days.length === 0) return [];
  const first = days[0]!;
  const span = days.at(-1)! - first;
  const last = cells - 1;
  const ideal = days.map((d) => (span > 0 ? Math.round(((d - first) / span) * last) : 0));
  const cols = [...ideal];
  for (let k = 1; k < cols.length; k++) cols[k] = Math.max(cols[k]!, cols[k - 1]! + 1);
  for (let k = cols.length - 1; k >= 0; k--) cols[k] = Math.min(cols[k]!, (k === cols.length - 1 ? last : cols[k + 1]! - 1));
  return cols.map((c) => Math.max(0, c));
}

/** Width of the dated sparkline, in characters: narrow enough for a phone, wide enough to show gaps. */
export const TIMELINE_CELLS = 28;
const GAP = '·';

/**
 * A sparkline on a time axis: each value sits at the column of its day, days with no value show as
 * `·`, and a line under it names the first and last day. `points` must be in order of day.
 */
export function datedSparkline(points: readonly { date: string; value: number }[], min: number, max: number): string[] {
  if (points.length === 0) return [];
  const cells = Math.max(TIMELINE_CELLS, points.length);
  const cols = columnsByDay(points.map((p) => dayNumber(p.date)), cells);
  const row: string[] = Array.from({ length: cells }, () => GAP);
  points.forEach((p, k) => (row[cols[k]!] = sparkline([p.value], min, max)));
  const first = points[0]!.date;
  const last = points.at(-1)!.date;
  if (points.length === 1 || first === last) return [row.slice(0, cols.at(-1)! + 1).join(''), dayLabel(last)];
  const left = dayLabel(first, first.slice(0, 4) !== last.slice(0, 4));
  const right = dayLabel(last);
  const room = cells - left.length - right.length;
  return [row.join(''), room >= 1 ? `${left}${' '.repeat(room)}${right}` : `${left} to ${right}`];
}
