import type { App } from '../../src/app.js';
import { recordMemberCommunity } from '../../src/db/member-communities.js';
import type { InboundTurn, TurnResult } from '../../src/engine/types.js';
import type { Logger } from '../../src/log.js';

/** What the handlers share: the app, this bot's application id, a logger, and the ack deadline. */
export interface HandlerContext {
  app: App;
  applicationId: string;
  log: Logger;
  /** How long a turn may take before we defer an interaction (Discord invalidates it after 3 s). */
  deferAfterMs: number;
}

/** Ids and codes only: an error's message can quote what it was given (someone's answer). */
export function errorIds(err: unknown): { type: string; code?: string; status?: number } {
  const e = err as { name?: string; code?: unknown; status?: unknown };
  return {
    type: e?.name ?? typeof err,
    ...(e?.code !== undefined ? { code: String(e.code) } : {}),
    ...(typeof e?.status === 'number' ? { status: e.status } : {}),
  };
}

export const turnIds = (turn: InboundTurn) => ({ event: turn.eventId, user: turn.userId });

/**
 * Runs one engine turn. If it is not done within the deadline, `defer` is called (deferReply or
 * deferUpdate) so Discord keeps the interaction alive; `deferred` tells the caller to answer with
 * editReply/followUp instead. An unexpected engine error is logged by id and comes back as no result,
 * for the caller to apologise.
 */
export async function runTurn(
  ctx: HandlerContext,
  turn: InboundTurn,
  defer?: () => Promise<unknown>,
): Promise<{ result: TurnResult | undefined; deferred: boolean }> {
  const started = performance.now();
  let deferred = false;
  let deferring: Promise<unknown> | undefined;
  const timer = defer
    ? setTimeout(() => {
        deferred = true;
        deferring = defer().catch((err: unknown) => ctx.log.warn({ ...turnIds(turn), err: errorIds(err) }, 'could not defer'));
      }, ctx.deferAfterMs)
    : undefined;
  try {
    const result = await ctx.app.engine.handle(turn);
    // The server this came from (a command typed there, a click on its channel post), so the member
    // counts in that server's digest and `admin status`. A failure here loses only that tie.
    const communityId = turn.context?.communityId;
    if (communityId)
      await recordMemberCommunity(ctx.app.database.db, turn, communityId).catch((err: unknown) =>
        ctx.log.warn({ ...turnIds(turn), err: errorIds(err) }, 'could not record the server'),
      );
    ctx.log.info(
      { ...turnIds(turn), conversation: result.conversationId, duplicate: result.duplicate, deferred, ms: Math.round(performance.now() - started) },
      'discord turn',
    );
    return { result, deferred };
  } catch (err) {
    ctx.log.error({ ...turnIds(turn), err: errorIds(err), ms: Math.round(performance.now() - started) }, 'discord turn failed');
    return { result: undefined, deferred };
  } finally {
    clearTimeout(timer);
    await deferring;
  }
}
