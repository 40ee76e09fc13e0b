import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isConnectionError } from '../db/connection-errors.js';
import { ConcurrentTurn } from '../db/conversations.js';
import type { Undelivered } from '../db/deliveries.js';
import { flowReads, flowRecordsOf } from '../db/flow-records.js';
import { turnStore, type TurnStore } from '../db/turn-store.js';
import type { Database } from '../db/types.js';
import type { Logger } from '../log.js';
import type { FlowRegistry } from './flow.js';
import { commandOf } from './ids.js';
import { parseStart, transition } from './machine.js';
import { typedCommandChoice } from './typed-command.js';
import type { Actor, InboundTurn, Reply, StoredReceipt, TurnInput, TurnResult } from './types.js';

/** `/debrief <name> ...` commands that are not part of a dialogue: history, insights, export... */
export interface CommandContext {
  trx: Transaction<Database>;
  actor: Actor;
  turn: InboundTurn;
  memberId: string;
  /** The words after the command's name, e.g. ['on'] for `checkins on`. */
  args: string[];
  now: Date;
  /** For a click on a button a command offered: when that reply was given (see ids.ts). */
  issuedAt?: Date;
  /**
   * Work that must wait until the command's transaction has committed and cannot run inside one
   * (forget's VACUUM FULL, deleting files). Run before the turn returns; a failure is logged, not
   * thrown, since what the member asked for is already done.
   */
  afterCommit(task: (db: Kysely<Database>) => Promise<void>): void;
}

export type CommandHandler = (ctx: CommandContext) => Promise<Reply[]>;

export interface EngineOptions {
  db: Kysely<Database>;
  flows: FlowRegistry;
  defaultFlow: string;
  commands?: Readonly<Record<string, CommandHandler>>;
  resumePromptAfterMs: number;
  idleExpiryMs: number;
  logger: Logger;
  clock?: () => Date;
  /**
   * Replies that can be lost: on platforms `tracked` (their adapters mark each turn's replies
   * delivered after posting), a receipt still unmarked `lostAfterMs` after its commit means the
   * process died before posting. The person's next turn then shows those replies instead of running.
   */
  deliveries?: { tracked: (platform: string) => boolean; lostAfterMs: number; leaseMs: number };
  /** Called after each handled turn with its duration, for metrics. */
  onTurn?: (info: { platform: string; outcome: 'ok' | 'duplicate' | 'error'; seconds: number }) => void;
}

export interface Engine {
  handle(turn: InboundTurn): Promise<TurnResult>;
  /** Resolves once every turn that has started has finished; used at shutdown. */
  drain(): Promise<void>;
}

/** This event was recorded before (a redelivery): it is answered from its receipt. */
class Duplicate extends Error {}

type Outcome = 'ok' | 'duplicate' | 'error';
type ExternalCommand = { name: string; args: string[]; issuedAt?: Date };

/** What every step of a turn shares. */
interface Deps {
  opts: EngineOptions;
  store: TurnStore;
  clock: () => Date;
  commands: Readonly<Record<string, CommandHandler>>;
  unconfirmed: Unconfirmed;
}

