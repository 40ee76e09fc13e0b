import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { shardableDiscord } from '../../adapters/discord/sharding.js';
import { platforms } from '../../adapters/index.js';
import { loadConfig } from '../../src/config.js';
import { FakeDiscord, waitFor } from '../helpers/fake-discord.js';
import { freshDatabase, onPostgres, type TestDatabase } from '../helpers/fresh-db.js';

/**
 * `npm start` as a person runs it: a separate process, only Discord variables set, and a temporary
 * working folder so no `.env` is picked up. Run through tsx's CLI directly (what `npx tsx` runs).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = createRequire(import.meta.url).resolve('tsx/cli');
const APPLICATION_ID = '1100000000000000001';
const TOKEN = 'MTEw.start.test-token';

let fake: FakeDiscord;
let cwd: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  fake = await FakeDiscord.start({ token: TOKEN, applicationId: APPLICATION_ID });
  cwd = await mkdtemp(join(tmpdir(), 'debrief-discord-start-'));
});
/** Whatever a failed test left running (the tests themselves wait for their processes to exit). */
afterAll(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }
});
afterAll(async () => {
  await fake?.close();
  await rm(cwd, { recursive: true, force: true });
});

function run(script: string, env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, [TSX, join(ROOT, script), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, exited };
}

/**
 * Creating an embedded database from nothing takes half a minute on a small machine; on PGlite runs
 * the folder is seeded from the migrated dump the global setup made, as after a first start.
 */
async function dataDir(): Promise<string> {
  const dir = join(cwd, 'data');
  const dump = inject('pgliteDump');
  if (dump) {
    await mkdir(dir, { recursive: true });
    const pglite = await PGlite.create(join(dir, 'pgdata'), { loadDataDir: new Blob([await readFile(dump)]) });
    await pglite.close();
  }
  return dir;
}

describe.concurrent('npm start', () => {
  test('with only the Discord variables set, it starts the Discord client', async () => {
    const identifiesBefore = fake.opcodes(2);
    const { child, out, exited } = run('src/main.ts', {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_URL: fake.apiUrl,
      DATA_DIR: await dataDir(),
    });
    await waitFor('the bot to identify on the gateway', () => fake.opcodes(2) > identifiesBefore, 50_000);
    const identify = fake.gatewayReceived.filter((g) => g.op === 2).at(-1)!;
    expect(identify.d.intents & 4096).toBe(4096); // DIRECT_MESSAGES
    await waitFor('the adapter to report it is connected', () => out.stdout.includes('discord connected'), 10_000);

    // It answers a DM, then stops cleanly on SIGTERM.
    const zoe = { id: '500000000000000001', username: 'zoe' };
    fake.sendDm(zoe, 'hi');
    await waitFor('a reply', () => fake.botMessages(zoe.id).some((m) => /Hi, I'm Debrief/.test(m.content)), 10_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout).not.toContain(TOKEN);
    expect(out.stdout).not.toContain("Hi, I'm");
  });

  test.each([
    ['malformed', { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: 'abc' }, /^debrief: .*DISCORD_APPLICATION_ID must be a Discord id/],
    ['missing', { DISCORD_TOKEN: TOKEN }, /^debrief: .*DISCORD_APPLICATION_ID is missing/],
  ])('a %s DISCORD_APPLICATION_ID gives one clear line and a failing exit code', async (_how, env, line) => {
    const { out, exited } = run('src/main.ts', { ...env, DATA_DIR: join(cwd, 'data-bad') });
    expect(await exited).not.toBe(0);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    expect(out.stderr).not.toContain(TOKEN);
  });
});

test('sharding refuses the embedded database, which serves one process', () => {
  const base = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID };
  expect(() => shardableDiscord(loadConfig(base, platforms))).toThrow(/^DATABASE_URL is required to run sharded/);
  expect(() => shardableDiscord(loadConfig({}, platforms))).toThrow(/DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set/);
  expect(shardableDiscord(loadConfig({ ...base, DATABASE_URL: 'postgres://db.internal/debrief' }, platforms)).applicationId).toBe(APPLICATION_ID);
});

let shardDb: TestDatabase | undefined;
afterAll(async () => {
  await shardDb?.close();
});

test.runIf(onPostgres())('two shards under the ShardingManager each identify, and DMs are answered', async () => {
  shardDb = await freshDatabase({ migrated: false });
  const { child, exited } = run(
    'adapters/discord/sharding.ts',
    { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: fake.apiUrl, DATABASE_URL: shardDb.url! },
    ['--shards', '2', '--spawn-delay', '0'],
  );
  const shards = () =>
    new Set(fake.gatewayReceived.filter((g) => g.op === 2 && g.d.shard?.[1] === 2).map((g) => g.d.shard[0] as number));
  await waitFor('both shards to identify', () => shards().size === 2, 45_000);
  const yan = { id: '500000000000000002', username: 'yan' };
  fake.sendDm(yan, 'hi');
  await waitFor('a reply from shard 0', () => fake.botMessages(yan.id).some((m) => /Hi, I'm Debrief/.test(m.content)), 15_000);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
});
