/**
 * The few sentences `/debrief insights` says beyond the figures. Kind and short: someone reading
 * their patterns may be at a low moment, and a chart alone can feel like a verdict.
 */
export const insightWords = {
  /** The last few feelings have fallen, or the recent ones sit clearly below the earlier ones. */
  feelingHeavier: "Your last few debriefs have felt heavier. That's a lot to carry; be gentle with yourself this week.",
  /** The last few feelings have all been low, without a fall to point to. */
  feelingLow: "Your last few debriefs have felt rough. That's a lot to carry; be gentle with yourself this week.",
} as const;
