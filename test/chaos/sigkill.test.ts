import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPostgres, type DatabaseHandle } from '../../src/db/connect.js';
import { botFleet, outputUntil, type Life } from '../helpers/chaos-bots.js';
import { chaosPostgres } from '../helpers/chaos-cluster.js';
import {
  PATH,
  RECORDED,
  SCRIPT,
  answerFor,
  checkConsistency,
  expectedDebrief,
  lastQuestion,
  scale,
  seededRandom,
  stepIndex,
  until,
} from '../helpers/chaos-script.js';
import { silentLogger } from '../helpers/fresh-db.js';

/**
 * Several terminal bots on one Postgres, each chatting as one member, killed with SIGKILL at random
 * moments (while starting, migrating, or in the middle of a turn) and started again until every
 * debrief is done. What the member saw acknowledged must be kept exactly once, and every restart
 * must offer to continue at the question the database says.
 */

const MEMBERS = scale(3, 6);
const KILLS_PER_MEMBER = scale(3, 10);
const rnd = seededRandom('sigkill');

let pgdb: Awaited<ReturnType<typeof chaosPostgres>>;
let handle: DatabaseHandle;
let fleet: ReturnType<typeof botFleet>;

beforeAll(async () => {
  pgdb = await chaosPostgres();
  console.log(`[chaos] sigkill: Postgres = ${pgdb.where}`);
  handle = await connectPostgres(pgdb.url, { poolSize: 3, logger: silentLogger });
  fleet = botFleet({ DATABASE_URL: pgdb.url, DB_POOL_SIZE: '3' });
});

afterAll(async () => {
  await fleet?.dispose();
  await handle?.close();
  await pgdb?.dispose();
});

interface View {
  open?: { step: string; pending: boolean };
  completed: boolean;
}

/** The member's debrief as the database has it, read while no bot of theirs is running. */
async function view(user: string): Promise<View> {
  try {
    const rows = await handle.db
      .selectFrom('conversations as c')
      .innerJoin('members as m', 'm.id', 'c.member_id')
      .select(['c.status', 'c.step', 'c.state'])
      .where('m.platform', '=', 'console')
      .where('m.user_id', '=', user)
      .execute();
    const open = rows.find((r) => r.status === 'active' || r.status === 'paused');
    return {
      completed: rows.some((r) => r.status === 'completed'),
      ...(open ? { open: { step: open.step ?? '', pending: (open.state as { pending?: string | null }).pending === 'resume' } } : {}),
    };
  } catch (err) {
    // Before any bot has finished migrating, there are no tables yet.
    if ((err as { code?: string }).code === '42P01') return { completed: false };
    throw err;
  }
}

type Plan = { phase: 'startup'; ms: number } | { phase: 'turn'; afterWrites: number; delayMs: number } | undefined;

const stats = { lives: 0, kills: 0, startupKills: 0, turnKills: 0, inFlightKept: 0, inFlightLost: 0, resumes: 0, acked: 0 };

