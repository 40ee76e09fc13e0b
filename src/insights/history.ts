import { debriefsPage } from '../db/debriefs.js';
import type { CommandHandler } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';
import { stages } from '../flows/debrief.js';
import { outcomePhrases } from './insights-text.js';

const PAGE_SIZE = 5;

/** `/debrief history [page]`: the member's debriefs, the latest interview first. */
export const historyCommand: CommandHandler = async ({ trx, memberId, args }) => {
  const page = Math.max(1, Number.parseInt(args[0] ?? '1', 10) || 1);
  const rows = await debriefsPage(trx, memberId, { limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
  if (rows.length === 0) {
    const text =
      page === 1
        ? 'No debriefs yet. When you have had an interview, `/debrief` walks you through one.'
        : `There's no page ${page}; \`/debrief history\` starts from your newest.`;
    return [{ text, expectsText: false }];
  }
  const label = (list: readonly { id: string; label: string }[], id: string) => list.find((o) => o.id === id)?.label ?? id;
  const outcome = (id: string) => outcomePhrases[id] ?? id;
  const lines = rows.slice(0, PAGE_SIZE).map((r) => {
    const when = r.interview_date ?? r.created_at.toISOString().slice(0, 10);
    const step = r.next_step ? `\n   Next step: ${r.next_step}${r.step_status && r.step_status !== 'open' ? ` (${r.step_status})` : ''}` : '';
    return `• *${r.company}*, ${r.role}: ${label(stages, r.stage)}, ${outcome(r.outcome)} (${when})${step}`;
  });
  const more = rows.length > PAGE_SIZE ? `\n\nOlder ones: \`/debrief history ${page + 1}\`` : '';
  const reply: Reply = { text: `*Your debriefs*${page > 1 ? ` (page ${page})` : ''}\n${lines.join('\n')}${more}`, expectsText: false };
  return [reply];
};
