import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack } from '../test/helpers/fake-slack.js';
import { freePort, startBotProcess } from './bot-process.js';
import { callgrindControl, callgrindTotals } from './callgrind.js';
import { settle } from './e2e-lib.js';
import { SCRIPT } from './engine-throughput.js';
import { arg, benchPostgres, fmt, pool, report } from './lib.js';
import { SECRET, slackDriver, TEAM, untilListening } from './slack-e2e.js';

/**
 * Benchmark 2c: instructions per Slack turn of the whole bot process (HTTP in, engine, Postgres client,
 * Web API calls out, logs, metrics) under `valgrind --tool=callgrind`. Bot CPU per turn in milliseconds
 * (benchmark 2) moves by 10-30% from run to run on these shared machines; instruction counts do not,
 * so this is the figure to compare two builds by. The bot runs as in benchmark 2, under callgrind with
 * instrumentation off through start-up and the warm-up debriefs; then the idle bot is counted for a
 * while (its timers, shown apart), then the measured debriefs, with all the bot did meanwhile. Two
 * people at a time, each sending their next answer once the last is answered, so turns seldom share a
 * database statement, as at 100 turns a second.
 */
export async function slackCallgrindBench(opts: { dir?: string; label?: string } = {}): Promise<{ irPerTurn: number; idlePerSecond: number }> {
  const warm = arg('slack-callgrind-warm', 6);
  const measured = arg('slack-callgrind-debriefs', 30);
  const idleMs = 5000;
  const fake = await startFakeSlack({ teamId: TEAM });
  const database = await benchPostgres(2);
  const dir = mkdtempSync(join(tmpdir(), 'debrief-slack-callgrind-'));
  const out = join(dir, 'out');
  const port = await freePort();
  const started = performance.now();
  const bot = await startBotProcess(
    { DATABASE_URL: database.url, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(port) },
    { ...(opts.dir ? { dir: opts.dir } : {}), wrap: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`] },
  );
  const callgrind = (what: string) => callgrindControl(bot.pid, what);
  try {
    const url = `http://127.0.0.1:${port}/slack/events`;
    await untilListening(url);
    const driver = slackDriver(fake, url);
    const answered = new Set<string>();
    let n = 0;
    let person = 0;
    const debriefs = (count: number) =>
      pool(count, 2, async () => {
        const p = person++;
        for (const input of SCRIPT) {
          const eventId = driver.walk.send(p, input, n++);
          while (!answered.has(eventId)) {
            driver.walk.poll(answered);
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      });
    await debriefs(warm);
    await settle(() => fake.calls.length);
    await callgrind('--instr=on');
    await callgrind('--dump=start');
    await new Promise((r) => setTimeout(r, idleMs));
    await callgrind('--dump=idle');
    const from = performance.now();
    await debriefs(measured);
    await settle(() => fake.calls.length);
    const seconds = (performance.now() - from) / 1000;
    await callgrind('--dump=measured');
    await driver.drain();
    const [idle, full] = [`${out}.2`, `${out}.3`].map(callgrindTotals) as [number, number];
    const turns = measured * SCRIPT.length;
    const idlePerSecond = idle / (idleMs / 1000);
    // Everything the bot did while the turns ran, its timers and collections included: what it does
    // when idle varies too much to take out (V8's memory reducer may run a full collection then).
    const irPerTurn = full / turns;
    console.log(
      `\n2c. Instructions per Slack turn, the whole bot process under callgrind${opts.label ? ` [${opts.label}]` : ''}: ${warm} warm-up debriefs, then ${measured} measured (${turns} turns, two people at a time, ${fmt(seconds)} s), ${fmt((performance.now() - started) / 1000)} s`,
    );
    report([
      { figure: 'instructions (Ir) per turn', value: irPerTurn / 1e6, unit: ' M' },
      { figure: 'idle instructions per second, before the turns', value: idlePerSecond / 1e6, unit: ' M' },
    ]);
    return { irPerTurn, idlePerSecond };
  } finally {
    await bot.stop();
    if (process.env.KEEP_CALLGRIND) console.log(`callgrind files kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
    await database.close();
    await fake.close();
  }
}
