import { sql, type Kysely } from 'kysely';
import type { Database } from './types.js';

/**
 * The day a debrief belongs to: the interview's, or the day it was saved when the member skipped
 * that question. History, Home and insights all order and date debriefs by it, so an interview
 * debriefed weeks later sits where it happened in every one of them.
 */
export const debriefDay = (alias?: string) => {
  const column = (name: string) => sql.ref(alias ? `${alias}.${name}` : name);
  return sql<string>`coalesce(${column('interview_date')}, (${column('created_at')} at time zone 'UTC')::date)`;
};

/** A page of the member's debriefs with their next step, the latest interview first. */
export function debriefsPage(db: Kysely<Database>, memberId: string, page: { limit: number; offset: number }) {
  return db
    .selectFrom('debriefs as d')
    .leftJoin('action_items as a', 'a.debrief_id', 'd.id')
    .select(['d.company', 'd.role', 'd.stage', 'd.outcome', 'd.interview_date', 'd.created_at', 'a.text as next_step', 'a.status as step_status'])
    .where('d.member_id', '=', memberId)
    .orderBy(debriefDay('d'), 'desc')
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

/** The latest debriefs, as history lists them. */
export function recentDebriefs(db: Kysely<Database>, memberId: string, limit: number) {
  return db
    .selectFrom('debriefs')
    .select(['company', 'role', 'outcome', 'interview_date', 'created_at'])
    .where('member_id', '=', memberId)
    .orderBy(debriefDay(), 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** Every debrief of the member, reduced to what patterns across them need. */
export function debriefFactsOf(db: Kysely<Database>, memberId: string) {
  return db
    .selectFrom('debriefs')
    .select(['interview_date', 'created_at', 'stage', 'outcome', 'mood', 'strength_tags', 'growth_tags', 'feedback_status'])
    .where('member_id', '=', memberId)
    .execute();
}

export async function actionStatusesOf(db: Kysely<Database>, memberId: string) {
  const rows = await db.selectFrom('action_items').select('status').where('member_id', '=', memberId).execute();
  return rows.map((r) => r.status);
}

/** Open next steps, soonest due first (undated ones last). */
export function openActionItems(db: Kysely<Database>, memberId: string, limit: number) {
  return db
    .selectFrom('action_items')
    .select(['text', 'due_date'])
    .where('member_id', '=', memberId)
    .where('status', '=', 'open')
    .orderBy('due_date', (ob) => ob.asc().nullsLast())
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
