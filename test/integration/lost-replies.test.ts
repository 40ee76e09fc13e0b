import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Undelivered } from '../../src/db/deliveries.js';
import { startRedelivery } from '../../src/delivery/redelivery.js';
import { engineHarness, memberRows, type Harness } from '../helpers/engine-harness.js';

/**
 * A turn whose reply was never posted (the bot died between the commit and the post): its receipt
 * stays unmarked. The redelivery loop posts it once; a next message that comes first is not taken
 * as an answer to a question the person never saw, and shows that question instead.
 */

let h: Harness;
const LOST_AFTER_MS = 1_000;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  h = await engineHarness({ REPLY_LOST_AFTER_SECONDS: String(LOST_AFTER_MS / 1000) });
  h.app.replies.track('test');
});
afterAll(async () => h?.close());

/** A turn whose replies were posted: what the shared turn runner does after the post. */
async function delivered(eventId: string, deliveryKey?: string) {
  const keys = [eventId, ...(deliveryKey ? [deliveryKey] : [])].map((e) => ({ platform: 'test', workspaceId: 'T1', eventId: e }));
  h.app.replies.delivered(keys);
  await h.app.replies.flush();
}

describe('replies lost between the commit and the post', () => {
  it('a message sent after a lost reply shows that reply and is not stored as its answer', async () => {
    const ana = h.as('U-ana');
    await ana.send({ kind: 'command', args: '' }, 'ana-start');
    await delivered('ana-start');
    await ana.text('Acme', 'ana-acme'); // committed, never posted: the process "died"
    expect(ana.read()).toMatch(/role at Acme/);
    await wait(LOST_AFTER_MS + 200);

    const shown = await ana.text('hello?', 'ana-hello');
    expect(shown.replies.map((r) => r.text).join('\n')).toMatch(/role at Acme/);
    expect(shown.deliveryKey).toBe('ana-acme');
    await delivered('ana-hello', shown.deliveryKey);

    const next = await ana.text('Product designer', 'ana-role');
    expect(next.replies.map((r) => r.text).join('\n')).toMatch(/Which stage/);
    const { answers } = await memberRows(h, ana);
    expect(answers.map((a) => [a.step, a.value])).toEqual([
      ['company', 'Acme'],
      ['role', 'Product designer'],
    ]);
  });

  it('a reply posted in time is never shown again, however long the person takes to answer', async () => {
    const bo = h.as('U-bo');
    await bo.send({ kind: 'command', args: '' }, 'bo-start');
    await delivered('bo-start');
    await bo.text('Globex', 'bo-globex');
    await delivered('bo-globex');
    await wait(LOST_AFTER_MS + 200);
    const next = await bo.text('Data analyst', 'bo-role');
    expect(next.deliveryKey).toBeUndefined();
    expect(next.replies.map((r) => r.text).join('\n')).toMatch(/Which stage/);
  });

  it('the redelivery loop posts a lost reply once, and marks it', async () => {
    const cy = h.as('U-cy');
    await cy.start();
    const posted: { key: string; user: string; texts: string[] }[] = [];
    const resend = async (lost: Undelivered & { userId: string }, key: string) => {
      posted.push({ key, user: lost.userId, texts: lost.receipt.replies.map((r) => r.text) });
    };
    await wait(LOST_AFTER_MS + 200);
    const loop = startRedelivery({
      db: h.db,
      ledger: h.app.replies,
      resenders: new Map([['test', resend]]),
      lostAfterMs: LOST_AFTER_MS,
      logger: h.app.logger,
      intervalMs: 60_000,
    });
    try {
      await loop.runOnce();
      await h.app.replies.flush();
      const mine = posted.filter((p) => p.user === 'U-cy');
      expect(mine).toHaveLength(1);
      expect(mine[0]!.texts.join('\n')).toMatch(/Which company/);
      await loop.runOnce();
      expect(posted.filter((p) => p.user === 'U-cy')).toHaveLength(1);
      // Its question was shown: the next message is its answer.
      const next = await cy.text('Initech', 'cy-company');
      expect(next.deliveryKey).toBeUndefined();
      expect(next.replies.map((r) => r.text).join('\n')).toMatch(/role at Initech/);
    } finally {
      await loop.stop();
    }
  });
});
