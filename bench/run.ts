import pg from 'pg';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { callgrindBench } from './callgrind.js';
import { printEngine, runEngine, runFloor } from './engine-throughput.js';
import { fanoutBench } from './fanout.js';
import { arg, baseUrl, benchPglite, benchPostgres, fmt, report } from './lib.js';
import { memoryBench } from './memory.js';
import { slackCallgrindBench } from './slack-callgrind.js';
import { slackE2eBench } from './slack-e2e.js';
import { discordE2eBench } from './discord-e2e.js';
import { understandingBench } from './understanding.js';

/**
 * `npm run bench`: every benchmark in one run, each printing its figures and its ratio to target.
 * Options: --members 200 --debriefs 2000 --pool 20 --think-ms 1000 --pglite-debriefs 1000 --slack-rate 100
 * --slack-seconds 20 --discord-rate 30 --discord-seconds 20 (--slack-baseline DIR, --discord-baseline DIR: another
 * checkout's build first, for an A/B) --fanout-members 10000 --fanout-rate 1000
 * --only engine,slack,discord,memory,fanout,understanding
 * --callgrind (adds 1c, instructions per engine turn: --callgrind-warm 20 --callgrind-debriefs 40 --callgrind-members 10;
 * and 2c, instructions per Slack turn of the whole bot: --slack-callgrind-warm 6 --slack-callgrind-debriefs 30)
 */
async function main() {
  const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? 'engine,slack,discord,memory,fanout,understanding').split(',');
  console.log(`debrief benchmarks  node ${process.version}  ${new Date().toISOString()}`);
  console.log(`command: npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`);
  console.log(`postgres: ${new URL(baseUrl()).host}`);

  if (only.includes('engine')) {
    const members = arg('members', 200);
    const debriefs = arg('debriefs', 2000);
    const poolSize = arg('pool', 20);
    const pgDb = await benchPostgres(poolSize);
    try {
      const engine = await runEngine(pgDb, members, debriefs, 'bench');
      const floorPool = new pg.Pool({ connectionString: pgDb.url, max: poolSize });
      // Its connections may still be closing when the database is dropped (FORCE) after the run.
      floorPool.on('error', () => {});
      const floor = await runFloor(floorPool, members, engine.turns);
      await floorPool.end();
      printEngine(`1. Engine on Postgres, saturation: ${members} members at once with no pause between turns, ${debriefs} debriefs, pool ${poolSize}`, engine, floor, 0.8);
    } finally {
      await pgDb.close();
    }
    const thinkMs = arg('think-ms', 1000);
    const pacedDb = await benchPostgres(poolSize);
    try {
      const paced = await runEngine(pacedDb, members, members, 'paced', thinkMs);
      console.log(`\n1a. Engine on Postgres, paced: ${members} members at once, each pausing ~${thinkMs} ms between turns (${paced.turns} turns, ${fmt(paced.turnsPerSecond)}/s)`);
      report([
        { figure: 'p50 per turn', value: paced.p50, unit: ' ms' },
        { figure: 'p95 per turn', value: paced.p95, unit: ' ms' },
        { figure: 'p99 per turn', value: paced.p99, unit: ' ms', target: 50, better: 'lower' },
      ]);
    } finally {
      await pacedDb.close();
    }
    // 1000 debriefs (12,000 turns, a few seconds), several per member as on Postgres: at 200 each member had one, so one turn in
    // twelve was a newcomer's first (the member row made, then read again), in a run of about a second.
    const liteDebriefs = arg('pglite-debriefs', 1000);
    const lite = await benchPglite();
    try {
      const engine = await runEngine(lite, members, liteDebriefs, 'bench');
      const floorPool = new pg.Pool(createPgConfig(lite.pglite));
      floorPool.on('error', () => {});
      const floor = await runFloor(floorPool, members, engine.turns);
      await floorPool.end();
      printEngine(`1b. Engine on embedded PGlite: ${members} members at once, ${liteDebriefs} debriefs`, engine, floor, 0.5);
    } finally {
      await lite.close();
    }
    if (process.argv.includes('--callgrind')) await callgrindBench();
  }
  if (only.includes('slack')) {
    await slackE2eBench();
    if (process.argv.includes('--callgrind')) {
      const i = process.argv.indexOf('--slack-baseline');
      if (i >= 0) await slackCallgrindBench({ dir: process.argv[i + 1]!, label: `baseline ${process.argv[i + 1]}` });
      await slackCallgrindBench(i >= 0 ? { label: 'this build' } : {});
    }
  }
  if (only.includes('discord')) await discordE2eBench();
  if (only.includes('memory')) await memoryBench();
  if (only.includes('fanout')) await fanoutBench();
  if (only.includes('understanding')) await understandingBench();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
