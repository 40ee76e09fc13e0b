import { promptLedger } from '../../db/due-runs.js';
import { communityPrompt } from '../../flows/invitations.js';
import type { ScheduledKind } from '../kind.js';
import { nextPromptId } from '../rotation.js';

/** The weekly reflection prompt, posted in each community's channel at the time its admin chose. */
export const communityPrompts: ScheduledKind<{ promptId: string }> = {
  name: 'prompt',
  audience: 'communities',
  cron: (schedule) => schedule.cron!,
  compose: async ({ trx, subject }) => {
    const promptId = await nextPromptId(trx, subject.id);
    return { replies: [communityPrompt(promptId)], detail: { promptId } };
  },
  ledger: promptLedger,
  batch: 20,
};
