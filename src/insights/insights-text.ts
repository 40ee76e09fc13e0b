import type { Insights, TagCount } from './patterns.js';
import { TOP_TAGS } from './patterns.js';
import { bar, sparkline, trendArrow } from './text-chart.js';

/** Outcomes as they read inside a count ("2 no, 1 offer"); the flow's labels are answers to a question. */
export const outcomeWords: Record<string, string> = {
  rejected: 'no',
  waiting: 'waiting',
  no_response: 'no response',
  offer: 'offer',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const oneDecimal = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

function tagLines(tags: TagCount[], half: number): string[] {
  const shown = tags.slice(0, TOP_TAGS);
  const max = shown[0]?.count ?? 0;
  return shown.map(
    (t) => `${bar(t.count, max, 6)} ${t.count}  ${t.label}  ${trendArrow(t.trend)} lately ${t.recent} of ${half}, earlier ${t.earlier} of ${half}`,
  );
}

/** One thing worth saying out loud, the way a friend who read all the debriefs would. */
function takeaway(i: Insights): string | null {
  const rising = i.growth.find((t) => t.trend === 'up' && t.recent >= 2);
  if (rising)
    return `You named _${rising.label.toLowerCase()}_ in ${rising.recent} of your last ${i.half} debriefs. It might be worth a next step of its own.`;
  const easing = i.growth.find((t) => t.trend === 'down' && t.earlier >= 2);
  if (easing)
    return `_${easing.label}_ comes up less than it used to (${easing.recent} of your last ${i.half}, ${easing.earlier} of the ${i.half} before). That looks like progress.`;
  const strong = i.strengths[0];
  if (strong && strong.count >= 2)
    return `_${strong.label}_ keeps showing up as a strength: ${strong.count} of ${i.total} debriefs. That one is yours to lean on.`;
  return null;
}

export function insightsText(i: Insights): string {
  const parts: string[] = [`*Your patterns across ${i.total} debriefs* (${i.firstDate} to ${i.lastDate})`];

  parts.push(
    i.strengths.length
      ? ['*Strengths you named most*', ...tagLines(i.strengths, i.half)].join('\n')
      : '*Strengths*: none tagged yet. Even a hard interview has one or two; next time, pick them.',
  );
  parts.push(
    i.growth.length
      ? ['*What you want to work on*', ...tagLines(i.growth, i.half)].join('\n')
      : '*To work on*: nothing tagged yet.',
  );

  if (i.mood) {
    const trend =
      i.mood.earlier !== null && i.mood.recent !== null
        ? `; lately ${oneDecimal(i.mood.recent)}, earlier ${oneDecimal(i.mood.earlier)} ${trendArrow(i.mood.trend)}`
        : '';
    parts.push(
      `*How you felt afterwards* (1 really rough, 5 good)\n${sparkline(i.moods.map((m) => m.mood), 1, 5)}  average ${oneDecimal(i.mood.average)}${trend}`,
    );
  } else {
    parts.push('*How you felt afterwards*: you skipped that question each time, which is fine.');
  }

  const f = i.feedback;
  parts.push(
    f.applicable === 0
      ? '*Feedback*: it has not come up yet. I ask about it after a no or a silence.'
      : `*Feedback*: you asked after ${f.asked} of the ${plural(f.applicable, 'interview')} where it came up, and it came back ${plural(f.received, 'time')}.`,
  );

  const a = i.actions;
  const actionMax = Math.max(a.done, a.open, a.dropped);
  parts.push(
    a.done + a.open + a.dropped === 0
      ? '*Your next steps*: none yet.'
      : [
          '*Your next steps*',
          `${bar(a.done, actionMax, 6)} ${a.done} done`,
          `${bar(a.open, actionMax, 6)} ${a.open} open`,
          `${bar(a.dropped, actionMax, 6)} ${a.dropped} dropped`,
        ].join('\n'),
  );

  parts.push(
    [
      '*Outcomes by stage*',
      ...i.stages.map((s) => `${s.label}: ${s.total} (${s.outcomes.map((o) => `${o.count} ${outcomeWords[o.id] ?? o.id}`).join(', ')})`),
    ].join('\n'),
  );

  const said = takeaway(i);
  if (said) parts.push(said);
  return parts.join('\n\n');
}

export function tooFewText(count: number, needed: number): string {
  if (count === 0)
    return (
      "No debriefs yet, so there are no patterns to show. After your next interview, `/debrief` walks you through one: " +
      'about five minutes, and it all stays private to you.'
    );
  return (
    `You have ${plural(count, 'debrief')} so far. Patterns start to show from ${needed}, so ` +
    `${plural(needed - count, 'more debrief')} and I can show what keeps coming up, how you feel over time and where things go well. ` +
    '`/debrief history` shows the ones you have.'
  );
}
