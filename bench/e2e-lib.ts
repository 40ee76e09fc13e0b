import { sql } from 'kysely';
import type { DatabaseHandle } from '../src/db/connect.js';
import type { TurnInput } from '../src/engine/types.js';
import type { BotProcess } from './bot-process.js';
import { SCRIPT } from './engine-throughput.js';
import { arg, fmt, latencies, report } from './lib.js';

/** What an end-to-end run measured: the bot process's own CPU and memory, and what people saw. */
export interface E2eRun {
  label: string;
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  cpuMsPerTurn: number;
  /** The warm-up's CPU per turn, from a cold start (JIT compilation in it), and how long it ran. */
  cold?: { seconds: number; cpuMsPerTurn: number };
  /** The bot's CPU while idle (heartbeats, the scheduler's and redelivery's polls), per second, start-up's tail left out. */
  idleCpuMsPerSecond: number;
  /** The platform's acknowledgement: Slack's HTTP answer, Discord's interaction callback. */
  ack: ReturnType<typeof latencies>;
  /** From sending a turn to its first reply reaching the platform. */
  reply: ReturnType<typeof latencies>;
  idleRssMb: number;
  peakRssMb: number;
  errors: number;
  /** Empty when every correctness check held; otherwise what did not. */
  wrong: string[];
}

export interface Walk {
  /** Sends person `p`'s turn `input` (the `n`th request of the run); returns the turn's event id. */
  send(p: number, input: TurnInput, n: number): string;
  /** Reads what the fake platform received since the last call; adds each answered turn's event id. */
  poll(answered: Set<string>): void;
  /** The warm-up is over: what is measured from here (acks) starts afresh. */
  measure(): void;
}

/** The end of start-up (code still being compiled, the scheduler's and redelivery's first rounds), left out of the idle figure. */
const IDLE_SETTLE_MS = 3000;
/** Long enough for the 10 ms ticks of /proc's CPU counts to say something about an idle bot. */
const IDLE_SAMPLE_MS = 5000;

/**
 * Turns at `rate` per second, each person walking the whole debrief (SCRIPT), sending their next
 * answer only once the bot has answered the last, as a person would: never two turns of one person in
 * flight. People 0 to `warmPeople - 1` go first, at the same rate, to warm the bot up: V8 compiles and
 * optimises its code on background threads over the first tens of seconds of load (about a fifth of the
 * bot's CPU in a 20 s run from a cold start), a cost a long-running bot pays once. Their CPU per turn
 * is reported as the cold figure. Then the idle bot is measured, then the rest of the people walk, and
 * their CPU per turn is the figure. Returns when every person has finished.
 */
export async function walkDebriefs(bot: BotProcess, people: number, rate: number, walk: Walk, warmPeople = 0) {
  const answered = new Set<string>();
  let n = 0;
  /** People `first` to `first + count - 1`, each through the whole script; the bot's CPU meanwhile. */
  const drive = async (first: number, count: number) => {
    const total = count * SCRIPT.length;
    const next = new Map<number, number>();
    const awaiting = new Map<number, { eventId: string; at: number }>();
    const queue = Array.from({ length: count }, (_, i) => first + i);
    const replies: number[] = [];
    let sent = 0;
    const cpuBefore = bot.cpuMs();
    const started = performance.now();
    while (sent < total || awaiting.size > 0) {
      walk.poll(answered);
      for (const [p, w] of awaiting)
        if (answered.has(w.eventId)) {
          awaiting.delete(p);
          replies.push(performance.now() - w.at);
          if ((next.get(p) ?? 0) < SCRIPT.length) queue.push(p);
        }
      const due = started + (sent * 1000) / rate;
      const now = performance.now();
      if (sent < total && now >= due && queue.length > 0) {
        const p = queue.shift()!;
        const step = next.get(p) ?? 0;
        next.set(p, step + 1);
        awaiting.set(p, { eventId: walk.send(p, SCRIPT[step]!, n++), at: now });
        sent++;
        continue;
      }
      if (now - started > (total / rate) * 3000 + 60_000) throw new Error(`stalled: ${awaiting.size} people waiting on a reply`);
      await new Promise((r) => setTimeout(r, sent < total ? Math.max(1, Math.min(5, due - now)) : 5));
    }
    return { total, seconds: (performance.now() - started) / 1000, cpuMs: bot.cpuMs() - cpuBefore, reply: latencies(replies) };
  };
  const idleRssMb = bot.rss().nowMb;
  const warm = warmPeople > 0 ? await drive(0, warmPeople) : undefined;
  await new Promise((r) => setTimeout(r, IDLE_SETTLE_MS));
  const idleFrom = bot.cpuMs();
  await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
  const idleCpuMsPerSecond = ((bot.cpuMs() - idleFrom) * 1000) / IDLE_SAMPLE_MS;
  walk.measure();
  const measured = await drive(warmPeople, people);
  return {
    ...measured,
    idleCpuMsPerSecond,
    idleRssMb,
    warmTurns: warm?.total ?? 0,
    ...(warm ? { cold: { seconds: warm.seconds, cpuMsPerTurn: warm.cpuMs / warm.total } } : {}),
  };
}

