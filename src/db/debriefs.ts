import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DebriefRecord, OpenStep } from '../engine/types.js';
import type { Database } from './types.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Whose a new record is and when it was made. */
export interface Owner {
  memberId: string;
  conversationId: string;
  now: Date;
}

/** A debrief record's own columns, named as the table names them (the tags as arrays). */
export function debriefColumns(d: DebriefRecord) {
  return {
    company: d.company,
    role: d.role,
    stage: d.stage,
    interview_date: d.interviewDate,
    outcome: d.outcome,
    mood: d.mood,
    strength_tags: d.strengthTags,
    strengths: d.strengths,
    growth_tags: d.growthTags,
    growth_areas: d.growthAreas,
    feedback_status: d.feedbackStatus,
    feedback_strengths: d.feedbackStrengths,
    feedback_weaknesses: d.feedbackWeaknesses,
    fit: d.fit,
    thanked: d.thanked,
    contacts: d.contacts,
    next_step: d.nextStep?.text ?? null,
  };
}

/** Keeps a finished debrief and, when they set one, its next step as an open action item: one statement. */
export async function insertDebrief(db: Executor, owner: Owner, d: DebriefRecord): Promise<string> {
  const id = randomUUID();
  const columns = debriefColumns(d);
  const debrief = db.insertInto('debriefs').values({
    id,
    member_id: owner.memberId,
    conversation_id: owner.conversationId,
    ...columns,
    strength_tags: JSON.stringify(columns.strength_tags),
    growth_tags: JSON.stringify(columns.growth_tags),
    created_at: owner.now,
  });
  if (!d.nextStep) {
    await debrief.execute();
    return id;
  }
  // The item's foreign key is checked at the end of the statement, when the debrief row is there.
  await db
    .with('debrief', () => debrief)
    .insertInto('action_items')
    .values({
      id: randomUUID(),
      member_id: owner.memberId,
      debrief_id: id,
      text: d.nextStep.text,
      due_date: d.nextStep.due,
      created_at: owner.now,
      updated_at: owner.now,
    })
    .execute();
  return id;
}

/** The member's open next steps, oldest first: the ones a check-in asks about. */
export async function oldestOpenSteps(db: Executor, memberId: string, limit: number): Promise<OpenStep[]> {
  const rows = await db
    .selectFrom('action_items')
    .select(['id', 'text', 'due_date'])
    .where('member_id', '=', memberId)
    .where('status', '=', 'open')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, text: r.text, due: r.due_date }));
}

/** Closes an open next step of the member's; one closed meanwhile (or someone else's) stays as it is. */
export async function closeStep(db: Executor, memberId: string, id: string, status: 'done' | 'dropped', now: Date): Promise<void> {
  await db
    .updateTable('action_items')
    .set({ status, updated_at: now })
    .where('id', '=', id)
    .where('member_id', '=', memberId)
    .where('status', '=', 'open')
    .execute();
}

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
