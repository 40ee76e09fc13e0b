import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplyLedger } from '../../src/delivery/ledger.js';
import { engineHarness, type Harness } from '../helpers/engine-harness.js';

/**
 * Marking replies delivered is not on the person's path: the ledger gathers the marks of the turns of
 * a short window into one UPDATE instead of one per turn, and nothing marked is lost at shutdown.
 */

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(async () => h?.close());

/** Counts the UPDATEs sent through it. */
function countingUpdates(): KyselyPlugin & { updates: number } {
  return {
    updates: 0,
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (args.node.kind === 'UpdateQueryNode') this.updates++;
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return args.result;
    },
  };
}

async function turns(prefix: string, n: number) {
  const keys = [];
  for (let i = 0; i < n; i++) {
    await h.as(`U-${prefix}-${i}`).send({ kind: 'command', args: '' }, `${prefix}-${i}`);
    keys.push({ platform: 'test', workspaceId: 'T1', eventId: `${prefix}-${i}` });
  }
  return keys;
}

async function unmarked(prefix: string): Promise<number> {
  const rows = await h.db
    .selectFrom('inbound_events')
    .select('event_id')
    .where('event_id', 'like', `${prefix}-%`)
    .where('delivered_at', 'is', null)
    .execute();
  return rows.length;
}

describe('marking replies delivered', () => {
  it('writes a lone mark at once, and the marks that follow within the window in one statement', async () => {
    const keys = await turns('win', 6);
    const counter = countingUpdates();
    const ledger = createReplyLedger(h.db.withPlugin(counter), h.app.logger, { flushDelayMs: 300 });
    ledger.delivered([keys[0]!]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await unmarked('win')).toBe(5);
    for (const k of keys.slice(1)) {
      ledger.delivered([k]);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await unmarked('win')).toBe(5);
    await new Promise((r) => setTimeout(r, 400));
    expect(await unmarked('win')).toBe(0);
    expect(counter.updates).toBe(2);
  });

  it('writes waiting marks at once when flushed (shutdown), without waiting out the delay', async () => {
    const keys = await turns('flush', 3);
    const ledger = createReplyLedger(h.db, h.app.logger, { flushDelayMs: 60_000 });
    ledger.delivered([keys[0]!]);
    await ledger.flush();
    ledger.delivered(keys.slice(1));
    const started = performance.now();
    await ledger.flush();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(await unmarked('flush')).toBe(0);
  });

  it('does not wait for the window once a full batch is waiting', async () => {
    const keys = await turns('full', 4);
    const counter = countingUpdates();
    const ledger = createReplyLedger(h.db.withPlugin(counter), h.app.logger, { flushDelayMs: 60_000, maxBatch: 2 });
    ledger.delivered([keys[0]!]);
    await ledger.flush();
    ledger.delivered(keys.slice(1, 3));
    ledger.delivered(keys.slice(3));
    await new Promise((r) => setTimeout(r, 500));
    expect(await unmarked('full')).toBe(0);
    expect(counter.updates).toBe(3);
  });
});
