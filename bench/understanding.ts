import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loadCorpus, runUnderstanding, score, BARS } from '../test/helpers/understanding.js';
import { angerLines, loadAngerCorpus, scoreAngerAt } from '../test/helpers/understanding-anger.js';
import { benchPglite, report, silent } from './lib.js';

/**
 * How well the engine understands what people type: the labelled corpus in
 * test/fixtures/understanding, each utterance sent through the real turn on an embedded database.
 * `npx tsx bench/understanding.ts --verbose` also lists every miss.
 */
export async function understandingBench(verbose = process.argv.includes('--verbose')) {
  const database = await benchPglite();
  let now = new Date();
  const app = await createApp(loadConfig({ LOG_LEVEL: 'silent' }), silent, { database, clock: () => now });
  try {
    let seq = 0;
    const entries = loadCorpus();
    const started = performance.now();
    const results = await runUnderstanding(
      {
        send: (userId, input) => app.engine.handle({ platform: 'bench', workspaceId: 'TBENCH', userId, eventId: `u-${++seq}`, input }),
        setNow: (at) => (now = at),
        db: database.db,
      },
      entries,
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nUnderstanding: ${entries.length} labelled utterances through the real turn on PGlite (${seconds.toFixed(1)} s)`);
    const scores = score(results);
    report(scores.map((s) => ({ figure: `${s.category} (${s.correct}/${s.total})`, value: s.accuracy * 100, unit: ' %', target: BARS[s.category] * 100, better: 'higher' as const })));
    if (verbose)
      for (const s of scores)
        for (const m of s.misses) console.log(`  miss ${m.entry.step}: "${m.entry.text}" expected ${JSON.stringify(m.entry.expect)}, got ${m.got}`);

    const anger = loadAngerCorpus();
    const angerStarted = performance.now();
    const angerScores = [];
    for (const step of ['next_step', 'growth_tags'] as const) angerScores.push(await scoreAngerAt(app.engine, database.db, anger, step));
    const angerSeconds = (performance.now() - angerStarted) / 1000;
    console.log(`\nAnger told apart from pain: ${anger.length} labelled utterances, typed at the next step and at growth areas (${angerSeconds.toFixed(1)} s)`);
    report(
      angerScores.flatMap((a) => [
        { figure: `anger recall at ${a.step} (${a.caught}/${a.hostile})`, value: a.recall * 100, unit: ' %', target: 95, better: 'higher' as const },
        { figure: `false alarms at ${a.step} (${a.falseAlarms}/${a.calm})`, value: a.falseAlarmRate * 100, unit: ' %', target: 3, better: 'lower' as const },
        { figure: `self-blame reframed at ${a.step} (${a.reframed}/${a.reframeWanted})`, value: (a.reframed / Math.max(1, a.reframeWanted)) * 100, unit: ' %' },
      ]),
    );
    if (verbose) for (const a of angerScores) for (const line of angerLines(a).slice(1)) console.log(line);
    return scores;
  } finally {
    // Closing the app closes the database it was given.
    await app.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  understandingBench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
