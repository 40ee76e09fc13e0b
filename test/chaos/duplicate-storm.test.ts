import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { wrapPglite } from '../../src/db/embedded.js';
import type { TurnInput, TurnResult } from '../../src/engine/types.js';
import { startCluster, type Cluster } from '../helpers/chaos-cluster.js';
import { PATH, RECORDED, answerFor, checkConsistency, expectedDebrief, questionOf, scale, seededRandom } from '../helpers/chaos-script.js';
import { freshDatabase, silentLogger } from '../helpers/fresh-db.js';

/**
 * Platforms redeliver: Slack retries an event it thinks timed out, a person double-clicks, a gateway
 * replays after a resume. Here every event of many members' debriefs arrives 5 times at once. Each
 * must be recorded once, and every copy must get the replies the first one got.
 */

const COPIES = 5;
const rnd = seededRandom('duplicate-storm');

interface Target {
  name: string;
  members: number;
  open(): Promise<{ database: DatabaseHandle; where: string; dispose(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'Postgres',
    members: scale(40, 200),
    async open() {
      if (process.env.TEST_DATABASE_URL) {
        const database = await freshDatabase({ migrated: false });
        return { database, where: 'TEST_DATABASE_URL (a fresh database)', dispose: async () => {} };
      }
      const cluster: Cluster = await startCluster();
      const url = await cluster.createDatabase('debrief');
      const database = await connectPostgres(url, { poolSize: 10, logger: silentLogger });
      return { database, where: `a throwaway cluster on port ${cluster.port}`, dispose: () => cluster.destroy() };
    },
  },
  {
    name: 'PGlite',
    members: scale(15, 60),
    async open() {
      const pglite = await PGlite.create();
      return { database: wrapPglite(pglite, silentLogger, () => pglite.close()), where: 'in-memory PGlite', dispose: async () => {} };
    },
  },
];

describe.each(targets)('a storm of duplicate deliveries on $name', (target) => {
  let app: App | undefined;
  let dispose: (() => Promise<void>) | undefined;
  afterAll(async () => {
    // Closing the app closes its database (and drops a fresh one); the cluster goes last.
    await app?.close();
    await dispose?.();
  });

  it(`${target.members} members at once, every event ${COPIES} times concurrently: each recorded once, every copy answered alike`, async () => {
    const opened = await target.open();
    dispose = opened.dispose;
    console.log(`[chaos] duplicate storm on ${opened.where}`);
    app = await createApp(loadConfig({ DB_POOL_SIZE: '10' }), silentLogger, { database: opened.database });
    const engine = app.engine;
    const sent: { eventId: string; input: TurnInput; actor: { platform: string; workspaceId: string; userId: string }; replies: TurnResult['replies'] }[] = [];
    const started = performance.now();
    let deliveries = 0;

    /** Delivers one event `COPIES` times at once (a few with a small lag) and checks the answers. */
    async function storm(actor: (typeof sent)[number]['actor'], eventId: string, input: TurnInput): Promise<TurnResult> {
      const copies = await Promise.all(
        Array.from({ length: COPIES }, async (_, k) => {
          const lag = k > 0 && rnd.next() < 0.4 ? rnd.int(0, 3) : -1;
          if (lag >= 0) await new Promise((r) => setTimeout(r, lag));
          return engine.handle({ ...actor, eventId, input });
        }),
      );
      deliveries += COPIES;
      const first = copies.filter((c) => !c.duplicate);
      expect(first, `event ${eventId}: exactly one copy is handled, the rest are duplicates`).toHaveLength(1);
      for (const c of copies) expect(c.replies).toEqual(first[0]!.replies);
      sent.push({ eventId, input, actor, replies: first[0]!.replies });
      return first[0]!;
    }

    async function member(i: number): Promise<void> {
      const actor = { platform: 'storm', workspaceId: 'W1', userId: `storm-${i}` };
      const company = `Storm Co ${i}`;
      let n = 0;
      let result = await storm(actor, `storm-${i}-${n++}`, { kind: 'command', args: '' });
      for (let guard = 0; guard < 40; guard++) {
        const q = questionOf(result.replies);
        if (q === 'done') return;
        expect(q, `member ${i} lost the thread after ${n} events`).toBe(PATH[n - 1]);
        result = await storm(actor, `storm-${i}-${n++}`, { kind: 'text', text: answerFor(q!, company) });
      }
      throw new Error(`member ${i} never finished`);
    }

    await Promise.all(Array.from({ length: target.members }, (_, i) => member(i)));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[chaos] ${target.name}: ${target.members} members, ${sent.length} events, ${deliveries} deliveries in ${seconds.toFixed(1)} s ` +
        `(${Math.round(deliveries / seconds)} deliveries/s)`,
    );

    // A late redelivery of old events, again all at once: the same replies, nothing new written.
    const counts = async () => ({
      answers: Number((await opened.database.db.selectFrom('answers').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
      events: Number((await opened.database.db.selectFrom('inbound_events').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    });
    const before = await counts();
    const late = Array.from({ length: Math.min(50, sent.length) }, () => sent[rnd.int(0, sent.length - 1)]!);
    const again = await Promise.all(late.flatMap((s) => Array.from({ length: COPIES }, () => engine.handle({ ...s.actor, eventId: s.eventId, input: s.input }))));
    again.forEach((r, k) => {
      expect(r.duplicate).toBe(true);
      expect(r.replies).toEqual(late[Math.floor(k / COPIES)]!.replies);
    });
    expect(await counts()).toEqual(before);

    // Each event recorded once; each member's one debrief with each answer once.
    expect(before.events).toBe(sent.length);
    expect(before.answers).toBe(target.members * RECORDED.length);
    const totals = await checkConsistency(opened.database.db);
    expect(totals.completed).toBe(target.members);
    const debriefs = await opened.database.db.selectFrom('debriefs').selectAll().execute();
    expect(debriefs).toHaveLength(target.members);
    for (const d of debriefs) expect(d).toMatchObject(expectedDebrief(d.company));
  });
});
