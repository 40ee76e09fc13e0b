import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';

/** Table types in the shape Kysely's codegen would produce; the schema itself lives in `migrations/`. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns come back as 'YYYY-MM-DD' strings (see the type parser in connect.ts). */
type DateOnly = ColumnType<string, string, string>;

export type ConversationStatus = 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';
export type ActionItemStatus = 'open' | 'done' | 'dropped';

export interface MembersTable {
  id: string;
  platform: string;
  workspace_id: string;
  user_id: string;
  time_zone: string | null;
  checkins_enabled: Generated<boolean>;
  created_at: CreatedAt;
  last_seen_at: UpdatedAt;
}

export interface ConversationsTable {
  id: string;
  member_id: string;
  flow: string;
  status: ConversationStatus;
  step: string | null;
  /** Engine-owned state: answers so far, the trail for `back`, misses, a pending question. */
  state: JSONColumnType<Record<string, unknown>>;
  seq: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  ended_at: Date | null;
}

export interface AnswersTable {
  id: Generated<string>;
  conversation_id: string;
  step: string;
  value: ColumnType<unknown, string | null, string | null>;
  skipped: Generated<boolean>;
  inbound_id: string;
  created_at: CreatedAt;
}

export interface InboundEventsTable {
  platform: string;
  workspace_id: string;
  event_id: string;
  member_id: string;
  /** The turn's result as first computed, so a redelivery gets the same replies. */
  result: JSONColumnType<Record<string, unknown>>;
  created_at: CreatedAt;
}

export interface DebriefsTable {
  id: string;
  member_id: string;
  conversation_id: string | null;
  company: string;
  role: string;
  stage: string;
  interview_date: DateOnly | null;
  outcome: string;
  mood: number | null;
  strength_tags: JSONColumnType<string[]>;
  strengths: string | null;
  growth_tags: JSONColumnType<string[]>;
  growth_areas: string | null;
  feedback_status: string | null;
  feedback_strengths: string | null;
  feedback_weaknesses: string | null;
  fit: string | null;
  thanked: boolean | null;
  contacts: string | null;
  next_step: string | null;
  created_at: CreatedAt;
}

export interface ActionItemsTable {
  id: string;
  member_id: string;
  debrief_id: string | null;
  text: string;
  due_date: DateOnly | null;
  status: ColumnType<ActionItemStatus, ActionItemStatus | undefined, ActionItemStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface Database {
  members: MembersTable;
  conversations: ConversationsTable;
  answers: AnswersTable;
  inbound_events: InboundEventsTable;
  debriefs: DebriefsTable;
  action_items: ActionItemsTable;
}

export type Member = Selectable<MembersTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type Debrief = Selectable<DebriefsTable>;
export type NewDebrief = Insertable<DebriefsTable>;
export type ActionItem = Selectable<ActionItemsTable>;
