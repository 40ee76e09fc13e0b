import type { ActionItemStatus } from '../db/types.js';
import type { Option } from '../engine/flow.js';
import { growthTags, outcomes, stages, strengthTags } from '../flows/debrief.js';

/**
 * Patterns across one member's debriefs, as plain numbers: no database, no wording. The text and
 * the chart are both drawn from this, so they can never disagree.
 */

/** Fewer debriefs than this and "patterns" would be noise; the member gets a kind word instead. */
export const MIN_DEBRIEFS_FOR_PATTERNS = 3;
/** How many strengths and growth areas the text names. */
export const TOP_TAGS = 3;

export interface DebriefFacts {
  /** The interview's day when given, else the day the debrief was saved (YYYY-MM-DD). */
  date: string;
  createdAt: Date;
  stage: string;
  outcome: string;
  mood: number | null;
  strengthTags: string[];
  growthTags: string[];
  feedbackStatus: string | null;
}

export type Trend = 'up' | 'down' | 'steady';

export interface TagCount {
  id: string;
  label: string;
  /** Debriefs that named the tag. */
  count: number;
  /** Of the earlier half of the debriefs, how many named it; likewise the recent half. */
  earlier: number;
  recent: number;
  trend: Trend;
}

export interface StageOutcomes {
  id: string;
  label: string;
  total: number;
  outcomes: { id: string; label: string; count: number }[];
}

export interface Insights {
  total: number;
  firstDate: string;
  lastDate: string;
  /** Debriefs in each half used for trends: the oldest `half` and the newest `half` (a middle one
   *  of an odd count sits in neither, so the two halves compare like with like). */
  half: number;
  strengths: TagCount[];
  growth: TagCount[];
  moods: { date: string; mood: number }[];
  mood: { average: number; earlier: number | null; recent: number | null; trend: Trend | null } | null;
  feedback: { applicable: number; asked: number; received: number };
  actions: Record<ActionItemStatus, number>;
  stages: StageOutcomes[];
}

export function chronological(debriefs: readonly DebriefFacts[]): DebriefFacts[] {
  return [...debriefs].sort(
    (a, b) => a.date.localeCompare(b.date) || a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

const trendOf = (earlier: number, recent: number): Trend => (recent > earlier ? 'up' : recent < earlier ? 'down' : 'steady');

function tagCounts(ordered: DebriefFacts[], half: number, pick: (d: DebriefFacts) => string[], options: readonly Option[]): TagCount[] {
  const earlierSet = ordered.slice(0, half);
  const recentSet = ordered.slice(ordered.length - half);
  const named = (set: DebriefFacts[], id: string) => set.filter((d) => new Set(pick(d)).has(id)).length;
  return options
    .map((o, order) => {
      const earlier = named(earlierSet, o.id);
      const recent = named(recentSet, o.id);
      return { id: o.id, label: o.label, count: named(ordered, o.id), earlier, recent, trend: trendOf(earlier, recent), order };
    })
    .filter((t) => t.count > 0)
    // Most named first; among equals the one rising lately, then the flow's own order.
    .sort((a, b) => b.count - a.count || b.recent - a.recent || a.order - b.order)
    .map(({ order: _order, ...t }) => t);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

export function computeInsights(debriefs: readonly DebriefFacts[], actionStatuses: readonly ActionItemStatus[]): Insights {
  const ordered = chronological(debriefs);
  const half = Math.floor(ordered.length / 2);

  const moods = ordered.filter((d) => d.mood !== null).map((d) => ({ date: d.date, mood: d.mood as number }));
  const moodHalf = Math.floor(moods.length / 2);
  const earlierMood = moodHalf ? mean(moods.slice(0, moodHalf).map((m) => m.mood)) : null;
  const recentMood = moodHalf ? mean(moods.slice(moods.length - moodHalf).map((m) => m.mood)) : null;
  const average = mean(moods.map((m) => m.mood));

  const withFeedback = ordered.filter((d) => d.feedbackStatus !== null);
  const actions: Record<ActionItemStatus, number> = { open: 0, done: 0, dropped: 0 };
  for (const s of actionStatuses) actions[s] += 1;

  const stageRows = stages
    .map((s) => {
      const here = ordered.filter((d) => d.stage === s.id);
      return {
        id: s.id,
        label: s.label,
        total: here.length,
        outcomes: outcomes
          .map((o) => ({ id: o.id, label: o.label, count: here.filter((d) => d.outcome === o.id).length }))
          .filter((o) => o.count > 0),
      };
    })
    .filter((s) => s.total > 0);

  return {
    total: ordered.length,
    firstDate: ordered[0]?.date ?? '',
    lastDate: ordered.at(-1)?.date ?? '',
    half,
    strengths: tagCounts(ordered, half, (d) => d.strengthTags, strengthTags),
    growth: tagCounts(ordered, half, (d) => d.growthTags, growthTags),
    moods,
    mood:
      average === null
        ? null
        : {
            average,
            earlier: earlierMood,
            recent: recentMood,
            trend: earlierMood !== null && recentMood !== null ? trendOf(earlierMood, recentMood) : null,
          },
    feedback: {
      applicable: withFeedback.length,
      asked: withFeedback.filter((d) => d.feedbackStatus === 'asked' || d.feedbackStatus === 'received').length,
      received: withFeedback.filter((d) => d.feedbackStatus === 'received').length,
    },
    actions,
    stages: stageRows,
  };
}