async function runMember(i: number): Promise<void> {
  const user = `chaos-kill-${i}`;
  const company = `Kill Co ${i}`;
  let killsLeft = KILLS_PER_MEMBER;
  // The question shown last, and whether an answer to it was in flight (sent, not acknowledged) at a kill.
  let shown: string | undefined;
  let inFlight = false;

  for (let life = 0; ; life++) {
    expect(life, `member ${i} needed too many restarts`).toBeLessThan(KILLS_PER_MEMBER + 5);
    const before = await view(user);
    if (shown && shown !== 'done') {
      // Every acknowledged answer survived: the debrief is at the question shown last, or (when the
      // kill came after the commit but before the reply was printed) at the one after it.
      const at = before.completed ? PATH.length : stepIndex(before.open?.step ?? '');
      const allowed = inFlight ? [stepIndex(shown), stepIndex(shown) + 1] : [stepIndex(shown)];
      expect(allowed, `member ${i}: stored step ${before.open?.step ?? 'completed'} after showing ${shown}`).toContain(at);
      if (inFlight) stats[at === stepIndex(shown) ? 'inFlightLost' : 'inFlightKept']++;
    }
    if (before.completed) return;

    const plan: Plan =
      killsLeft > 0
        ? rnd.next() < 0.25
          ? { phase: 'startup', ms: rnd.int(0, 7000) }
          : { phase: 'turn', afterWrites: rnd.int(1, 6), delayMs: rnd.int(0, 60) }
        : undefined;
    if (plan) killsLeft--;
    stats.lives++;
    // Each run of the bot names its connections, so we can tell when its backends are gone.
    const appName = `chaos-kill-${i}-${life}`;
    const lifeUrl = new URL(pgdb.url);
    lifeUrl.searchParams.set('application_name', appName);
    const bot = fleet.launch(user, { DATABASE_URL: lifeUrl.toString() });
    const timers: NodeJS.Timeout[] = [];
    if (plan?.phase === 'startup') timers.push(setTimeout(() => void bot.kill(), plan.ms));
    try {
      const result = await oneLife(bot, company, before, plan, timers);
      timers.forEach(clearTimeout);
      // A life that showed no question (killed while starting, or before "continue" was answered)
      // changed nothing, so an answer left in flight by an earlier life is still in flight.
      inFlight = result.shown === undefined ? inFlight || result.inFlight : result.inFlight;
      shown = result.shown ?? shown;
      if (plan && bot.dead) {
        stats.kills++;
        stats[plan.phase === 'startup' ? 'startupKills' : 'turnKills']++;
      }
      if (result.done) {
        // At end of input the bot shuts down cleanly (unless a kill planned for the last turn came first).
        bot.bot.proc.stdin.end();
        const exit = await bot.bot.exited;
        if (exit.signal !== 'SIGKILL') expect(exit.code).toBe(0);
        return;
      }
      if (!bot.dead) await bot.kill();
    } finally {
      timers.forEach(clearTimeout);
    }
    // A COMMIT the bot sent just before it died is still carried out by its backend after the
    // process is gone: read the member's state only once those backends have ended.
    await until(`the backends of ${appName} to end`, async () => {
      const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = ${appName}`.execute(handle.db);
      return Number(rows[0]!.n) === 0;
    });
  }
}

/** One run of the bot: answer questions until done or killed. */
async function oneLife(
  life: Life,
  company: string,
  before: View,
  plan: Plan,
  timers: NodeJS.Timeout[],
): Promise<{ shown?: string; inFlight: boolean; done?: boolean }> {
  let writes = 0;
  let shown: string | undefined;
  const send = (line: string) => {
    writes++;
    if (plan?.phase === 'turn' && writes === plan.afterWrites) timers.push(setTimeout(() => void life.kill(), plan.delayMs));
    const from = life.bot.stdout().length;
    life.bot.write(line);
    return from;
  };
  /** Sends a line and waits for the reply's question; tells whether the bot acknowledged the line. */
  const turn = async (line: string, want: (after: string) => boolean): Promise<{ acked: boolean; step?: string }> => {
    const from = send(line);
    const echo = `> ${line}\n`;
    const replied = (t: string) => {
      const at = t.indexOf(echo);
      return at >= 0 && want(t.slice(at + echo.length));
    };
    await outputUntil(life, from, replied);
    const text = life.bot.stdout().slice(from);
    const at = text.indexOf(echo);
    const after = at >= 0 ? text.slice(at + echo.length) : '';
    // Replies are printed only after the turn's transaction committed: any of it is an acknowledgement.
    return { acked: after.trim() !== '', step: lastQuestion(after)?.step };
  };

  // Start-up: the bot greets with the first question, or offers to continue an open debrief.
  const greeting = new RegExp(`Welcome back\\.|${SCRIPT[0]!.question.source}`);
  if (!(await outputUntil(life, 0, (t) => greeting.test(t)))) return { inFlight: false };
  const greet = life.bot.stdout();
  if (before.open) expect(greet).toMatch(/Welcome back\./);
  else expect(greet).not.toMatch(/Welcome back/);

  if (before.open) {
    const r = await turn('continue', (after) => /Here's where we were\./.test(after) && lastQuestion(after) !== undefined);
    if (!r.acked) return { inFlight: false };
    if (r.step) {
      // Continuing reaches exactly the step the database has.
      expect(r.step).toBe(before.open.step);
      stats.resumes++;
      shown = r.step;
    } else if (life.dead) return { inFlight: false };
  } else {
    shown = lastQuestion(greet)?.step;
  }

  for (;;) {
    if (!shown) return { inFlight: false };
    if (shown === 'done') return { shown, inFlight: false, done: true };
    if (life.dead) return { shown, inFlight: false };
    const r = await turn(answerFor(shown, company), (after) => lastQuestion(after) !== undefined);
    if (r.acked && r.step) {
      // An acknowledged answer moves the debrief on by exactly one question.
      expect(r.step).toBe(PATH[stepIndex(shown) + 1] ?? 'done');
      stats.acked++;
      shown = r.step;
      continue;
    }
    if (r.acked && !r.step) {
      // Killed while the reply was being printed: it was saved, the next question did not arrive.
      return { shown: PATH[stepIndex(shown) + 1] ?? 'done', inFlight: false };
    }
    return { shown, inFlight: true };
  }
}

it(
  `${MEMBERS} members debrief through bots killed with SIGKILL at random moments; nothing acknowledged is lost or doubled`,
  async () => {
    const started = Date.now();
    await Promise.all(Array.from({ length: MEMBERS }, (_, i) => runMember(i)));
    console.log(`[chaos] sigkill: ${JSON.stringify(stats)} in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(fleet.running()).toBe(0);
    expect(stats.kills).toBeGreaterThanOrEqual(MEMBERS);
    expect(stats.resumes).toBeGreaterThan(0);

    for (let i = 0; i < MEMBERS; i++) {
      const user = `chaos-kill-${i}`;
      const convs = await handle.db
        .selectFrom('conversations as c')
        .innerJoin('members as m', 'm.id', 'c.member_id')
        .select(['c.id', 'c.status'])
        .where('m.user_id', '=', user)
        .execute();
      // One debrief per member, however often the bot died under it.
      expect(convs.map((c) => c.status)).toEqual(['completed']);
      const answers = await handle.db.selectFrom('answers').select(['step']).where('conversation_id', '=', convs[0]!.id).orderBy('id').execute();
      expect(answers.map((a) => a.step)).toEqual(RECORDED);
      const debrief = await handle.db.selectFrom('debriefs').selectAll().where('conversation_id', '=', convs[0]!.id).executeTakeFirstOrThrow();
      expect(debrief).toMatchObject(expectedDebrief(`Kill Co ${i}`));
    }
    const totals = await checkConsistency(handle.db);
    expect(totals.completed).toBe(MEMBERS);
  },
  scale(170_000, 900_000),
);
