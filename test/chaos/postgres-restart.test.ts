import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import type { TurnInput } from '../../src/engine/types.js';
import { botFleet, outputUntil } from '../helpers/chaos-bots.js';
import { startCluster, type Cluster } from '../helpers/chaos-cluster.js';
import { answerFor, checkConsistency, expectedDebrief, questionOf, scale, seededRandom, until } from '../helpers/chaos-script.js';
import { silentLogger } from '../helpers/fresh-db.js';

/**
 * Postgres (a throwaway cluster, never the shared server) is stopped and started again while many
 * members debrief through the app in this process and a terminal bot runs as a child process. Turns
 * during the outage fail fast with an error the adapters turn into their apology; the bot stays up;
 * service comes back without restarting anything; nothing is half written.
 */

const MEMBERS = scale(24, 80);
const OUTAGES: ('fast' | 'immediate')[] = scale(['fast', 'immediate'], ['fast', 'immediate', 'fast', 'immediate']);
/** What the terminal prints when a turn fails (adapters/console): the adapters' shared apology. */
const APOLOGY = /couldn't save that just now\. Nothing you told me before is lost; please send it again\./;
const rnd = seededRandom('postgres-restart');

let cluster: Cluster;
let url: string;
let app: App;
let check: DatabaseHandle;
let fleet: ReturnType<typeof botFleet>;
const logs: string[] = [];
/** Set when the test ends, however it ends, so the simulated members stop sending. */
let abort = false;

beforeAll(async () => {
  cluster = await startCluster();
  url = await cluster.createDatabase('debrief');
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  app = await createApp(loadConfig({ DATABASE_URL: url, DB_POOL_SIZE: '10' }), logger);
  fleet = botFleet({ DATABASE_URL: url, DB_POOL_SIZE: '2' });
});

afterAll(async () => {
  abort = true;
  await fleet?.dispose();
  await app?.close().catch(() => {});
  await check?.close();
  await cluster?.destroy();
});

interface TurnRecord {
  member: number;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
}

