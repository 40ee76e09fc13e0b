import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

/**
 * The bot as its own process, as `npm start` runs it (the compiled build, which `npm run bench` makes
 * first), so what is measured is the bot alone: its CPU and memory are read from /proc, not mixed with
 * the load generator's or the fake platform's.
 */

const root = resolve(import.meta.dirname, '..');
/** Linux USER_HZ: utime and stime in /proc/<pid>/stat count in these ticks. */
const TICKS_PER_SECOND = 100;

export interface BotProcess {
  pid: number;
  healthPort: number;
  /** User + system CPU the process has used so far, in milliseconds (10 ms resolution). */
  cpuMs(): number;
  /** Resident memory now, and its high-water mark since the process started, in MB. */
  rss(): { nowMb: number; peakMb: number };
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** The node options of `npm start` in `dir` (its package.json's start script): V8's heap settings among them. */
function startFlags(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const flags = /(?:^|\s)node\s+(.*?)\s*dist\/src\/main\.js/.exec(pkg.scripts?.start ?? '')?.[1];
  return flags ? flags.split(/\s+/) : [];
}

/**
 * Starts `dist/src/main.js` (of `dir`, this checkout by default) with its start script's node options
 * and `env` added to a clean environment, and waits until its health server answers. Its logs go nowhere, but at the level given
 * (info by default, as in production) they are still written, so their cost is in the figures.
 */
export async function startBotProcess(
  env: Record<string, string>,
  opts: { dir?: string; nodeArgs?: string[]; /** A command the bot runs under (valgrind and its options). */ wrap?: string[] } = {},
): Promise<BotProcess> {
  const healthPort = await freePort();
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(SLACK_|DISCORD_|DATABASE_URL|DATA_DIR|HEALTH_PORT|LOG_LEVEL|CONSOLE_USER|PORT$|COMMUNITY_)/.test(k)),
  );
  const dir = opts.dir ?? root;
  const node = [process.execPath, ...startFlags(dir), ...(opts.nodeArgs ?? []), 'dist/src/main.js'];
  const [command, ...args] = [...(opts.wrap ?? []), ...node] as [string, ...string[]];
  const child: ChildProcess = spawn(command, args, {
    cwd: dir,
    env: { ...clean, LOG_LEVEL: 'info', ...env, HEALTH_PORT: String(healthPort) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const pid = child.pid!;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the bot exited at start (${child.exitCode}):\n${stderr}`);
    const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      if (res.ok) break;
    }
    // Under valgrind start-up takes minutes.
    if (i > (opts.wrap ? 6000 : 600)) throw new Error(`the bot never answered /healthz:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid,
    healthPort,
    cpuMs() {
      // Fields after the command name (which may hold spaces, so split after its closing paren).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
    },
    rss() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
      return { nowMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
