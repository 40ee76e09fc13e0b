import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { DatabaseHandle } from '../src/db/connect.js';
import type { TurnInput } from '../src/engine/types.js';
import { cpuMeter, fmt, latencies, pool, report, rssSampler, silent } from './lib.js';

/**
 * Benchmark 1: whole debriefs through the real engine, N members at once, against the floor: a bare
 * `pg` client doing, at the same concurrency and pool size, the least durable work a turn needs (one
 * transaction inserting one answer row and updating one conversation row).
 */

/** The usual rejected-path debrief, typed as a person would (numbers for choices). 12 turns. */
export const SCRIPT: TurnInput[] = [
  { kind: 'command', args: '' },
  ...['Acme, Product designer', '3', 'yesterday', '1', '3', '1, 5 My portfolio walkthrough', '2, 3 Be more concise',
    '3', '2', 'Sam, the hiring manager', 'Practise salary answers by next friday'].map(
    (text): TurnInput => ({ kind: 'text', text }),
  ),
];

export interface EngineRun {
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  peakRssMb: number;
  /** CPU per turn, ms: this process, and the Postgres server (0 on PGlite, which runs in this process). */
  cpu: TurnCpu;
}

export interface TurnCpu {
  node: number;
  postgres: number;
}

const perTurn = (m: { nodeMs: number; postgresMs: number }, turns: number): TurnCpu => ({ node: m.nodeMs / turns, postgres: m.postgresMs / turns });

/**
 * With `thinkMs` 0 every member sends its next turn the moment the last is answered: a saturation
 * run, for throughput. With a think time, members pause between turns as people do (randomised
 * around it), so latency is measured at a realistic load rather than as queueing behind the pool.
 */
export async function runEngine(database: DatabaseHandle, members: number, debriefs: number, platform: string, thinkMs = 0): Promise<EngineRun> {
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), silent, { database });
  const perMember = Math.ceil(debriefs / members);
  const times: number[] = [];
  const rss = rssSampler();
  const cpu = cpuMeter();
  const started = performance.now();
  await pool(members, members, async (m) => {
    const user = `bench-${platform}-${m}-${randomUUID().slice(0, 8)}`;
    for (let d = 0; d < perMember && m * perMember + d < debriefs; d++) {
      for (const [i, input] of SCRIPT.entries()) {
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
        const t = performance.now();
        const result = await app.engine.handle({ platform, workspaceId: 'TBENCH', userId: user, eventId: `${user}-${d}-${i}`, input });
        times.push(performance.now() - t);
        if (result.replies.length === 0) throw new Error('a turn without replies');
      }
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const used = cpu.stop();
  const peakRssMb = rss.stop();
  const completed = await database.db
    .selectFrom('debriefs as d')
    .innerJoin('members as m', 'm.id', 'd.member_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('m.platform', '=', platform)
    .executeTakeFirstOrThrow();
  if (Number(completed.n) !== debriefs) throw new Error(`expected ${debriefs} debriefs stored, found ${completed.n}`);
  return { turns: times.length, seconds, turnsPerSecond: times.length / seconds, ...latencies(times), peakRssMb, cpu: perTurn(used, times.length) };
}

const FLOOR_ANSWER = `insert into answers (conversation_id, step, value, inbound_id) values ($1, 'company', '"Acme"', $2)`;
const FLOOR_CONVERSATION = `update conversations set seq = seq + 1, updated_at = now() where id = $1`;

/** The floor: BEGIN; INSERT answer; UPDATE conversation; COMMIT, per simulated turn. */
export interface FloorRun {
  turnsPerSecond: number;
  p50: number;
  p99: number;
  cpu: TurnCpu;
}

export async function runFloor(pgPool: pg.Pool, workers: number, turns: number): Promise<FloorRun> {
  const ids: string[] = [];
  for (let w = 0; w < workers; w++) {
    const member = randomUUID();
    const conv = randomUUID();
    await pgPool.query(`insert into members (id, platform, workspace_id, user_id) values ($1, 'floor', 'F', $2)`, [member, `floor-${member}`]);
    await pgPool.query(`insert into conversations (id, member_id, flow, status, step, state) values ($1, $2, 'debrief', 'active', 'company', '{}')`, [conv, member]);
    ids.push(conv);
  }
  const perWorker = Math.ceil(turns / workers);
  const times: number[] = [];
  const cpu = cpuMeter();
  const started = performance.now();
  await pool(workers, workers, async (w) => {
    for (let i = 0; i < perWorker; i++) {
      const t = performance.now();
      const client = await pgPool.connect();
      try {
        await client.query('begin');
        // Named statements, as the engine's hot queries are: parsed and planned once per connection.
        await client.query({ name: 'floor_answer', text: FLOOR_ANSWER, values: [ids[w], `f-${w}-${i}`] });
        await client.query({ name: 'floor_conversation', text: FLOOR_CONVERSATION, values: [ids[w]] });
        await client.query('commit');
      } finally {
        client.release();
      }
      times.push(performance.now() - t);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const used = cpu.stop();
  const l = latencies(times);
  return { turnsPerSecond: times.length / seconds, p50: l.p50, p99: l.p99, cpu: perTurn(used, times.length) };
}

export function printEngine(label: string, e: EngineRun, floor: FloorRun, target: number) {
  console.log(`\n${label}: ${e.turns} turns in ${fmt(e.seconds)} s`);
  report([
    { figure: 'engine turns per second', value: e.turnsPerSecond, unit: '/s' },
    { figure: 'engine p50 per turn', value: e.p50, unit: ' ms' },
    { figure: 'engine p95 per turn', value: e.p95, unit: ' ms' },
    { figure: 'engine p99 per turn (queueing behind the pool)', value: e.p99, unit: ' ms' },
    { figure: 'peak RSS', value: e.peakRssMb, unit: ' MB' },
    { figure: 'floor turns per second (bare pg, named statements)', value: floor.turnsPerSecond, unit: '/s' },
    { figure: 'floor p50 / p99', value: floor.p50, unit: ` ms / ${fmt(floor.p99, 2)} ms` },
    { figure: 'engine CPU per turn: node / postgres', value: e.cpu.node, unit: ` ms / ${fmt(e.cpu.postgres, 3)} ms` },
    { figure: 'floor CPU per turn: node / postgres', value: floor.cpu.node, unit: ` ms / ${fmt(floor.cpu.postgres, 3)} ms` },
    { figure: 'ratio floor/engine (CPU per turn, both sides)', value: (floor.cpu.node + floor.cpu.postgres) / (e.cpu.node + e.cpu.postgres), unit: '' },
    { figure: 'ratio engine/floor (throughput)', value: e.turnsPerSecond / floor.turnsPerSecond, unit: '', target, better: 'higher' },
  ]);
}
