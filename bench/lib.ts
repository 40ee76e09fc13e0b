import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import pino from 'pino';
import { connectPostgres, type DatabaseHandle } from '../src/db/connect.js';
import { createEmbedded, wrapPglite } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';

export const silent = pino({ level: 'silent' });

/** The Postgres the benchmarks run against: BENCH_DATABASE_URL, else DATABASE_URL, else the local server. */
export const baseUrl = () => process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** A fresh, migrated database of the benchmark's own on the Postgres server, dropped by `close()`. */
export async function benchPostgres(poolSize: number): Promise<DatabaseHandle & { url: string }> {
  const name = `debrief_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl() });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  const handle = await connectPostgres(url.toString(), { poolSize, logger: silent });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: baseUrl() });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** An embedded database as the app opens its own (its settings, a data folder), in a folder removed by `close()`. */
export async function benchPglite(): Promise<DatabaseHandle & { pglite: PGlite }> {
  const dir = mkdtempSync(join(tmpdir(), 'debrief-bench-pglite-'));
  const pglite = await createEmbedded(dir);
  const handle = wrapPglite(pglite, silent, async () => {
    await pglite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await migrateToLatest(handle.db);
  return { ...handle, pglite };
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function latencies(values: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Samples this process's resident memory until stopped; returns the peak in MB. */
export function rssSampler(everyMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), everyMs);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, process.memoryUsage.rss()) / 1024 / 1024;
    },
  };
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(count, concurrency) }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** One line per figure: the value, its target and the ratio to the target (> 1 is better). */
export function report(rows: { figure: string; value: number; unit: string; target?: number; better?: 'higher' | 'lower' }[]) {
  for (const r of rows) {
    const ratio =
      r.target === undefined ? '' : `  target ${r.better === 'lower' ? '<=' : '>='} ${r.target}${r.unit}  ratio to target ${fmt(r.better === 'lower' ? r.target / r.value : r.value / r.target, 2)}${(r.better === 'lower' ? r.value <= r.target : r.value >= r.target) ? '  MET' : '  MISSED'}`;
    console.log(`  ${r.figure.padEnd(44)} ${fmt(r.value, 2).padStart(10)} ${r.unit}${ratio}`);
  }
}

export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

/** CPU ms used so far by every process named postgres on this machine (its backends), by pid. */
function postgresCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('postgres')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS);
    } catch {
      // The process ended while we read.
    }
  }
  return out;
}
const CLOCK_TICKS = 100;

/**
 * CPU spent from now until `stop`, in ms: this process (all its threads) and the local Postgres
 * server's processes, whose backends do the database's side of every turn. CPU per turn drifts less
 * with the machine's other load than turns per second do. Backends that exit before `stop` are missed.
 */
export function cpuMeter(): { stop(): { nodeMs: number; postgresMs: number } } {
  const node = process.cpuUsage();
  const pgBefore = postgresCpuMs();
  return {
    stop() {
      const used = process.cpuUsage(node);
      let postgresMs = 0;
      for (const [pid, ms] of postgresCpuMs()) postgresMs += ms - (pgBefore.get(pid) ?? 0);
      return { nodeMs: (used.user + used.system) / 1000, postgresMs };
    },
  };
}
