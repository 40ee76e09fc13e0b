import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { connectPostgres } from '../src/db/connect.js';
import { SCRIPT } from './engine-throughput.js';
import { arg, benchPostgres, fmt, pool, report, silent } from './lib.js';

/**
 * Benchmark 1c: instructions per engine turn under `valgrind --tool=callgrind`, which do not drift with
 * what else the machine is doing (wall-clock figures do). The engine runs in a child process under
 * callgrind with instrumentation off through start-up and the warm-up debriefs (so the JIT has done its
 * work); the child then turns it on, dumps the counters (the baseline: what the switching itself
 * costs), runs the measured debriefs and dumps again. Ir per turn = (measured - baseline) / turns.
 * Postgres's own work is another process and not counted: this is what a turn costs in Node.
 */
export async function callgrindBench(): Promise<void> {
  const warm = arg('callgrind-warm', 20);
  const measured = arg('callgrind-debriefs', 40);
  const members = arg('callgrind-members', 10);
  const database = await benchPostgres(1);
  const dir = mkdtempSync(join(tmpdir(), 'debrief-callgrind-'));
  try {
    const started = performance.now();
    const out = join(dir, 'out');
    const args = ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, process.execPath, '--import', 'tsx', import.meta.filename];
    args.push('--child', '--url', database.url, '--members', String(members), '--warm', String(warm), '--measured', String(measured));
    const code = await new Promise<number | null>((res, rej) =>
      spawn('valgrind', args, { stdio: ['ignore', 'inherit', 'ignore'] })
        .on('exit', res)
        .on('error', (err) => rej(new Error(`--callgrind needs valgrind (apt-get install valgrind): ${err.message}`))),
    );
    if (code !== 0) throw new Error(`the engine under callgrind exited with ${code}`);
    const [baseline, full] = [`${out}.1`, `${out}.2`].map(callgrindTotals) as [number, number];
    const turns = measured * SCRIPT.length;
    console.log(
      `\n1c. Instructions per engine turn (callgrind, Postgres, ${members} members at once, pool ${members}): ${warm} warm-up debriefs, then ${measured} measured (${turns} turns), ${fmt((performance.now() - started) / 1000)} s`,
    );
    report([
      { figure: 'instructions (Ir) per turn', value: (full - baseline) / turns / 1e6, unit: ' M' },
      { figure: 'baseline (switching callgrind on, dumping)', value: baseline / 1e6, unit: ' M' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await database.close();
  }
}

/** Asks callgrind (through callgrind_control) to do something to process `pid`, and waits for it. */
export const callgrindControl = (pid: number, ...args: string[]) =>
  new Promise<void>((res, rej) =>
    spawn('callgrind_control', [...args, String(pid)], { stdio: 'ignore' }).on('exit', (code) =>
      code === 0 ? res() : rej(new Error(`callgrind_control ${args.join(' ')} exited with ${code}`)),
    ),
  );

/** The instructions a callgrind dump counted. */
export function callgrindTotals(file: string): number {
  const m = /^totals: (\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no callgrind totals in ${file}`);
  return Number(m[1]);
}

const callgrind = (...args: string[]) => callgrindControl(process.pid, ...args);

/** The child: warm-up debriefs, then the measured ones between two dumps, each member one debrief after another. */
async function child(): Promise<void> {
  const url = process.argv[process.argv.indexOf('--url') + 1]!;
  const members = arg('members', 10);
  const database = await connectPostgres(url, { poolSize: members, logger: silent });
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), silent, { database });
  const run = (debriefs: number, tag: string) =>
    pool(debriefs, members, async (d) => {
      const user = `cg-${tag}-${d}-${randomUUID().slice(0, 8)}`;
      for (const [i, input] of SCRIPT.entries()) {
        const result = await app.engine.handle({ platform: 'bench', workspaceId: 'TCALLGRIND', userId: user, eventId: `${user}-${i}`, input });
        if (result.replies.length === 0) throw new Error('a turn without replies');
      }
    });
  await run(arg('warm', 20), 'warm');
  await callgrind('--instr=on');
  await callgrind('--dump=baseline');
  await run(arg('measured', 40), 'measured');
  await callgrind('--dump=measured');
  await app.close();
}

if (process.argv.includes('--child')) {
  child().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  callgrindBench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
