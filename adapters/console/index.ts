import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { App } from '../../src/app.js';
import type { Actor, Reply, TurnInput } from '../../src/app.js';
import { memberFilesDir } from '../../src/app.js';
import { settingsOf } from '../../src/config.js';
import { runTurn } from '../turn-runner.js';
import type { RunningAdapter } from '../types.js';
import { DEFAULT_USER, USER_NAME, terminal } from './config.js';
import { renderReply } from './render.js';

/** A file reply (an export, a chart) lands beside the data in the person's own folder, which
 *  `/debrief forget` deletes; named for the moment. */
async function saveFile(dataDir: string, actor: Actor, file: { name: string; base64: string }): Promise<string> {
  const dir = memberFilesDir(dataDir, actor);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${basename(file.name)}`);
  await writeFile(path, Buffer.from(file.base64, 'base64'));
  return path;
}

/** `--user NAME` on the command line wins over CONSOLE_USER, so several people can be tried. */
export function consoleUser(argv: readonly string[], fallback: string): string {
  const i = argv.indexOf('--user');
  const name = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--user='))?.slice('--user='.length);
  return name && USER_NAME.test(name) ? name : fallback;
}

/**
 * The terminal chat: one line in, one turn. On a TTY it is interactive; otherwise it reads one line
 * per turn, prints each reply, and ends at end of input, so a debrief can be scripted.
 */
export async function startConsole(app: App, argv: readonly string[]): Promise<RunningAdapter> {
  const interactive = Boolean(process.stdin.isTTY);
  const color = Boolean(process.stdout.isTTY);
  const actor = { platform: 'console', workspaceId: 'local', userId: consoleUser(argv, settingsOf(app.config, terminal)?.user ?? DEFAULT_USER) };
  const rl = createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined, terminal: interactive });
  rl.setPrompt('> ');
  rl.on('SIGINT', () => rl.close());

  const show = async (replies: readonly Reply[]) => {
    for (const reply of replies) {
      process.stdout.write(`${renderReply(reply, color, process.stdout.columns || 80)}\n\n`);
      if (reply.file?.base64) process.stdout.write(`Saved to ${await saveFile(app.config.dataDir, actor, reply.file)}\n\n`);
    }
  };
  const say = async (input: TurnInput) => {
    await runTurn(app, { ...actor, eventId: randomUUID(), input }, {
      deliver: async (result) => {
        await show(result.replies);
        return 'delivered';
      },
      apologise: async () => {
        process.stdout.write("Sorry, I couldn't save that just now. Nothing you told me before is lost; please send it again.\n\n");
      },
      errorIds: (err) => ({ type: (err as Error)?.name ?? typeof err }),
    });
    // One person at a time: nothing to batch the mark with, and a terminal killed before it is
    // written would show the reply again at the next start.
    await app.replies.flush();
  };
  // Replies saved but never shown (the last run ended between the two) come first, once.
  const showPending = async () => {
    const pending = await app.replies.pending(actor).catch(() => []);
    for (const p of pending) await show(p.receipt.replies);
    app.replies.delivered(pending);
    await app.replies.flush();
  };

  // Take the iterator now: readline emits lines as soon as stdin has them, and lines emitted before
  // an iterator exists are lost. Piped input arrives while the first turn is still being answered.
  const lines = rl[Symbol.asyncIterator]();
  const done = (async () => {
    await showPending();
    await say({ kind: 'command', args: '' });
    if (interactive) rl.prompt();
    for await (const line of { [Symbol.asyncIterator]: () => lines }) {
      if (!interactive) process.stdout.write(`> ${line}\n`);
      const trimmed = line.trim();
      const input: TurnInput = /^\/debrief\b/i.test(trimmed)
        ? { kind: 'command', args: trimmed.replace(/^\/debrief\b/i, '').trim() }
        : { kind: 'text', text: line };
      await say(input);
      if (interactive) rl.prompt();
    }
  })();

  return {
    name: 'console',
    done,
    stop: async () => {
      rl.close();
      await done.catch(() => {});
    },
  };
}