export function createEngine(opts: EngineOptions): Engine {
  const delivery = opts.deliveries;
  const store = turnStore(opts.db, {
    lostAfterMs: (platform) => (delivery?.tracked(platform) ? delivery.lostAfterMs : undefined),
    ...(delivery ? { leaseMs: delivery.leaseMs } : {}),
  });
  const deps: Deps = {
    opts,
    store,
    clock: opts.clock ?? (() => new Date()),
    commands: opts.commands ?? {},
    unconfirmed: unconfirmedTurns(store),
  };
  const inFlight = new Set<Promise<unknown>>();
  return {
    handle(turn) {
      const p = run(deps, turn);
      inFlight.add(p);
      void p.catch(() => {}).finally(() => inFlight.delete(p));
      return p;
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}

/** A turn from start to end: attempts until one sticks, then logs and counts it. */
async function run(d: Deps, turn: InboundTurn): Promise<TurnResult> {
  const finish = turnTimer(d.opts, turn);
  // Ids only: never the text of a turn. A plain object rather than a child logger per turn.
  const ids = { platform: turn.platform, workspace: turn.workspaceId, user: turn.userId, event: turn.eventId };
  // Set once an attempt died with its connection: its write may have committed, so a receipt
  // found by a later attempt is this delivery's own, not a redelivery's.
  let uncertain = false;
  try {
    const result = await retryOnRace(() => attempt(d, turn), () => (uncertain = true));
    // Debug: the adapter's 'turn delivered' line is the one info line of a turn that went well.
    d.opts.logger.debug({ ...ids, conversation: result.conversationId, ms: finish('ok') }, 'turn handled');
    return result;
  } catch (err) {
    if (err instanceof Duplicate) {
      const replayed = await replay(d.store, turn, !uncertain);
      if (uncertain) d.opts.logger.debug({ ...ids, conversation: replayed.conversationId, ms: finish('ok') }, 'turn handled');
      else d.opts.logger.info({ ...ids, ms: finish('duplicate') }, 'duplicate event; replaying stored replies');
      return replayed;
    }
    d.unconfirmed.note(turn, err, uncertain);
    d.opts.logger.error({ ...ids, err: errorSummary(err), ms: finish('error') }, 'turn failed');
    throw err;
  }
}

/** One attempt: the stored answer to a resend, a command, or a step of the dialogue. */
async function attempt(d: Deps, turn: InboundTurn): Promise<TurnResult> {
  const resent = await d.unconfirmed.resent(turn);
  if (resent) {
    d.opts.logger.info({ platform: turn.platform, user: turn.userId, event: turn.eventId }, 'a resend of a turn that had been saved after all');
    return resent;
  }
  const now = d.clock();
  const external = commandOf(turn.input);
  const handler = external && d.commands[external.name];
  return external && handler ? runCommand(d, turn, external, handler, now) : runDialogue(d, turn, now);
}

/** `/debrief history` and friends: the handler's work and the receipt commit together. */
async function runCommand(d: Deps, turn: InboundTurn, external: ExternalCommand, handler: CommandHandler, now: Date): Promise<TurnResult> {
  // A redelivered command is answered from its receipt before anything runs: `forget`'s
  // confirmation must not meet a member row that a second delivery would create.
  if (await d.store.exists(turn)) throw new Duplicate();
  const { memberId } = await d.store.load(turn, randomUUID());
  let result: TurnResult | undefined;
  const afterCommit: ((db: Kysely<Database>) => Promise<void>)[] = [];
  const outcome = await d.store.commitCommand(turn, memberId, async (trx) => {
    afterCommit.length = 0;
    const replies = await handler({
      trx,
      actor: turn,
      turn,
      memberId,
      args: external.args,
      now,
      ...(external.issuedAt ? { issuedAt: external.issuedAt } : {}),
      afterCommit: (task) => afterCommit.push(task),
    });
    result = {
      replies,
      duplicate: false,
      conversationId: null,
      // A command's button: the adapter takes the buttons away, as for any accepted click.
      ...(turn.input.kind === 'choice' ? { click: { status: 'accepted' as const, labels: [] } } : {}),
    };
    return receiptOf(result);
  });
  if (outcome === 'duplicate' || !result) throw new Duplicate();
  for (const task of afterCommit)
    await task(d.opts.db).catch((err: unknown) =>
      d.opts.logger.error({ platform: turn.platform, user: turn.userId, event: turn.eventId, err: errorSummary(err) }, 'after-commit work failed'),
    );
  return result;
}

/** A step of the dialogue: read, decide (the pure machine), write conditionally on what was read. */
async function runDialogue(d: Deps, turn: InboundTurn, now: Date): Promise<TurnResult> {
  const { memberId, conversation: current, version, lost } = await d.store.load(turn, randomUUID());
  if (lost) return showLost(d, turn, memberId, lost);
  if (!current && turn.input.kind === 'text') {
    // "yes" typed after `/debrief forget` answers its question, as a click on its button would.
    const typed = await typedCommandChoice(() => d.store.latest(memberId), turn.input.text, now);
    const external = typed && commandOf({ kind: 'choice', promptRef: typed.promptRef, choiceIds: [typed.choiceId] });
    const handler = external && d.commands[external.name];
    if (external && handler) return runCommand(d, turn, external, handler, now);
  }
  const loaded = await loadForStart(d, memberId, now, turn, current?.startWanted?.flow);
  const { opts } = d;
  const machine = { flows: opts.flows, defaultFlow: opts.defaultFlow, now, resumePromptAfterMs: opts.resumePromptAfterMs, idleExpiryMs: opts.idleExpiryMs, loaded, platform: turn.platform };
  const outcome = transition(machine, current, turn.input);
  const result: TurnResult = {
    replies: outcome.replies,
    duplicate: false,
    conversationId: outcome.writes.at(-1)?.id ?? current?.id ?? null,
    ...(outcome.click ? { click: outcome.click } : {}),
  };
  const done = outcome.completion;
  const save = done?.completion.save;
  const records = done && save ? await flowRecordsOf(done.conversationId, save) : undefined;
  const written = await d.store.commit({
    memberId,
    current: current ? { id: current.id, version } : undefined,
    writes: outcome.writes,
    answers: outcome.answers,
    inbound: { turn, result: receiptOf(result) },
    now,
    ...(records ? { records } : {}),
  });
  if (written === 'duplicate') throw new Duplicate();
  if (written === 'race') throw new ConcurrentTurn();
  return result;
}

/**
 * The person's earlier replies never reached them (the bot died between the commit and the post):
 * this turn shows those, and is not applied, since it answers nothing they saw. When another replica
 * is delivering them already, this turn shows nothing.
 */
async function showLost(d: Deps, turn: InboundTurn, memberId: string, lost: Undelivered): Promise<TurnResult> {
  const taken = await d.store.takeOverLost(turn, memberId, lost);
  if (taken === 'duplicate') throw new Duplicate();
  d.opts.logger.info({ platform: turn.platform, user: turn.userId, event: turn.eventId, lost: lost.eventId, taken }, 'undelivered replies shown first');
  if (taken === 'elsewhere') return { replies: [], duplicate: false, conversationId: lost.receipt.conversationId };
  return { ...lost.receipt, duplicate: false, deliveryKey: lost.receipt.deliveryKey ?? lost.eventId };
}

/**
 * The stored replies of this event. `duplicate` false when the receipt is this delivery's own (an
 * attempt whose connection died had committed after all), so the adapter shows them.
 */
async function replay(store: TurnStore, turn: InboundTurn, duplicate: boolean): Promise<TurnResult> {
  // A receipt can vanish after it was seen: `forget` deletes a member's receipts with them.
  const stored = (await store.receipt(turn)) ?? { replies: [], conversationId: null };
  return { ...stored, duplicate };
}

/**
 * A flow with a `load` (the check-in reads open action items) gets its data only in the turns that
 * may start it, so an ordinary turn stays at its few queries.
 */
async function loadForStart(
  d: Deps,
  memberId: string,
  now: Date,
  turn: InboundTurn,
  wantedBefore: string | undefined,
): Promise<Record<string, Record<string, unknown>> | undefined> {
  const candidates = new Set<string>();
  if (turn.input.kind === 'choice') {
    const wanted = parseStart(turn.input.choiceIds[0] ?? '');
    if (wanted) candidates.add(wanted.flow);
  }
  if (wantedBefore) candidates.add(wantedBefore);
  const loaded: Record<string, Record<string, unknown>> = {};
  for (const id of candidates) {
    const flow = d.opts.flows.get(id);
    if (flow?.load) loaded[id] = await flow.load({ records: flowReads(d.opts.db, memberId), now });
  }
  return Object.keys(loaded).length > 0 ? loaded : undefined;
}

/** Starts a turn's clock; the returned function reports the outcome for metrics and gives the ms. */
function turnTimer(opts: EngineOptions, turn: InboundTurn): (outcome: Outcome) => number {
  const started = performance.now();
  return (outcome) => {
    const seconds = (performance.now() - started) / 1000;
    opts.onTurn?.({ platform: turn.platform, outcome, seconds });
    return Math.round(seconds * 1000);
  };
}

/**
 * A file (an export, a chart) is not kept with the receipt: it would copy a person's data into every
 * later export and grow the table. A redelivery gets the file's name, not its content.
 */
function receiptOf(r: TurnResult): StoredReceipt {
  return {
    replies: r.replies.map(withoutFileContent),
    conversationId: r.conversationId,
    ...(r.click ? { click: r.click } : {}),
    ...(r.deliveryKey ? { deliveryKey: r.deliveryKey } : {}),
  };
}

interface Unconfirmed {
  /** The stored replies of an unconfirmed turn that did commit, when this turn sends the same again. */
  resent(turn: InboundTurn): Promise<TurnResult | undefined>;
  /** Remembers a turn that failed with its connection after its write may have reached the database. */
  note(turn: InboundTurn, err: unknown, uncertain: boolean): void;
}

/**
 * Turns that failed with their connection after the write may have reached the database, by
 * person: the apology asks them to send it again, and if the first one did commit, the resend must
 * not land on the next question. Kept in memory because the database was unreachable when it was
 * learnt; on another replica the resend is handled as a new answer, as before.
 */
function unconfirmedTurns(store: TurnStore): Unconfirmed {
  const byPerson = new Map<string, { eventId: string; input: TurnInput; at: number }>();
  const personKey = (t: InboundTurn) => `${t.platform}\u0000${t.workspaceId}\u0000${t.userId}`;
  return {
    async resent(turn) {
      const prior = byPerson.get(personKey(turn));
      if (!prior) return undefined;
      const stored = await store.receipt({ ...turn, eventId: prior.eventId });
      byPerson.delete(personKey(turn));
      if (!stored || Date.now() - prior.at > 15 * 60_000 || !sameInput(prior.input, turn.input)) return undefined;
      // This delivery gets a receipt of its own, so a platform's retry of it is a duplicate too.
      await store.record(turn, null, stored);
      return { ...stored, duplicate: false };
    },
    note(turn, err, uncertain) {
      if (!uncertain && !isConnectionError(err)) return;
      // A resend that failed too (the database still down) keeps the first one: that is the one
      // that may have been saved.
      const earlier = byPerson.get(personKey(turn));
      if (!earlier || !sameInput(earlier.input, turn.input))
        byPerson.set(personKey(turn), { eventId: turn.eventId, input: turn.input, at: Date.now() });
    },
  };
}

/**
 * Runs a turn again when another turn of the same person won a race (the conversation moved on under
 * it, or both tried to open or complete one), and when the database connection failed: a restart or a
 * failover. A lost connection leaves it unknown whether the write committed, so the same turn (same
 * event id) is tried again; the receipt then tells. Each attempt is a fresh read and write.
 */
async function retryOnRace<T>(run: () => Promise<T>, onConnectionError: () => void): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      const race = err instanceof ConcurrentTurn || code === '23505' || code === '40001' || code === '40P01';
      if (race && attempt < 8) {
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
        continue;
      }
      if (isConnectionError(err) && Date.now() - started < CONNECTION_RETRY_MS) {
        onConnectionError();
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** (attempt - 1), 2_000)));
        continue;
      }
      throw err;
    }
  }
}

function sameInput(a: TurnInput, b: TurnInput): boolean {
  if (a.kind === 'text' && b.kind === 'text') return a.text.trim() === b.text.trim();
  if (a.kind === 'choice' && b.kind === 'choice') return a.promptRef === b.promptRef && a.choiceIds.join() === b.choiceIds.join();
  if (a.kind === 'command' && b.kind === 'command') return a.args.trim() === b.args.trim();
  return false;
}

/** How long a turn keeps trying through a database outage before the person gets the apology. */
const CONNECTION_RETRY_MS = 8_000;

function withoutFileContent(r: Reply): Reply {
  return r.file ? { ...r, file: { ...r.file, base64: '' } } : r;
}

/** Error class and code only: a database error's message can quote the values it was given. */
function errorSummary(err: unknown): { type: string; code?: string } {
  const e = err as { name?: string; code?: string };
  return { type: e?.name ?? typeof err, ...(e?.code ? { code: String(e.code) } : {}) };
}
