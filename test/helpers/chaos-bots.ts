import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBot, type Bot } from './spawn-bot.js';

/**
 * Terminal bots (`npm start` without platform variables) as child processes, each chatting as one
 * member; every one started is tracked so that a failing test still kills it.
 */
export interface Life {
  bot: Bot;
  /** Set as soon as the process has exited, whatever the cause. */
  dead: boolean;
  kill(): Promise<void>;
}

export function botFleet(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'debrief-chaos-bots-'));
  const all = new Set<Life>();
  return {
    launch(user: string, extraEnv: Record<string, string> = {}): Life {
      const bot = spawnBot({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env, ...extraEnv }, ['--user', user]);
      const life: Life = {
        bot,
        dead: false,
        async kill() {
          if (!life.dead) bot.proc.kill('SIGKILL');
          await bot.exited;
        },
      };
      // Writing to a killed bot's stdin fails with EPIPE; that is expected here, not a test error.
      bot.proc.stdin.on('error', () => {});
      all.add(life);
      void bot.exited.then(() => {
        life.dead = true;
        all.delete(life);
      });
      return life;
    },
    running: () => all.size,
    /** Kills whatever is still running and removes the data folder. */
    async dispose() {
      await Promise.all([...all].map((l) => l.kill()));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves true once stdout after `from` satisfies `test`, false if the process died first. */
export async function outputUntil(life: Life, from: number, test: (text: string) => boolean, ms = 60_000): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if (test(life.bot.stdout().slice(from))) return true;
    if (life.dead) return test(life.bot.stdout().slice(from));
    if (Date.now() - started > ms)
      throw new Error(`bot output never matched within ${ms} ms:\n${life.bot.stdout().slice(-1500)}\nstderr:\n${life.bot.stderr().slice(-1500)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
