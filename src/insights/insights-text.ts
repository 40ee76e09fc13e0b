import { growthSuggestions } from '../flows/growth-suggestions.js';
import { insightWords } from '../flows/insight-words.js';
import type { Insights, TagCount } from './patterns.js';
import { MIN_PER_SIDE, TOP_TAGS } from './patterns.js';
import { bar, datedSparkline, dayRange, trendArrow } from './text-chart.js';

/** Outcomes as they read inside a count ("2 no, 1 offer"); the flow's labels are answers to a question. */
export const outcomeWords: Record<string, string> = {
  rejected: 'no',
  waiting: 'waiting',
  no_response: 'no response',
  offer: 'offer',
};

/** One outcome as it reads in a list of debriefs ("Acme, Designer: an offer"), in history and on Home. */
export const outcomePhrases: Record<string, string> = {
  rejected: 'a no',
  waiting: 'still waiting',
  no_response: 'no response',
  offer: 'an offer',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const oneDecimal = (x: number) => (Math.round(x * 10) / 10).toFixed(1);

function tagLines(tags: TagCount[], half: number): string[] {
  const shown = tags.slice(0, TOP_TAGS);
  const max = shown[0]?.count ?? 0;
  return shown.map(
    (t) =>
      `${bar(t.count, max, 6)} ${t.count}  ${t.label}` +
      (t.trend ? `  ${trendArrow(t.trend)} lately ${t.recent} of ${half}, earlier ${t.earlier} of ${half}` : ''),
  );
}

/** The first word of a sentence starts with a capital; a tag's label inside one does not. */
const inSentence = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);

/** What a friend who read all the debriefs would say out loud: a strength to lean on, then the growth
 *  areas that keep coming back, each with one thing to try. Trends only when there are enough. */
function takeaway(i: Insights): string | null {
  const lines: string[] = [];
  const strong = i.strengths[0];
  if (strong && strong.count >= 2)
    lines.push(`_${strong.label}_ keeps showing up as a strength: ${strong.count} of ${i.total} debriefs. That one is yours to lean on.`);
  for (const t of i.recurring.slice(0, 2)) {
    const tip = growthSuggestions[t.id as keyof typeof growthSuggestions];
    const seen =
      t.count === i.total
        ? `You named _${inSentence(t.label)}_ in every one of your ${i.total} debriefs.`
        : `You named _${inSentence(t.label)}_ in ${t.count} of your ${i.total} debriefs.`;
    lines.push(tip ? `${seen} One thing to try: ${tip}` : seen);
  }
  if (i.recurring.length === 0) {
    const rising = i.growth.find((t) => t.trend === 'up' && t.recent >= 2);
    const easing = i.growth.find((t) => t.trend === 'down' && t.earlier >= 2);
    if (rising)
      lines.push(`You named _${inSentence(rising.label)}_ in ${rising.recent} of your last ${i.half} debriefs. It might be worth a next step of its own.`);
    else if (easing)
      lines.push(`_${easing.label}_ comes up less than it used to (${easing.recent} of your last ${i.half}, ${easing.earlier} of the ${i.half} before). That looks like progress.`);
  }
  return lines.length ? lines.join('\n') : null;
}

function moodSection(i: Insights): string {
  const m = i.mood;
  if (!m) return '*How you felt afterwards*: you skipped that question each time, which is fine.';
  const lines = ['*How you felt afterwards* (1 really rough, 5 good)', ...datedSparkline(i.moods.map((x) => ({ date: x.date, value: x.mood })), 1, 5)];
  lines.push(
    m.trend && m.earlier !== null && m.recent !== null
      ? `Average ${oneDecimal(m.average)}; lately ${oneDecimal(m.recent)}, earlier ${oneDecimal(m.earlier)} ${trendArrow(m.trend)} (your last ${m.half} against your first ${m.half})`
      : `Average ${oneDecimal(m.average)}. Too few so far to tell which way it is going: that takes ${MIN_PER_SIDE * 2} debriefs with a feeling noted.`,
  );
  if (m.feeling === 'heavier') lines.push(insightWords.feelingHeavier);
  else if (m.feeling === 'low') lines.push(insightWords.feelingLow);
  return lines.join('\n');
}

export function insightsText(i: Insights): string {
  const parts: string[] = [`*Your patterns across ${i.total} debriefs* (${dayRange(i.firstDate, i.lastDate)})`];

  parts.push(
    i.strengths.length
      ? ['*Strengths you named most*', ...tagLines(i.strengths, i.half)].join('\n')
      : '*Strengths*: none tagged yet. Even a hard interview has one or two; next time, pick them.',
  );
  const tooFew =
    i.half === 0 && (i.strengths.length || i.growth.length)
      ? [`_Too few debriefs yet to tell what is changing: that takes ${MIN_PER_SIDE * 2}._`]
      : [];
  parts.push(
    i.growth.length
      ? ['*What you want to work on*', ...tagLines(i.growth, i.half), ...tooFew].join('\n')
      : ['*To work on*: nothing tagged yet.', ...tooFew].join('\n'),
  );

  parts.push(moodSection(i));

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
