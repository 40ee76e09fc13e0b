import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import { benchPostgres, fmt, latencies, report, silent } from './lib.js';

/**
 * Benchmark 3: 10,000 paused debriefs in the database, the bot started (a real `npm start` process on
 * that Postgres): its RSS, and what a resume costs with 10,000 paused compared with 10.
 */

async function seedPaused(database: DatabaseHandle, count: number, prefix: string) {
  // Members and their paused debriefs in two set-based statements: seeding is not what is measured.
  await sql`
    insert into members (id, platform, workspace_id, user_id)
    select gen_random_uuid(), 'bench', 'TMEM', ${prefix} || g from generate_series(1, ${count}) g`.execute(database.db);
  await sql`
    insert into conversations (id, member_id, flow, status, step, state, seq)
    select gen_random_uuid(), m.id, 'debrief', 'paused', 'stage',
      ${JSON.stringify({ answers: { company: 'Acme', role: 'Designer' }, trail: ['company', 'role'], misses: 0, pending: null })}::jsonb, 3
    from members m where m.user_id like ${prefix + '%'}`.execute(database.db);
}

/** Median time of resuming `n` paused debriefs: "/debrief" (asks) then "continue" (back at the question). */
async function resumeCost(database: DatabaseHandle, prefix: string, total: number, n: number): Promise<number> {
  const app = await createApp(loadConfig({}), silent, { database });
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const user = `${prefix}${1 + Math.floor((i * 7919) % total)}`;
    const t = performance.now();
    const ask = await app.engine.handle({ platform: 'bench', workspaceId: 'TMEM', userId: user, eventId: `${user}-r1-${i}`, input: { kind: 'command', args: '' } });
    const back = await app.engine.handle({ platform: 'bench', workspaceId: 'TMEM', userId: user, eventId: `${user}-r2-${i}`, input: { kind: 'text', text: 'continue' } });
    times.push(performance.now() - t);
    if (!/continue/.test(ask.replies[0]?.text ?? '') || !/Which stage/.test(back.replies.at(-1)?.text ?? '')) throw new Error('resume did not resume');
    await app.engine.handle({ platform: 'bench', workspaceId: 'TMEM', userId: user, eventId: `${user}-r3-${i}`, input: { kind: 'text', text: 'pause' } });
  }
  return latencies(times).p50;
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Starts the real bot as `npm start` does, lets it settle, reads its RSS from /metrics, stops it. */
async function botRss(url: string): Promise<number> {
  const port = await freePort();
  // `npm start` runs the compiled build (npm run build, which `npm run bench` does first).
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: resolve(import.meta.dirname, '..'),
    env: { ...process.env, DATABASE_URL: url, HEALTH_PORT: String(port), LOG_LEVEL: 'silent' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      if (!res?.ok) continue;
      await new Promise((r) => setTimeout(r, 1000));
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const m = /process_resident_memory_bytes (\d+)/.exec(text);
      if (m) return Number(m[1]) / 1024 / 1024;
    }
    throw new Error('the bot never answered /metrics');
  } finally {
    child.kill('SIGTERM');
  }
}

export async function memoryBench(): Promise<void> {
  const big = await benchPostgres(10);
  const small = await benchPostgres(10);
  try {
    await seedPaused(big, 10_000, 'paused-');
    await seedPaused(small, 10, 'paused-');
    const rss = await botRss(big.url);
    const bigCost = await resumeCost(big, 'paused-', 10_000, 200);
    const smallCost = await resumeCost(small, 'paused-', 10, 200);
    console.log('\n3. Memory: 10,000 paused debriefs, the bot started');
    report([
      { figure: 'bot RSS with 10,000 paused debriefs', value: rss, unit: ' MB', target: 150, better: 'lower' },
      { figure: 'resume p50 with 10,000 paused', value: bigCost, unit: ' ms' },
      { figure: 'resume p50 with 10 paused', value: smallCost, unit: ' ms' },
      { figure: 'resume cost ratio 10,000 / 10', value: bigCost / smallCost, unit: '', target: 1.5, better: 'lower' },
    ]);
    console.log(`  (a resume is "/debrief" then "continue": two turns; ${fmt(bigCost / 2, 2)} ms per turn)`);
  } finally {
    await big.close();
    await small.close();
  }
}
