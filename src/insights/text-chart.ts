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

export const trendArrow = (trend: 'up' | 'down' | 'steady' | null) => (trend === 'up' ? '↑' : trend === 'down' ? '↓' : '→');
