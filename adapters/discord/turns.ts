import type { App } from '../../src/app.js';
import { recordMemberCommunity } from '../../src/app.js';
import type { InboundTurn } from '../../src/app.js';
import type { Logger } from '../../src/log.js';
import { runTurn, type TurnIo } from '../turn-runner.js';

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
 * One turn through the shared runner. Discord answers a redelivered event (a gateway resume) with its
 * stored replies again: the same nonces make Discord return the messages it already has.
 */
export function discordTurn(ctx: HandlerContext, turn: InboundTurn, io: Omit<TurnIo, 'errorIds' | 'showDuplicates'>) {
  return runTurn(ctx.app, turn, {
    ...io,
    errorIds,
    showDuplicates: true,
    deliver: async (result, key) => {
      await recordCommunity(ctx, turn);
      return io.deliver(result, key);
    },
  });
}

/**
 * The server this came from (a command typed there, a click on its channel post), so the member
 * counts in that server's digest and `admin status`. A failure here loses only that tie.
 */
async function recordCommunity(ctx: HandlerContext, turn: InboundTurn): Promise<void> {
  const communityId = turn.context?.communityId;
  if (!communityId) return;
  await recordMemberCommunity(ctx.app.database.db, turn, communityId).catch((err: unknown) =>
    ctx.log.warn({ ...turnIds(turn), err: errorIds(err) }, 'could not record the server'),
  );
}

/** The defer hook for a slow turn, and whether it ran (the answer is then editReply/followUp). */
export function deferral(ctx: HandlerContext, defer: () => Promise<unknown>, turn: InboundTurn) {
  const state = { deferred: false };
  const slow = {
    afterMs: ctx.deferAfterMs,
    run: () => {
      state.deferred = true;
      return defer().catch((err: unknown) => ctx.log.warn({ ...turnIds(turn), err: errorIds(err) }, 'could not defer'));
    },
  };
  return { state, slow };
}
