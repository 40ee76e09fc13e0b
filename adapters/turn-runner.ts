import type { App } from '../src/app.js';
import type { InboundTurn, TurnResult } from '../src/app.js';

/** What became of one inbound turn, after the engine and the platform calls. */
export type TurnOutcome = 'delivered' | 'rejected-click' | 'duplicate' | 'engine-failed' | 'delivery-failed';

/** How one adapter shows one turn: the only platform-specific part of running it. */
export interface TurnIo {
  /**
   * Posts the replies where the person is. `key` is the event the replies belong to (this one, or
   * an earlier one whose replies were lost): posts carry it so that a resend never posts twice.
   */
  deliver(result: TurnResult, key: string): Promise<'delivered' | 'rejected-click'>;
  /** A short plain word where the person is; must not throw. */
  apologise(kind: 'engine' | 'delivery', result?: TurnResult): Promise<void>;
  /** Whether a redelivered event shows its stored replies again (Discord: its nonces make that
   *  safe). Otherwise a duplicate posts nothing: the first delivery showed them. */
  showDuplicates?: boolean;
  /** Called if the engine has not answered within `afterMs` (Discord defers the interaction). */
  slow?: { afterMs: number; run(): Promise<unknown> };
  /** Error fields safe to log (codes, never text). */
  errorIds(err: unknown): Record<string, unknown>;
}

/**
 * One turn for any adapter: the engine (which commits the answer and the replies in the receipt),
 * then the adapter's post, then the receipt is marked delivered, in the background. Failures are
 * logged by id and answered with an apology; nothing the person said is lost either way.
 */
export async function runTurn(app: App, turn: InboundTurn, io: TurnIo): Promise<{ outcome: TurnOutcome; result?: TurnResult }> {
  const started = performance.now();
  // The ids go into each line rather than into a child logger: a child per turn serialises its
  // bindings every time, and a turn logs one line when all goes well ('turn delivered', with the
  // engine's share of its time; the engine's own line is at debug).
  const ids = { adapter: turn.platform, event: turn.eventId, workspace: turn.workspaceId, user: turn.userId };
  const log = app.logger;
  const ms = () => Math.round(performance.now() - started);
  const done = (outcome: TurnOutcome, result?: TurnResult) => {
    app.metrics.deliveries.inc({ platform: turn.platform, outcome });
    return { outcome, ...(result ? { result } : {}) };
  };
  const result = await engineTurn(app, turn, io).catch((err: unknown) => {
    // The engine logged the cause (class and code only); we say sorry where the person is.
    log.error({ ...ids, err: io.errorIds(err), ms: ms() }, 'turn failed in the engine');
    return undefined;
  });
  const engineMs = ms();
  if (!result) {
    await io.apologise('engine');
    return done('engine-failed');
  }
  if (result.duplicate && !io.showDuplicates) {
    log.info({ ...ids, ms: ms() }, 'duplicate delivery; replies were posted the first time');
    return done('duplicate', result);
  }
  try {
    const outcome = await io.deliver(result, result.deliveryKey ?? turn.eventId);
    log.info({ ...ids, conversation: result.conversationId, replies: result.replies.length, duplicate: result.duplicate, engineMs, ms: ms() }, 'turn delivered');
    return done(result.duplicate ? 'duplicate' : outcome, result);
  } catch (err) {
    log.error({ ...ids, err: io.errorIds(err), conversation: result.conversationId, ms: ms() }, 'delivery failed');
    // A rejected click changed nothing, and its clicker may not be the DM's owner: no apology there.
    if (result.click?.status !== 'rejected') await io.apologise('delivery', result);
    return done('delivery-failed', result);
  } finally {
    // Posted, or answered with an apology: either way not to be posted again by the redelivery loop.
    const keys = [turn, ...(result.deliveryKey ? [{ ...turn, eventId: result.deliveryKey }] : [])];
    // A turn that showed an earlier turn's lost replies marks them at once (they are past lostAfterMs).
    app.replies.delivered(
      keys.map((k) => ({ platform: k.platform, workspaceId: k.workspaceId, eventId: k.eventId })),
      result.deliveryKey ? { now: true } : undefined,
    );
  }
}

/** The engine call, with the adapter's hook for a slow one (it waits for the hook before posting). */
async function engineTurn(app: App, turn: InboundTurn, io: TurnIo): Promise<TurnResult> {
  if (!io.slow) return app.engine.handle(turn);
  const { afterMs, run } = io.slow;
  let hook: Promise<unknown> | undefined;
  const timer = setTimeout(() => (hook = run().catch(() => undefined)), afterMs);
  try {
    return await app.engine.handle(turn);
  } finally {
    clearTimeout(timer);
    await hook;
  }
}
