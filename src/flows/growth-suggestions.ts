import type { growthTags } from './debrief.js';

type GrowthTagId = (typeof growthTags)[number]['id'];

/**
 * One small, concrete thing to try for a growth area that keeps coming back in someone's debriefs.
 * Keyed by the debrief's growth tags, so a new tag does not compile until it has its suggestion.
 * Each fits in a sentence and can be done before the next interview.
 */
export const growthSuggestions: Record<GrowthTagId, string> = {
  preparation: 'the day before, reread the job ad and jot down one example for each thing it asks for.',
  nerves: 'do a ten-minute mock interview with a friend, and take three slow breaths before you join the call.',
  concise: 'answer in three parts (the situation, what you did, how it ended) and stop at about two minutes.',
  technical: 'pick the one topic that tripped you up and give it half an hour a day this week.',
  examples: 'write down three stories from your work, each with what you did and how it turned out, and reuse them.',
  salary: 'look up the range for the role, pick your number, and say it out loud a few times before the call.',
  company_research: 'spend twenty minutes on their site and recent news, and note one thing you would like to ask about.',
  questions: 'write down three questions you truly want answered about the team or the work, and bring them with you.',
};
