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
/**
 * A trend compares the earlier half of the debriefs with the recent half, and says nothing until each
 * half holds at least this many: one debrief against one is a coin toss drawn as an arrow.
 */
export const MIN_PER_SIDE = 3;
/** A tag named in fewer than this many more (or fewer) of the recent half than of the earlier one
 *  has not moved: a single debrief either way is noise, and an arrow would claim more. */
const TAG_TREND_STEP = 2;
/** Moods (1-5) whose halves differ by less than this are "about the same", not a trend. */
const MOOD_TREND_STEP = 0.5;
/** A growth area "keeps coming back" when named in more than half of the debriefs, and this often. */
const MIN_RECURRING = 3;
/** How many of the last moods the kind word looks at. */
const LAST_FEW = 3;

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
  /** Null while there are too few debriefs for halves of MIN_PER_SIDE. */
  trend: Trend | null;
}

/** 'heavier': the last few feelings fell, or the recent half sits clearly below the earlier one;
 *  'low': the last few were all rough. Either earns a kind word. */
export type Feeling = 'heavier' | 'low' | null;

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
   *  of an odd count sits in neither, so the two halves compare like with like). 0 while there are
   *  too few for MIN_PER_SIDE on each side: then there are no trends. */
  half: number;
  strengths: TagCount[];
  growth: TagCount[];
  /** Growth areas named in most debriefs (and at least MIN_RECURRING), most named first. */
  recurring: TagCount[];
  moods: { date: string; mood: number }[];
  /** `half` as for the debriefs, counted over the moods given (a skipped mood is in neither). */
  mood: { average: number; half: number; earlier: number | null; recent: number | null; trend: Trend | null; feeling: Feeling } | null;
  feedback: { applicable: number; asked: number; received: number };
  actions: Record<ActionItemStatus, number>;
  stages: StageOutcomes[];
}

export function chronological(debriefs: readonly DebriefFacts[]): DebriefFacts[] {
  return [...debriefs].sort(
    (a, b) => a.date.localeCompare(b.date) || a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

const trendOf = (earlier: number, recent: number, step = 1): Trend =>
  recent - earlier >= step ? 'up' : earlier - recent >= step ? 'down' : 'steady';
/** Halves of `n` for a trend, or 0 when either would hold fewer than MIN_PER_SIDE. */
const halfFor = (n: number) => (Math.floor(n / 2) >= MIN_PER_SIDE ? Math.floor(n / 2) : 0);

function tagCounts(ordered: DebriefFacts[], half: number, pick: (d: DebriefFacts) => string[], options: readonly Option[]): TagCount[] {
  const earlierSet = ordered.slice(0, half);
  const recentSet = ordered.slice(ordered.length - half);
  const named = (set: DebriefFacts[], id: string) => set.filter((d) => new Set(pick(d)).has(id)).length;
  return options
    .map((o, order) => {
      const earlier = named(earlierSet, o.id);
      const recent = named(recentSet, o.id);
      return { id: o.id, label: o.label, count: named(ordered, o.id), earlier, recent, trend: half ? trendOf(earlier, recent, TAG_TREND_STEP) : null, order };
    })
    .filter((t) => t.count > 0)
    // Most named first; among equals the one rising lately, then the flow's own order.
    .sort((a, b) => b.count - a.count || b.recent - a.recent || a.order - b.order)
    .map(({ order: _order, ...t }) => t);
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Whether the last few feelings call for a kind word (see Feeling). */
function feelingOf(moods: readonly number[], trend: Trend | null): Feeling {
  const last = moods.slice(-LAST_FEW);
  if (last.length === LAST_FEW) {
    const falling = last.every((m, k) => k === 0 || m < last[k - 1]!);
    const sliding = last.every((m, k) => k === 0 || m <= last[k - 1]!) && last[0]! - last.at(-1)! >= 2;
    if (falling || sliding) return 'heavier';
  }
  // The halves can fall while the last three wobble; a ↓ on feelings never goes without a word.
  if (trend === 'down') return 'heavier';
  if (last.length === LAST_FEW && last.every((m) => m <= 2)) return 'low';
  return null;
}

export function computeInsights(debriefs: readonly DebriefFacts[], actionStatuses: readonly ActionItemStatus[]): Insights {
  const ordered = chronological(debriefs);
  const half = halfFor(ordered.length);

  const moods = ordered.filter((d) => d.mood !== null).map((d) => ({ date: d.date, mood: d.mood as number }));
  const moodHalf = halfFor(moods.length);
  const earlierMood = moodHalf ? mean(moods.slice(0, moodHalf).map((m) => m.mood)) : null;
  const recentMood = moodHalf ? mean(moods.slice(moods.length - moodHalf).map((m) => m.mood)) : null;
  const moodTrend = earlierMood !== null && recentMood !== null ? trendOf(earlierMood, recentMood, MOOD_TREND_STEP) : null;
  const average = mean(moods.map((m) => m.mood));
  const growth = tagCounts(ordered, half, (d) => d.growthTags, growthTags);

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
    growth,
    recurring: growth.filter((t) => t.count >= MIN_RECURRING && t.count * 2 > ordered.length),
    moods,
    mood:
      average === null
        ? null
        : {
            average,
            half: moodHalf,
            earlier: earlierMood,
            recent: recentMood,
            trend: moodTrend,
            feeling: feelingOf(
              moods.map((m) => m.mood),
              moodTrend,
            ),
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
