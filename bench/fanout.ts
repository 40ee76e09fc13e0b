import { sql } from 'kysely';
import { connectPostgres } from '../src/db/connect.js';
import { runDue } from '../src/scheduler/due-runs.js';
import { checkinInvites } from '../src/scheduler/kinds/checkin-invites.js';
import type { Deliverer, DeliveryResult, OutboundMessage } from '../src/db/outbox.js';
import { drainOnce } from '../src/scheduler/worker.js';
import { arg, benchPostgres, fmt, report, silent } from './lib.js';

/**
 * Benchmark 4: 10,000 check-ins due at once, three scheduler instances (three pools on one Postgres)
 * claiming and delivering, a fake platform allowing `rate` messages per second and answering 429 with
 * the wait until the next second beyond that. Exactly once, and throughput as a fraction of the limit.
 */

function rateLimitedPlatform(rate: number) {
  const sent = new Map<string, number>();
  let second = -1;
  let used = 0;
  let limited = 0;
  let first = 0;
  let last = 0;
  const deliverer: Deliverer = {
    platform: 'bench',
    async deliver(m: OutboundMessage): Promise<DeliveryResult> {
      const now = Date.now();
      const s = Math.floor(now / 1000);
      if (s !== second) [second, used] = [s, 0];
      if (used >= rate) {
        limited++;
        return { status: 'retry', reason: 'rate_limited', afterMs: (s + 1) * 1000 - now };
      }
      used++;
      sent.set(m.dedupeKey, (sent.get(m.dedupeKey) ?? 0) + 1);
      first ||= now;
      last = now;
      return { status: 'sent', externalId: m.dedupeKey };
    },
  };
  return { deliverer, sent, stats: () => ({ limited, first, last }) };
}

export async function fanoutBench(): Promise<void> {
  const members = arg('fanout-members', 10_000);
  const rate = arg('fanout-rate', 1000);
  const database = await benchPostgres(5);
  const replicas = [database, ...(await Promise.all([1, 2].map(() => connectPostgres(database.url, { poolSize: 5, logger: silent }))))];
  try {
    // Every member is due this minute: the check-in cron below fires at this very minute, daily.
    const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const due = minute;
    await sql`
      insert into members (id, platform, workspace_id, user_id, time_zone, checkins_enabled, next_checkin_at)
      select gen_random_uuid(), 'bench', 'TFAN', 'fan-' || g, 'UTC', true, ${due}
      from generate_series(1, ${members}) g`.execute(database.db);
    const platform = rateLimitedPlatform(rate);
    const deliverers = new Map([['bench', platform.deliverer]]);
    const started = Date.now();
    let queuedAt = 0;
    const cron = `${minute.getUTCMinutes()} ${minute.getUTCHours()} * * *`;
    await Promise.all(
      replicas.map(async (r, i) => {
        await runDue(r.db, checkinInvites({ checkinCron: cron }), { now: new Date(), instanceId: `i${i}`, graceMs: 3_600_000, batch: 500 });
        queuedAt = Math.max(queuedAt, Date.now());
        const pauses = new Map<string, Date>();
        for (;;) {
          const c = await drainOnce({ db: r.db, deliverers, workerId: `i${i}`, now: () => new Date(), logger: silent, batch: 100, pauses });
          const wait = (pauses.get('bench')?.getTime() ?? 0) - Date.now();
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
          if (c.sent + c.retry + c.failed === 0) {
            const left = await r.db
              .selectFrom('outbox')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('status', 'in', ['pending', 'sending'])
              .executeTakeFirstOrThrow();
            if (Number(left.n) === 0) return;
            await new Promise((res) => setTimeout(res, 20));
          }
        }
      }),
    );
    const { limited, first, last } = platform.stats();
    const delivered = platform.sent.size;
    const duplicates = [...platform.sent.values()].filter((n) => n > 1).length;
    // Sends happen across whole seconds of the limit: from the first send to the end of the last second.
    const window = (Math.floor(last / 1000) + 1) * 1000 - Math.floor(first / 1000) * 1000;
    const throughput = delivered / (window / 1000);
    console.log(`\n4. Fan-out: ${members} check-ins, 3 scheduler instances, platform limit ${rate}/s (${fmt((Date.now() - started) / 1000)} s in all, ${fmt((queuedAt - started) / 1000)} s of it claiming and queueing)`);
    report([
      { figure: 'delivered', value: delivered, unit: '', target: members, better: 'higher' },
      { figure: 'delivered more than once', value: duplicates, unit: '' },
      { figure: '429s answered by the platform', value: limited, unit: '' },
      { figure: 'throughput', value: throughput, unit: '/s' },
      { figure: 'fraction of the rate limit', value: throughput / rate, unit: '', target: 0.9, better: 'higher' },
    ]);
    if (duplicates > 0 || delivered !== members) throw new Error('fan-out was not exactly once');
  } finally {
    for (const r of replicas.slice(1)) await r.close();
    await database.close();
  }
}
