import type { Transaction } from 'kysely';
import { actionStatusesOf, debriefFactsOf } from '../db/debriefs.js';
import type { Database } from '../db/types.js';
import type { CommandHandler } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';
import { insightsSvg } from './chart-svg.js';
import { insightsText, tooFewText } from './insights-text.js';
import { computeInsights, MIN_DEBRIEFS_FOR_PATTERNS, type DebriefFacts, type Insights } from './patterns.js';
import { svgToPng } from './render-png.js';

/** The member's debriefs and next steps, reduced to what the patterns need. */
export async function loadInsights(trx: Transaction<Database>, memberId: string): Promise<Insights> {
  const debriefs = await debriefFactsOf(trx, memberId);
  const actions = await actionStatusesOf(trx, memberId);
  const facts: DebriefFacts[] = debriefs.map((d) => ({
    date: d.interview_date ?? d.created_at.toISOString().slice(0, 10),
    createdAt: d.created_at,
    stage: d.stage,
    outcome: d.outcome,
    mood: d.mood,
    strengthTags: d.strength_tags ?? [],
    growthTags: d.growth_tags ?? [],
    feedbackStatus: d.feedback_status,
  }));
  return computeInsights(
    facts,
    actions,
  );
}

/**
 * `/debrief insights`: patterns across the member's debriefs, as text for every adapter (with a
 * chart in characters, all the terminal has) and the same chart as a PNG for Slack and Discord.
 */
export const insightsCommand: CommandHandler = async ({ trx, memberId, now }) => {
  const insights = await loadInsights(trx, memberId);
  if (insights.total < MIN_DEBRIEFS_FOR_PATTERNS)
    return [{ text: tooFewText(insights.total, MIN_DEBRIEFS_FOR_PATTERNS), expectsText: false }];
  const png = await svgToPng(insightsSvg(insights));
  const reply: Reply = {
    text: insightsText(insights),
    expectsText: false,
    file: { name: `debrief-insights-${now.toISOString().slice(0, 10)}.png`, mimeType: 'image/png', base64: png.toString('base64') },
  };
  return [reply];
};
