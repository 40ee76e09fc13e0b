import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { openEmbedded } from '../../src/db/embedded.js';
import { freshDatabase, silentLogger } from './fresh-db.js';

const root = resolve(import.meta.dirname, '../..');

export interface Bot {
  proc: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout (after `from` characters) matches; rejects after `ms`. */
  waitFor(pattern: RegExp, opts?: { from?: number; ms?: number }): Promise<void>;
  write(line: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm start`'s entry point (src/main.ts under tsx) as a real child process. */
export function spawnBot(env: Record<string, string>, args: string[] = []): Bot {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(SLACK_|DISCORD_|DATABASE_URL|DATA_DIR|HEALTH_PORT|LOG_LEVEL|CONSOLE_USER)/.test(k)),
  );
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { ...clean, ...env },
    stdio: 'pipe',
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.on('exit', (code, signal) => res({ code, signal })),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    write: (line) => proc.stdin.write(`${line}\n`),
    waitFor: (pattern, { from = 0, ms = 30_000 } = {}) =>
      new Promise((res, rej) => {
        const started = Date.now();
        const tick = () => {
          if (pattern.test(out.slice(from))) return res();
          if (proc.exitCode !== null || Date.now() - started > ms)
            return rej(new Error(`never saw ${pattern} in stdout:\n${out.slice(-2000)}\nstderr:\n${err.slice(-2000)}`));
          setTimeout(tick, 25);
        };
        tick();
      }),
  };
}

/**
 * Where a spawned bot keeps its data: an embedded database in a temp folder, or (when
 * TEST_DATABASE_URL is set) a fresh Postgres database. `open()` reads it after the bot has exited.
 */
export async function botStore(): Promise<{ env: Record<string, string>; dataDir: string; open(): Promise<DatabaseHandle>; dispose(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'debrief-bot-'));
  if (!process.env.TEST_DATABASE_URL) {
    return {
      env: { DATA_DIR: dataDir },
      dataDir,
      open: () => openEmbedded(dataDir, silentLogger),
      dispose: async () => {},
    };
  }
  const db = await freshDatabase({ migrated: false });
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: db.url! },
    dataDir,
    open: () => connectPostgres(db.url!, { poolSize: 2, logger: silentLogger }),
    dispose: () => db.close(),
  };
}
