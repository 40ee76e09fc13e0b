import type { Kysely } from 'kysely';
import type { Database } from '../db/types.js';
import { findMemberId } from '../db/conversations.js';
import { openActionItems, recentDebriefs } from '../db/debriefs.js';
import type { Actor } from '../engine/types.js';
import { outcomePhrases } from '../insights/insights-text.js';

/**
 * What a member's "home" shows at a glance (Slack's App Home tab; any platform with such a surface):
 * their open next steps and their last few debriefs. Read-only, and nothing platform-specific.
 */

export interface MemberHome {
  /** Open action items, soonest due first (undated ones last). `due` is 'YYYY-MM-DD' or null. */
  openItems: { text: string; due: string | null }[];
  /** The latest debriefs, latest interview first, as `/debrief history` lists them. `outcome` reads
   *  inside a line ('an offer', 'still waiting'); `date` is the interview date, or the day of the
   *  debrief when they skipped it ('YYYY-MM-DD'). */
  recent: { company: string; role: string; outcome: string; date: string }[];
}

const MAX_ITEMS = 10;
const MAX_RECENT = 5;

export async function memberHome(db: Kysely<Database>, actor: Actor): Promise<MemberHome> {
  const memberId = await findMemberId(db, actor);
  if (!memberId) return { openItems: [], recent: [] };

  const [items, debriefs] = await Promise.all([openActionItems(db, memberId, MAX_ITEMS), recentDebriefs(db, memberId, MAX_RECENT)]);
  return {
    openItems: items.map((i) => ({ text: i.text, due: i.due_date })),
    recent: debriefs.map((d) => ({
      company: d.company,
      role: d.role,
      outcome: outcomePhrases[d.outcome] ?? d.outcome,
      date: d.interview_date ?? d.created_at.toISOString().slice(0, 10),
    })),
  };
}
