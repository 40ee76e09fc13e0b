import { sql } from 'kysely';
import type { CommandHandler } from '../engine/engine.js';
import type { Reply } from '../engine/types.js';
import { stages } from '../flows/debrief.js';
import { outcomePhrases } from './insights-text.js';

/**
 * The day a debrief belongs to: the interview's, or the day it was saved when the member skipped
 * that question. History, Home and insights all order and date debriefs by it, so an interview
 * debriefed weeks later sits where it happened in every one of them.
 */
export const debriefDay = (alias?: string) => {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  return sql<string>`coalesce(${column('interview_date')}, (${column('created_at')} at time zone 'UTC')::date)`;
};

const PAGE_SIZE = 5;

/** `/debrief history [page]`: the member's debriefs, the latest interview first. */
export const historyCommand: CommandHandler = async ({ trx, memberId, args }) => {
  const page = Math.max(1, Number.parseInt(args[0] ?? '1', 10) || 1);
  const rows = await trx
    .selectFrom('debriefs as d')
    .leftJoin('action_items as a', 'a.debrief_id', 'd.id')
    .select(['d.company', 'd.role', 'd.stage', 'd.outcome', 'd.interview_date', 'd.created_at', 'a.text as next_step', 'a.status as step_status'])
    .where('d.member_id', '=', memberId)
    .orderBy(debriefDay('d'), 'desc')
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(PAGE_SIZE + 1)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
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