/** People enough for `rate * seconds` turns, in whole debriefs. */
export const peopleFor = (rate: number, seconds: number) => Math.max(1, Math.ceil((rate * seconds) / SCRIPT.length));

export function printE2e(title: string, runs: E2eRun[], rate: number, ackName: string) {
  console.log(`\n${title}`);
  for (const r of runs) {
    console.log(`  [${r.label}] ${r.turns} turns at ${rate}/s offered (${fmt(r.seconds)} s)`);
    report([
      { figure: 'turns per second', value: r.turnsPerSecond, unit: '/s' },
      ...(r.cold ? [{ figure: `bot CPU per turn, first ${fmt(r.cold.seconds)} s from a cold start`, value: r.cold.cpuMsPerTurn, unit: ' ms' }] : []),
      { figure: r.cold ? 'bot CPU per turn, warmed up' : 'bot CPU per turn', value: r.cpuMsPerTurn, unit: ' ms', target: 2.5, better: 'lower' },
      { figure: 'bot CPU idle, per second (in the figure above)', value: r.idleCpuMsPerSecond, unit: ' ms' },
      { figure: 'bot CPU per turn, idle CPU taken out', value: r.cpuMsPerTurn - (r.idleCpuMsPerSecond * r.seconds) / r.turns, unit: ' ms' },
      { figure: `${ackName} p50`, value: r.ack.p50, unit: ' ms' },
      { figure: `${ackName} p99`, value: r.ack.p99, unit: ' ms', target: 100, better: 'lower' },
      { figure: 'first reply posted p50', value: r.reply.p50, unit: ' ms' },
      { figure: 'first reply posted p99', value: r.reply.p99, unit: ' ms' },
      { figure: 'bot RSS idle (before the load)', value: r.idleRssMb, unit: ' MB' },
      { figure: 'bot peak RSS', value: r.peakRssMb, unit: ' MB', target: 200, better: 'lower' },
      { figure: 'errors', value: r.errors, unit: '' },
    ]);
    console.log(`  correctness: ${r.wrong.length === 0 ? 'each turn stored once, each answer once, each reply posted once' : `WRONG: ${r.wrong.join('; ')}`}`);
  }
}

/** One bot process under one load: `dir` runs another checkout's build, `env` and `nodeArgs` vary the bot's. */
export interface E2eOptions {
  label: string;
  rate: number;
  seconds: number;
  /** Seconds of load before the measured run, at the same rate, by other people (0: none). */
  warmSeconds: number;
  dir?: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
}
export type RunE2e = (o: E2eOptions) => Promise<E2eRun>;

/**
 * One platform's benchmark: `--NAME-rate`, `--NAME-seconds`, and `--NAME-baseline DIR` for another
 * checkout (built there beforehand) run first, for an A/B in one run.
 */
