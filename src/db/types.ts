import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { ConversationStatus, Reply, StoredReceipt } from '../engine/types.js';

/** Table types in the shape Kysely's codegen would produce; the schema itself lives in `migrations/`. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns come back as 'YYYY-MM-DD' strings (see the type parser in connect.ts). */
type DateOnly = ColumnType<string, string, string>;

export type { ConversationStatus };
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
  /** The next weekly check-in slot (UTC) while check-ins are on. */
  next_checkin_at: Date | null;
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
  /** Bumped by every write; a turn's write is conditional on the version it read. */
  version: Generated<number>;
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
  member_id: string | null;
  /** The turn's result as first computed, so a redelivery gets the same replies. */
  result: JSONColumnType<StoredReceipt>;
  created_at: CreatedAt;
  /** Set once the replies were posted (or the attempt ended); null while they may still be lost. */
  delivered_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  delivery_lease_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
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

export type RunStatus = 'queued' | 'skipped';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface SchedulesTable {
  id: string;
  platform: string;
  workspace_id: string;
  kind: 'community_prompt';
  channel_id: string;
  cron: string;
  time_zone: string;
  enabled: Generated<boolean>;
  next_run_at: Date;
  /** The next monthly digest slot (UTC); null until the first tick after the digest existed. */
  next_digest_at: Date | null;
  updated_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ScheduleRunsTable {
  schedule_id: string;
  slot: Date;
  status: RunStatus;
  prompt_id: string | null;
  claimed_by: string;
  claimed_at: Date;
}

export interface DigestRunsTable {
  schedule_id: string;
  slot: Date;
  status: RunStatus | 'too_small';
  /** Members with a debrief in the month: the group size the minimum was checked against. */
  members: number;
  claimed_by: string;
  claimed_at: Date;
}

export interface CheckinRunsTable {
  member_id: string;
  slot: Date;
  status: RunStatus;
  claimed_by: string;
  claimed_at: Date;
}

/** Claims of kinds added after prompts, check-ins and the digest (see src/scheduler/kind.ts). */
export interface DueRunsTable {
  kind: string;
  subject_id: string;
  slot: Date;
  status: RunStatus | 'withheld';
  /** What the kind recorded with its claim (which prompt, how many members). */
  detail: ColumnType<unknown, string | null | undefined, string | null>;
  member_id: string | null;
  schedule_id: string | null;
  claimed_by: string;
  claimed_at: Date;
}

/** The slot each such kind fires at next, per subject. */
export interface DueCursorsTable {
  kind: string;
  subject_id: string;
  next_at: Date;
  member_id: string | null;
  schedule_id: string | null;
}

export interface OutboxTable {
  id: string;
  dedupe_key: string;
  platform: string;
  workspace_id: string;
  target_kind: 'channel' | 'dm';
  target_id: string;
  member_id: string | null;
  schedule_id: string | null;
  payload: JSONColumnType<{ replies: Reply[] }>;
  status: OutboxStatus;
  attempts: Generated<number>;
  not_before: Date;
  lease_until: Date | null;
  locked_by: string | null;
  last_error: string | null;
  external_id: string | null;
  created_at: Date;
  sent_at: Date | null;
  /** When the first attempt to send began; a search for a message maybe sent starts there. */
  first_attempt_at: Date | null;
  /** The platform's id of each part already posted, by part number, recorded as each post succeeds. */
  sent_parts: ColumnType<Record<string, string>, string | undefined, string>;
}

export interface MemberCommunitiesTable {
  member_id: string;
  platform: string;
  /** A Discord server (guild) id: where the member typed `/debrief` or clicked a channel post. */
  community_id: string;
  first_seen_at: CreatedAt;
  last_seen_at: UpdatedAt;
}

export interface MaintenanceRunsTable {
  job: string;
  slot: Date;
  claimed_by: string;
  claimed_at: Date;
  removed: Generated<number>;
}

export interface Database {
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
  digest_runs: DigestRunsTable;
  checkin_runs: CheckinRunsTable;
  due_runs: DueRunsTable;
  due_cursors: DueCursorsTable;
  outbox: OutboxTable;
  member_communities: MemberCommunitiesTable;
  maintenance_runs: MaintenanceRunsTable;
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
export type Schedule = Selectable<SchedulesTable>;
export type OutboxRow = Selectable<OutboxTable>;
