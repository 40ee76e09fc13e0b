import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { botStore, spawnBot } from '../helpers/spawn-bot.js';

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Starts the bot with a bad setting and returns what it printed and how it ended. */
async function failsWith(env: Record<string, string>) {
  const bot = spawnBot({ DATA_DIR: '/nonexistent-never-used', ...env });
  bot.proc.stdin.end();
  const { code } = await bot.exited;
  const lines = bot.stderr().trim().split('\n');
  return { code, lines, stdout: bot.stdout() };
}

describe('start-up errors are one clear line and a non-zero exit', () => {
  it('a malformed DATABASE_URL', async () => {
    const r = await failsWith({ DATABASE_URL: 'not-a-url' });
    expect(r.code).not.toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^debrief: Invalid configuration: DATABASE_URL must be a URL like postgres:\/\//);
  });

  it('a DATABASE_URL nobody answers, without echoing the password', async () => {
    const r = await failsWith({ DATABASE_URL: 'postgres://debrief:hunter2@127.0.0.1:1/nothing' });
    expect(r.code).not.toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^debrief: Could not connect to the database at 127\.0\.0\.1:1\/nothing: ECONNREFUSED/);
    expect(r.lines[0]).not.toContain('hunter2');
  });

  it('a bad variable names the variable and what it expects', async () => {
    const r = await failsWith({ HEALTH_PORT: 'eighty' });
    expect(r.code).not.toBe(0);
    expect(r.lines).toEqual([expect.stringMatching(/^debrief: Invalid configuration: HEALTH_PORT must be a port number/)]);
  });

  it('a malformed token is named, never printed', async () => {
    const r = await failsWith({ SLACK_BOT_TOKEN: 'xoxp-very-secret-value', SLACK_SIGNING_SECRET: 's' });
    expect(r.code).not.toBe(0);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/SLACK_BOT_TOKEN must be a bot token starting with xoxb-/);
    expect(r.lines[0]).not.toContain('very-secret');
  });
});

describe('a running bot', () => {
  it('answers /healthz and /metrics, refuses a second process on its data folder, and stops cleanly on SIGTERM', async () => {
    const store = await botStore();
    const port = await freePort();
    const bot = spawnBot({ ...store.env, HEALTH_PORT: String(port) });
    try {
      await bot.waitFor(/Which company/);

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(/debrief_turns_total\{platform="console",outcome="ok"\} 1/);
      expect(metrics).toMatch(/process_resident_memory_bytes/);

      if (!process.env.TEST_DATABASE_URL) {
        const second = spawnBot({ DATA_DIR: store.dataDir });
        second.proc.stdin.end();
        expect((await second.exited).code).not.toBe(0);
        expect(second.stderr().trim()).toMatch(
          new RegExp(`^debrief: Another Debrief process \\(pid ${bot.proc.pid}\\) is already using the data folder`),
        );
      }

      bot.proc.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      expect(existsSync(join(store.dataDir, 'debrief.lock'))).toBe(false);
    } finally {
      if (bot.proc.exitCode === null) bot.proc.kill('SIGKILL');
      await store.dispose();
    }
  });
});
