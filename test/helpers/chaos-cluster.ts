import { execFile, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freshDatabase } from './fresh-db.js';

const run = promisify(execFile);

/**
 * A throwaway Postgres cluster of the test's own, on a free port, so a chaos test can stop and start
 * it without touching the shared server. As root, the server's binaries run as the `postgres` user
 * (Postgres refuses to run as root) in a temp folder that user owns.
 */
export interface Cluster {
  port: number;
  /** A URL for `database` (default `postgres`) as the superuser `postgres`, trusted on loopback. */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  /** `fast` rolls back open transactions and disconnects everyone; `immediate` is a crash (WAL recovery on start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  running(): boolean;
  /** Stops the server (if running) and removes its folder. Safe to call twice. */
  destroy(): Promise<void>;
}

const live = new Set<{ dir: string; bin: string }>();
let exitHookInstalled = false;

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('no Postgres binaries under /usr/lib/postgresql/*/bin');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

const asRoot = process.getuid?.() === 0;
const asPostgres = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function startCluster(): Promise<Cluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'debrief-chaos-pg-'));
  if (asRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres']).stdout.toString().trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const entry = { dir, bin };
  live.add(entry);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // A crashed test run must not leave a server behind.
    process.on('exit', () => {
      for (const e of live) {
        const [cmd, args] = asPostgres(`${e.bin}/pg_ctl`, ['-D', join(e.dir, 'data'), 'stop', '-m', 'immediate']);
        spawnSync(cmd, args, { stdio: 'ignore' });
        rmSync(e.dir, { recursive: true, force: true });
      }
    });
  }
  const pgCtl = async (...args: string[]) => {
    const [cmd, full] = asPostgres(`${bin}/pg_ctl`, ['-D', data, ...args]);
    await run(cmd, full, { timeout: 60_000 });
  };
  try {
    const [cmd, args] = asPostgres(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--no-instructions']);
    await run(cmd, args, { timeout: 120_000 });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    live.delete(entry);
    throw err;
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=64MB`;
  let up = false;
  const start = async () => {
    await pgCtl('start', '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', options);
    up = true;
  };
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    running: () => up,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop(mode = 'fast') {
      await pgCtl('stop', '-w', '-t', '60', '-m', mode);
      up = false;
    },
    start,
    async destroy() {
      if (!live.has(entry)) return;
      await pgCtl('stop', '-w', '-t', '60', '-m', 'immediate').catch(() => {});
      up = false;
      rmSync(dir, { recursive: true, force: true });
      live.delete(entry);
    },
  };
}

/**
 * A Postgres database for a chaos test: a fresh one on the shared server when TEST_DATABASE_URL is
 * set (never restarted), otherwise one on a throwaway cluster.
 */
export async function chaosPostgres(): Promise<{ url: string; where: string; dispose(): Promise<void> }> {
  if (process.env.TEST_DATABASE_URL) {
    const db = await freshDatabase({ migrated: false });
    // The bots under test open their own connections; this handle only owns the database's lifetime.
    return { url: db.url!, where: 'TEST_DATABASE_URL (a fresh database)', dispose: () => db.close() };
  }
  const cluster = await startCluster();
  const url = await cluster.createDatabase('debrief');
  return { url, where: `a throwaway cluster on port ${cluster.port}`, dispose: () => cluster.destroy() };
}