it(
  `${MEMBERS} members keep debriefing while Postgres is stopped and started ${OUTAGES.length} times`,
  async () => {
    const turns: TurnRecord[] = [];
    let finishing = false;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** A member who debriefs again and again until told to finish, resending after each apology. */
    async function member(i: number): Promise<string[]> {
      const companies: string[] = [];
      const actor = { platform: 'chaos', workspaceId: 'W1', userId: `pg-${i}` };
      let shown: string | undefined;
      for (let k = 0; ; k++) {
        if (abort || (finishing && (shown === undefined || shown === 'done'))) return companies;
        // Debriefs are numbered by how many this member has finished.
        const company = `PG Co ${i}-${companies.length}`;
        let input: TurnInput;
        if (shown === undefined || shown === 'done') input = { kind: 'command', args: '' };
        else if (shown === 'resume') input = { kind: 'text', text: 'continue' };
        else input = { kind: 'text', text: answerFor(shown, company) };
        const record: TurnRecord = { member: i, startedAt: performance.now(), endedAt: 0, ok: false };
        try {
          const result = await app.engine.handle({ ...actor, eventId: randomUUID(), input });
          record.ok = true;
          const text = result.replies.map((r) => r.text).join('\n');
          const q = /Welcome back\./.test(text) ? 'resume' : questionOf(result.replies);
          if (q === 'done') companies.push(company);
          shown = q;
        } catch (err) {
          // The adapter would answer with its apology here; the person sends the same thing again.
          record.error = (err as { code?: string }).code ?? (err as Error).message.slice(0, 60);
        } finally {
          record.endedAt = performance.now();
          turns.push(record);
        }
        await sleep(record.ok ? rnd.int(5, 40) : rnd.int(100, 300));
        expect(k, `member ${i} is stuck`).toBeLessThan(5_000);
      }
    }

    // A terminal bot in its own process on the same cluster, mid-debrief.
    const bot = fleet.launch('pg-console');
    const busy = fleet.launch('pg-busy');
    await bot.bot.waitFor(/Which company/, { ms: 60_000 });
    let from = bot.bot.stdout().length;
    bot.bot.write('Outage Co');
    await bot.bot.waitFor(/And the role at Outage Co\?/, { from });

    // A second terminal bot kept busy: a line always waiting, so a turn is in flight when Postgres goes.
    await busy.bot.waitFor(/Which company/, { ms: 60_000 });
    let written = 0;
    let echoed = 0;
    let cursor = 0;
    /** Lines the bot has taken up so far (it echoes each before handling it). */
    const echoes = () => {
      const out = busy.bot.stdout();
      const end = out.lastIndexOf('\n') + 1;
      if (end > cursor) {
        echoed += out.slice(cursor, end).split('> help\n').length - 1;
        cursor = end;
      }
      return echoed;
    };
    const pump = setInterval(() => {
      while (!busy.dead && written - echoes() < 2) {
        busy.bot.write('help');
        written++;
      }
    }, 10);
    const uncaught: Error[] = [];
    const onUncaught = (err: Error) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const load = Array.from({ length: MEMBERS }, (_, i) => member(i));
      const okSince = (t: number) => turns.filter((r) => r.ok && r.startedAt >= t).length;
      const failedSince = (t: number) => turns.filter((r) => !r.ok && r.startedAt >= t).length;
      await until('the load to get going', () => okSince(0) >= MEMBERS * 3, 60_000);

      const windows: { stoppedAt: number; startedAt: number; recoveredAt: number }[] = [];
      for (const [n, mode] of OUTAGES.entries()) {
        const stoppedAt = performance.now();
        await cluster.stop(mode);
        await until(`turns to fail during outage ${n + 1}`, () => failedSince(stoppedAt) >= MEMBERS, 30_000);
        if (n === 0) {
          // The terminal bot apologises for a line sent while the database is down, and stays up.
          from = bot.bot.stdout().length;
          bot.bot.write('Platform engineer');
          await bot.bot.waitFor(APOLOGY, { from, ms: 30_000 });
          expect(bot.dead).toBe(false);
        }
        const startedAt = performance.now();
        await cluster.start();
        await until(`service to come back after outage ${n + 1}`, () => okSince(startedAt) >= MEMBERS * 2, 60_000);
        const recoveredAt = Math.min(...turns.filter((r) => r.ok && r.startedAt >= startedAt).map((r) => r.endedAt));
        windows.push({ stoppedAt, startedAt, recoveredAt });
        console.log(
          `[chaos] outage ${n + 1} (${mode}): down ${Math.round(startedAt - stoppedAt)} ms, ` +
            `${failedSince(stoppedAt)} turns failed, first success ${Math.round(recoveredAt - startedAt)} ms after start`,
        );
      }

      // The busy bot lived through every outage, apologised for the turns it could not save, and
      // answers again without a restart.
      const busyMark = busy.bot.stdout().length;
      const busyBack = await outputUntil(busy, busyMark, (t) => /At any question you can type/.test(t), 30_000);
      clearInterval(pump);
      const busyOut = busy.bot.stdout();
      console.log(
        `[chaos] busy terminal bot: ${echoes()} turns, ${(busyOut.match(new RegExp(APOLOGY.source, 'g')) ?? []).length} apologies, ` +
          (busy.dead ? `DIED with exit code ${busy.bot.proc.exitCode}` : 'still up'),
      );
      const crash = busy.bot.stderr();
      expect(busy.dead, `the busy bot crashed during a Postgres restart:\n${crash.slice(Math.max(0, crash.indexOf('node:events')), crash.indexOf('node:events') + 1200)}`).toBe(false);
      expect(busyBack).toBe(true);
      expect(busyOut).toMatch(APOLOGY);
      busy.bot.proc.stdin.end();
      expect((await busy.bot.exited).code).toBe(0);

      // The terminal bot, never restarted, takes the same line again once the database is back.
      let answered = false;
      for (let attempt = 0; attempt < 3 && !answered; attempt++) {
        from = bot.bot.stdout().length;
        bot.bot.write('Platform engineer');
        await outputUntil(bot, from, (t) => APOLOGY.test(t) || /Which stage was this\?/.test(t), 30_000);
        answered = /Which stage was this\?/.test(bot.bot.stdout().slice(from));
      }
      expect(answered).toBe(true);
      expect(bot.dead).toBe(false);
      bot.bot.proc.stdin.end();
      expect((await bot.bot.exited).code).toBe(0);

      finishing = true;
      const companies = await Promise.all(load);

      const failed = turns.filter((r) => !r.ok);
      const slowest = Math.max(...turns.map((r) => r.endedAt - r.startedAt));
      console.log(
        `[chaos] postgres-restart: ${turns.length} turns, ${failed.length} failed (${[...new Set(failed.map((f) => f.error))].join(', ')}), ` +
          `slowest ${Math.round(slowest)} ms, ${companies.flat().length} debriefs`,
      );
      // Failures are prompt errors (an apology at once), not hangs.
      expect(slowest).toBeLessThan(15_000);
      // A lost connection must reach the turn as an error, never as an unhandled 'error' event.
      expect(uncaught.map((e) => e.message), 'uncaught exceptions: in the bot process each would be a crash').toEqual([]);
      // Every failure belongs to an outage: none started after service had come back.
      const stray = failed.filter((f) => windows.every((w) => f.startedAt < w.stoppedAt - 1_000 || f.startedAt >= w.recoveredAt));
      expect(stray.map((f) => `${f.error} at ${Math.round(f.startedAt)}`)).toEqual([]);
      expect(failed.length).toBeGreaterThan(0);

      check = await connectPostgres(url, { poolSize: 2, logger: silentLogger });
      await checkConsistency(check.db);
      // Each completed debrief holds the answers the person gave, each once: a resent answer never
      // landed on the next question.
      const debriefs = await check.db.selectFrom('debriefs').selectAll().execute();
      expect(debriefs.length).toBe(companies.flat().length);
      for (const d of debriefs) expect(d).toMatchObject(expectedDebrief(d.company));
      const consoleAnswers = await check.db
        .selectFrom('answers as a')
        .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
        .innerJoin('members as m', 'm.id', 'c.member_id')
        .select(['a.step', 'a.value'])
        .where('m.user_id', '=', 'pg-console')
        .orderBy('a.id')
        .execute();
      expect(consoleAnswers).toEqual([
        { step: 'company', value: 'Outage Co' },
        { step: 'role', value: 'Platform engineer' },
      ]);
      // The engine logged the failed turns (the adapters' apology follows from them).
      expect(logs.some((l) => /turn failed/.test(l))).toBe(true);
    } finally {
      clearInterval(pump);
      process.off('uncaughtException', onUncaught);
      abort = true;
    }
  },
  scale(150_000, 600_000),
);
