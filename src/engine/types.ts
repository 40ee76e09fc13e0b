/**
 * The engine's boundary: what an adapter sends in and gets back. No platform types here; an adapter
 * turns its event into an InboundTurn and renders the Replies in its own idiom.
 */

export interface Actor {
  /** 'slack', 'discord', 'console', ... chosen by the adapter. */
  platform: string;
  /** Slack team id; on Discord, where user ids are global and DMs have no server, the application id;
   *  'local' in the terminal. */
  workspaceId: string;
  userId: string;
}

export type TurnInput =
  | { kind: 'text'; text: string }
  /** A click: `promptRef` comes from the Reply the buttons were rendered from. */
  | { kind: 'choice'; promptRef: string; choiceIds: string[] }
  /** `/debrief <args>`: args is the rest of the line, e.g. 'history' or 'checkins on'. */
  | { kind: 'command'; args: string };

export interface InboundTurn extends Actor {
  /** The platform's id for this event (Slack event_id, Discord snowflake); redeliveries share it. */
  eventId: string;
  input: TurnInput;
  /** What the platform vouches for about the sender, when the adapter knows it. */
  context?: {
    /** Workspace or server admin (Slack admin/owner, Discord Manage Server): may run `/debrief admin`. */
    isAdmin?: boolean;
    /** IANA zone from the platform profile (Slack's `tz`), for check-ins in the member's own time. */
    timeZone?: string;
    /** Where a command was typed, e.g. the default channel for `/debrief admin schedule`. */
    channelId?: string;
    /** The community a command was typed in, when it differs from workspaceId: a Discord server
     *  (Discord users are global, so their workspaceId is the application). Schedules are kept per
     *  community. */
    communityId?: string;
  };
}

export interface Choice {
  id: string;
  label: string;
}

export interface Card {
  title: string;
  fields: { label: string; value: string }[];
}

export interface Reply {
  text: string;
  choices?: Choice[];
  /** Several choices may be picked together (tags); adapters render a multi-select. */
  multi?: boolean;
  /** Identifies the question; adapters carry it in buttons and send it back with a click. */
  promptRef?: string;
  /** Whether a typed answer is welcome (free text, dates, or text in place of a button). */
  expectsText: boolean;
  card?: Card;
  /** A ready-to-send message the person may copy (a feedback request, a thank-you note). */
  copyable?: string;
  /** A file to hand over (an export, a chart image). Adapters upload it; the terminal saves it. */
  file?: { name: string; mimeType: string; base64: string };
}

export interface TurnResult {
  replies: Reply[];
  /** True when this event id was handled before; the replies are the ones given then. */
  duplicate: boolean;
  conversationId: string | null;
  /** For clicks: accepted (with the labels chosen, so the adapter can show the answer in place of
   *  the buttons) or rejected (an old or someone else's button; the replies explain, nothing changed). */
  click?: { status: 'accepted'; labels: string[] } | { status: 'rejected' };
  /** Set when these are an earlier event's replies that never reached the person (the bot died
   *  before posting them): that event's id, under which the posts are deduplicated and marked. */
  deliveryKey?: string;
}

/** What a turn's receipt keeps: its replies as first given (a file without its content), so that a
 *  redelivery, or a delivery after a crash, shows the same thing. */
export type StoredReceipt = Omit<TurnResult, 'duplicate'>;

export type ConversationStatus = 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';

/** A conversation as the engine's state machine sees it; stored by db/conversations.ts. */
export interface ConversationState {
  id: string;
  flow: string;
  status: ConversationStatus;
  step: string;
  seq: number;
  answers: Record<string, unknown>;
  /** Steps answered or skipped, in order: `back` pops it, and replaying it must reach `step`. */
  trail: string[];
  misses: number;
  /** Set while we wait for "continue or start anew?" ('resume'), a choice about a held answer
   *  ('confirm') or "cancel, sure?" ('cancel'); 'cancelled' is a cancel that `undo` can still take
   *  back (see UNDO_MS in machine.ts). */
  pending: 'resume' | 'confirm' | 'cancel' | 'cancelled' | null;
  /** An answer waiting on the step's confirmation; not an answer until the person keeps it. */
  held?: { step: string; value: unknown } | null;
  /** What "start anew" begins: the flow (and its argument) a start button asked for, if any. */
  startWanted?: { flow: string; arg?: string } | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RecordedAnswer {
  conversationId: string;
  step: string;
  value: unknown;
  skipped: boolean;
}

/** A finished debrief as its flow hands it over to be kept (src/db/debriefs.ts maps it to rows). */
export interface DebriefRecord {
  company: string;
  role: string;
  stage: string;
  interviewDate: string | null;
  outcome: string;
  mood: number | null;
  strengthTags: string[];
  strengths: string | null;
  growthTags: string[];
  growthAreas: string | null;
  feedbackStatus: string | null;
  feedbackStrengths: string | null;
  feedbackWeaknesses: string | null;
  fit: string | null;
  thanked: boolean | null;
  contacts: string | null;
  /** The step they set themselves, kept with the debrief and as an action item a check-in asks about. */
  nextStep: { text: string; due: string | null } | null;
}

/** An open next step, as a check-in asks about it. */
export interface OpenStep {
  id: string;
  text: string;
  due: string | null;
}

/**
 * What a finishing flow may keep: a port, so flows say what to keep and src/db says how. Bound to the
 * member, the conversation and the turn's time, and written in the turn's own transaction.
 */
export interface FlowWrites {
  saveDebrief(debrief: DebriefRecord): Promise<void>;
  /** Closes one of the member's open next steps; one already closed (or not theirs) is left alone. */
  closeStep(id: string, status: 'done' | 'dropped'): Promise<void>;
}

/** What a flow may read about the member before its first question. */
export interface FlowReads {
  /** Their open next steps, oldest first. */
  openSteps(limit: number): Promise<OpenStep[]>;
}