export async function e2eBench(name: string, defaultRate: number, run: RunE2e, title: string, ackName: string): Promise<void> {
  const rate = arg(`${name}-rate`, defaultRate);
  const seconds = arg(`${name}-seconds`, 20);
  const warmSeconds = arg(`${name}-warm-seconds`, 20);
  const i = process.argv.indexOf(`--${name}-baseline`);
  const baseline = i >= 0 ? process.argv[i + 1] : undefined;
  const runs: E2eRun[] = [];
  if (baseline) runs.push(await run({ label: `baseline ${baseline}`, rate, seconds, warmSeconds, dir: baseline }));
  runs.push(await run({ label: 'this build', rate, seconds, warmSeconds }));
  printE2e(`${title}, whole debriefs of ${SCRIPT.length} turns${warmSeconds > 0 ? `, after ${warmSeconds} s of the same load to warm up` : ''}`, runs, rate, ackName);
}

/**
 * Every request became exactly one stored turn, every person's debrief finished, no answer was stored
 * twice, and the platform received as many replies as the turns stored (`posted`): none lost, none twice.
 */
export async function checkStored(database: DatabaseHandle, expect: { turns: number; people: number; posted: number }): Promise<string[]> {
  const wrong: string[] = [];
  const { rows: [turns] } = await sql<{ n: string; replies: string }>`
    select count(*) as n, coalesce(sum(jsonb_array_length(result->'replies')), 0) as replies from inbound_events`.execute(database.db);
  if (Number(turns!.n) !== expect.turns) wrong.push(`${turns!.n} turns stored for ${expect.turns} sent`);
  const { rows: [answers] } = await sql<{ n: string; distinct: string }>`
    select count(*) as n, count(distinct (conversation_id, step, inbound_id)) as distinct from answers`.execute(database.db);
  if (answers!.n !== answers!.distinct) wrong.push(`answers stored twice: ${answers!.n} rows, ${answers!.distinct} distinct`);
  const { rows: [debriefs] } = await sql<{ n: string }>`select count(*) as n from debriefs`.execute(database.db);
  if (Number(debriefs!.n) !== expect.people) wrong.push(`${debriefs!.n} debriefs finished by ${expect.people} people`);
  if (expect.posted !== Number(turns!.replies)) wrong.push(`${expect.posted} replies posted for ${turns!.replies} stored`);
  return wrong;
}

/**
 * Waits until `count` has not changed for 3 s (the last replies of the last turns landing), at most
 * 30 s. Three seconds, because a REST client waiting out a rate limit goes quiet for a second at a time.
 */
export async function settle(count: () => number): Promise<void> {
  const until = Date.now() + 30_000;
  let last = count();
  let stableSince = Date.now();
  while (Date.now() - stableSince < 3000 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    const now = count();
    if (now !== last) [last, stableSince] = [now, Date.now()];
  }
}

/**
 * After a walk: the bot's peak RSS, then (once the platform stops receiving) the correctness checks,
 * with `posted()` the replies the fake platform took.
 */
export async function finishRun(
  bot: BotProcess,
  database: DatabaseHandle,
  run: Awaited<ReturnType<typeof walkDebriefs>>,
  o: { label: string; people: number; acks: number[]; errors: () => number; calls: () => number; posted: () => number },
): Promise<E2eRun> {
  const peakRssMb = bot.rss().peakMb;
  await settle(o.calls);
  const wrong = await checkStored(database, { turns: run.total + run.warmTurns, people: o.people, posted: o.posted() });
  return {
    label: o.label,
    turns: run.total,
    seconds: run.seconds,
    turnsPerSecond: run.total / run.seconds,
    cpuMsPerTurn: run.cpuMs / run.total,
    ...(run.cold ? { cold: run.cold } : {}),
    idleCpuMsPerSecond: run.idleCpuMsPerSecond,
    ack: latencies(o.acks),
    reply: run.reply,
    idleRssMb: run.idleRssMb,
    peakRssMb,
    errors: o.errors(),
    wrong,
  };
}
