import type { Insights, TagCount } from './patterns.js';
import { outcomeWords } from './insights-text.js';
import { MIN_PER_SIDE } from './patterns.js';
import { dayLabel, dayNumber, dayRange } from './text-chart.js';

/**
 * The insights as one SVG picture: strengths and growth areas side by side, mood over time, outcomes
 * by stage, feedback and next steps. Only counts and the flow's own labels go in; no company names or
 * answer text, so the image says nothing the member did not already tag.
 */

export const CHART_WIDTH = 900;
const PAD = 24;
const COL = (CHART_WIDTH - PAD * 3) / 2;
const ROW = 26;
const FONT = "DejaVu Sans, Noto Sans, Liberation Sans, Arial, Helvetica, sans-serif";

const colours = {
  ink: '#263238',
  muted: '#78909c',
  grid: '#e3e8eb',
  strength: '#3f9b6e',
  growth: '#d08a2e',
  mood: '#4a74c9',
  outcome: { rejected: '#d9826f', waiting: '#e8c766', no_response: '#b7bec3', offer: '#4f9f6c' } as Record<string, string>,
  action: { done: '#4f9f6c', open: '#5f90d6', dropped: '#b7bec3' } as Record<string, string>,
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = (x: number, y: number, s: string, attrs = '') =>
  `<text x="${x}" y="${y}" ${attrs}>${esc(s)}</text>`;
const heading = (x: number, y: number, s: string) => text(x, y, s, `font-size="16" font-weight="bold" fill="${colours.ink}"`);
const rect = (x: number, y: number, w: number, h: number, fill: string) =>
  `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, w).toFixed(1)}" height="${h}" rx="3" fill="${fill}"/>`;

function tagPanel(x: number, y: number, title: string, tags: TagCount[], fill: string): string[] {
  const out = [heading(x, y, title)];
  if (tags.length === 0) return [...out, text(x, y + 30, 'Nothing tagged yet', `font-size="13" fill="${colours.muted}"`)];
  // Wide enough for the longest tag label ('Research on the company') in 13px DejaVu Sans.
  const labelW = 190;
  const barMax = COL - labelW - 60;
  const max = tags[0]!.count;
  tags.forEach((t, i) => {
    const ry = y + 16 + i * ROW;
    const arrow = t.trend === 'up' ? '▲' : t.trend === 'down' ? '▼' : '';
    out.push(text(x, ry + 15, t.label, `font-size="13" fill="${colours.ink}"`));
    out.push(rect(x + labelW, ry + 2, (t.count / max) * barMax, 18, fill));
    out.push(text(x + labelW + (t.count / max) * barMax + 6, ry + 16, `${t.count}${arrow ? ` ${arrow}` : ''}`, `font-size="13" fill="${colours.ink}"`));
  });
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10);

/** Fewest pixels between two tick labels. */
const TICK_GAP = 44;

/**
 * Ticks between two days that read at a glance: month starts for spans over six weeks ('Mar', and
 * 'Jan 2027' where a year turns; every 2nd, 3rd, 6th or 12th month when months would crowd), else
 * each Monday ('9 Mar'). The two ends carry the full first and last day on a line of their own.
 */
function dateTicks(first: string, last: string, plotW: number): { day: number; label: string }[] {
  const d0 = dayNumber(first);
  const d1 = dayNumber(last);
  const span = d1 - d0;
  if (span <= 0) return [];
  const ticks: { day: number; label: string }[] = [];
  if (span > 42) {
    const every = [1, 2, 3, 6, 12].find((k) => (k * 30 * plotW) / span >= TICK_GAP) ?? 12;
    let [y, m] = first.split('-').map(Number) as [number, number];
    m -= 1; // 0-based from here on
    for (;;) {
      m += 1;
      if (m === 12) [y, m] = [y + 1, 0];
      const day = dayNumber(iso(y, m, 1));
      if (day >= d1) break;
      if (m % every === 0) ticks.push({ day, label: m === 0 ? `Jan ${y}` : MONTHS[m]! });
    }
  } else {
    // Day 0 (1 Jan 1970) was a Thursday, so Mondays are the days ≡ 4 (mod 7).
    for (let day = d0 + 1 + (((4 - d0 - 1) % 7) + 7) % 7; day < d1; day += 7)
      ticks.push({ day, label: dayLabel(new Date(day * 86_400_000).toISOString(), false) });
  }
  return ticks;
}

function moodPanel(x: number, y: number, w: number, h: number, i: Insights): string[] {
  const out = [heading(x, y, 'How you felt after each interview (1 to 5), by date')];
  const top = y + 20;
  const left = x + 28;
  const plotW = w - 40;
  const plotH = h - 66;
  const yOf = (m: number) => top + plotH - ((m - 1) / 4) * plotH;
  for (let m = 1; m <= 5; m++) {
    out.push(`<line x1="${left}" y1="${yOf(m)}" x2="${left + plotW}" y2="${yOf(m)}" stroke="${colours.grid}" stroke-width="1"/>`);
    out.push(text(x + 8, yOf(m) + 4, String(m), `font-size="12" fill="${colours.muted}"`));
  }
  if (i.moods.length === 0) {
    out.push(text(left + 10, top + plotH / 2, 'No moods noted yet', `font-size="13" fill="${colours.muted}"`));
    return out;
  }
  const first = i.moods[0]!.date;
  const last = i.moods.at(-1)!.date;
  const d0 = dayNumber(first);
  const span = dayNumber(last) - d0;
  // x proportional to time: a quiet month looks like one, and a busy week bunches up.
  const xOf = (date: string) => (span > 0 ? left + ((dayNumber(date) - d0) / span) * plotW : left + plotW / 2);
  const pts = i.moods.map((m) => [xOf(m.date), yOf(m.mood)] as const);
  const axisY = top + plotH;
  for (const t of dateTicks(first, last, plotW)) {
    const tx = left + ((t.day - d0) / span) * plotW;
    out.push(`<line x1="${tx.toFixed(1)}" y1="${top}" x2="${tx.toFixed(1)}" y2="${axisY + 4}" stroke="${colours.grid}" stroke-width="1"/>`);
    out.push(text(Number(tx.toFixed(1)), axisY + 18, t.label, `font-size="12" fill="${colours.muted}" text-anchor="middle"`));
  }
  if (pts.length > 1)
    out.push(`<polyline points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ')}" fill="none" stroke="${colours.mood}" stroke-width="3" stroke-linejoin="round"/>`);
  for (const [px, py] of pts) out.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="5" fill="${colours.mood}"/>`);
  if (span <= 0) out.push(text(left + plotW / 2, axisY + 36, dayLabel(last), `font-size="12" fill="${colours.muted}" text-anchor="middle"`));
  else {
    out.push(text(left, axisY + 36, dayLabel(first), `font-size="12" fill="${colours.muted}"`));
    out.push(text(left + plotW, axisY + 36, dayLabel(last), `font-size="12" fill="${colours.muted}" text-anchor="end"`));
  }
  return out;
}

function stackedBar(x: number, y: number, w: number, parts: { count: number; fill: string }[]): string[] {
  const total = parts.reduce((s, p) => s + p.count, 0);
  if (total === 0) return [rect(x, y, w, 18, colours.grid)];
  let at = x;
  return parts.map((p) => {
    const pw = (p.count / total) * w;
    const r = rect(at, y, pw, 18, p.fill);
    at += pw;
    return r;
  });
}

function legend(x: number, y: number, items: { label: string; fill: string }[]): string[] {
  let at = x;
  return items.flatMap((it) => {
    const out = [rect(at, y - 10, 12, 12, it.fill), text(at + 16, y, it.label, `font-size="12" fill="${colours.ink}"`)];
    at += 16 + it.label.length * 7.5 + 16;
    return out;
  });
}

function stagePanel(x: number, y: number, i: Insights): string[] {
  const out = [heading(x, y, 'Outcomes by stage')];
  const labelW = 190;
  const barW = COL - labelW - 40;
  const max = Math.max(...i.stages.map((s) => s.total), 1);
  i.stages.forEach((s, k) => {
    const ry = y + 16 + k * ROW;
    out.push(text(x, ry + 15, s.label, `font-size="13" fill="${colours.ink}"`));
    out.push(...stackedBar(x + labelW, ry + 2, (s.total / max) * barW, s.outcomes.map((o) => ({ count: o.count, fill: colours.outcome[o.id] ?? colours.muted }))));
    out.push(text(x + labelW + (s.total / max) * barW + 6, ry + 16, String(s.total), `font-size="13" fill="${colours.ink}"`));
  });
  const ly = y + 16 + i.stages.length * ROW + 18;
  out.push(...legend(x, ly, Object.entries(outcomeWords).map(([id, label]) => ({ label, fill: colours.outcome[id]! }))));
  return out;
}

function habitsPanel(x: number, y: number, i: Insights): string[] {
  const out = [heading(x, y, 'Feedback')];
  const f = i.feedback;
  const barW = COL - 20;
  out.push(
    text(x, y + 24, f.applicable ? `Asked after ${f.asked} of ${f.applicable}; it came back ${f.received} ${f.received === 1 ? 'time' : 'times'}` : "Hasn't come up yet", `font-size="13" fill="${colours.ink}"`),
  );
  out.push(
    ...stackedBar(x, y + 34, barW, [
      { count: f.received, fill: colours.strength },
      { count: f.asked - f.received, fill: colours.mood },
      { count: f.applicable - f.asked, fill: colours.grid },
    ]),
  );
  out.push(...legend(x, y + 72, [
    { label: 'came back', fill: colours.strength },
    { label: 'asked', fill: colours.mood },
    { label: 'not asked', fill: colours.grid },
  ]));
  const ay = y + 110;
  const a = i.actions;
  out.push(heading(x, ay, 'Next steps'));
  out.push(text(x, ay + 24, `${a.done} done, ${a.open} open, ${a.dropped} dropped`, `font-size="13" fill="${colours.ink}"`));
  out.push(...stackedBar(x, ay + 34, barW, (['done', 'open', 'dropped'] as const).map((s) => ({ count: a[s], fill: colours.action[s]! }))));
  return out;
}

export function insightsSvg(i: Insights): string {
  const tagRows = Math.max(i.strengths.length, i.growth.length, 1);
  const titleH = 64;
  const tagsY = titleH + 20;
  const tagsH = 30 + tagRows * ROW;
  const moodY = tagsY + tagsH + 20;
  const moodH = 190;
  const lowerY = moodY + moodH + 20;
  const lowerH = Math.max(30 + i.stages.length * ROW + 40, 170);
  const height = lowerY + lowerH + PAD;

  const body = [
    `<rect width="${CHART_WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(PAD, 36, `Your debrief patterns: ${i.total} debriefs`, `font-size="22" font-weight="bold" fill="${colours.ink}"`),
    text(CHART_WIDTH - PAD, 36, dayRange(i.firstDate, i.lastDate), `font-size="13" fill="${colours.muted}" text-anchor="end"`),
    text(
      PAD,
      60,
      i.half
        ? `▲ named more often in your last ${i.half} debriefs than in your first ${i.half}   ▼ less often`
        : `Too few debriefs yet to tell what is changing: that takes ${MIN_PER_SIDE * 2}.`,
      `font-size="12" fill="${colours.muted}"`,
    ),
    ...tagPanel(PAD, tagsY, 'Strengths you named', i.strengths, colours.strength),
    ...tagPanel(PAD * 2 + COL, tagsY, 'What you want to work on', i.growth, colours.growth),
    ...moodPanel(PAD, moodY, CHART_WIDTH - PAD * 2, moodH, i),
    ...stagePanel(PAD, lowerY, i),
    ...habitsPanel(PAD * 2 + COL, lowerY, i),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" font-family="${FONT}">\n${body.join('\n')}\n</svg>`;
}
