import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlack } from '../../adapters/slack/index.js';
import { createApp } from '../../src/app.js';
import { platforms } from '../../adapters/index.js';
import { loadConfig } from '../../src/config.js';
import { StartupError } from '../../src/startup-error.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { freshDatabase, silentLogger } from '../helpers/fresh-db.js';
import { fixtures, signature, SlackDriver, waitFor } from '../helpers/slack-requests.js';

/**
 * `npm start` (tsx src/main.ts) as a separate process with only Slack variables set. It runs in an
 * empty temporary folder, so no .env of the developer's is read, on the embedded database there.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const MAIN = join(ROOT, 'src/main.ts');
const SECRET = 'start-test-signing-secret';

interface Started {
  exit: Promise<number | null>;
  stdout: () => string;
  stderr: () => string;
  kill: (signal: NodeJS.Signals) => void;
}

function start(env: Record<string, string>, cwd: string): Started {
  let stdout = '';
  let stderr = '';
  const child = spawn(TSX, [MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, DATA_DIR: join(cwd, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { exit, stdout: () => stdout, stderr: () => stderr, kill: (signal) => child.kill(signal) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.concurrent('npm start with Slack variables', () => {
  let fake: FakeSlack;
  let dir: string;

  beforeAll(async () => {
    fake = await startFakeSlack({ validToken: (t) => t === 'xoxb-start-good' });
    dir = await mkdtemp(join(tmpdir(), 'debrief-slack-start-'));
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts the Slack app over HTTP, answers Slack, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const cwd = await mkdtemp(join(dir, 'ok-'));
    const app = start({ SLACK_BOT_TOKEN: 'xoxb-start-good', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(port) }, cwd);
    try {
      const eventsUrl = `http://127.0.0.1:${port}/slack/events`;
      // Slack's URL check when the request URL is saved in the app settings.
      const check = fixtures.urlVerification();
      const raw = JSON.stringify(check);
      const answered = await waitFor(
        'the app to answer on its port',
        async () => {
          const res = await fetch(eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signature(SECRET, raw) }, body: raw }).catch(() => undefined);
          return res ? { status: res.status, body: await res.text() } : undefined;
        },
        90_000, // seconds when idle (PGlite's first start); much longer on a busy machine
      );
      expect(answered.status).toBe(200);
      expect(answered.body).toContain(check.challenge);
      expect(fake.succeeded('auth.test')).toHaveLength(1);

      const driver = new SlackDriver({ eventsUrl, secret: SECRET, fake, teamId: 'T0TEST0001' });
      const sent = await driver.command('U0PERSON01', '');
      expect(sent.status).toBe(200);
      await waitFor('the first question in the DM', () => fake.messages(fake.dmOf('U0PERSON01')).some((m) => m.text.includes('Which company')));
      expect(app.stdout()).toContain('slack adapter started');
    } finally {
      app.kill('SIGTERM');
    }
    expect(await app.exit).toBe(0);
    expect(app.stderr()).toBe('');
  }, 150_000);

  // Each start of a real process costs seconds (tsx compiling the app as it loads),
  // so one malformed variable goes through a real process and the rest are checked in-process.
  describe.concurrent('a missing or malformed Slack variable gives one clear line naming it', () => {
    it('malformed bot token (SLACK_BOT_TOKEN=abc): one line on stderr, non-zero exit', async () => {
      const app = start({ SLACK_BOT_TOKEN: 'abc', SLACK_SIGNING_SECRET: SECRET }, await mkdtemp(join(dir, 'bad-')));
      const code = await app.exit;
      expect(code).not.toBe(0);
      const lines = app.stderr().split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^debrief: Invalid configuration: SLACK_BOT_TOKEN /);
      expect(lines[0]).not.toContain(SECRET);
    }, 120_000);

    // main.ts prints a ConfigError's message as that one line (as above); no second process needed.
    it('missing variables: the error is one line naming the variable', () => {
      const message = (env: Record<string, string>) => {
        try {
          loadConfig(env, platforms);
          return '';
        } catch (err) {
          expect(err).toBeInstanceOf(StartupError);
          return (err as Error).message;
        }
      };
      const noToken = message({ SLACK_SIGNING_SECRET: SECRET });
      expect(noToken).toMatch(/SLACK_BOT_TOKEN is missing/);
      const noMode = message({ SLACK_BOT_TOKEN: 'xoxb-start-good' });
      expect(noMode).toMatch(/SLACK_SIGNING_SECRET is missing.*SLACK_APP_TOKEN/);
      for (const m of [noToken, noMode]) expect(m).not.toContain('\n');
    });

    it('a bot token Slack rejects: startSlack fails with a one-line StartupError naming it', async () => {
      const database = await freshDatabase();
      const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-start-bad', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl }, platforms);
      const app = await createApp(config, silentLogger, { database });
      try {
        const failed = startSlack(app, [], { port: 0, retryConfig: { retries: 0 } });
        await expect(failed).rejects.toBeInstanceOf(StartupError);
        await expect(failed).rejects.toThrow(/^SLACK_BOT_TOKEN was rejected by Slack \(invalid_auth\)/);
        const message = await failed.catch((e: Error) => e.message);
        expect(message).not.toContain('\n');
        expect(message).not.toContain('xoxb-start-bad');
      } finally {
        await app.close();
      }
    });
  });
});
