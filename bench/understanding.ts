import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loadCorpus, runUnderstanding, score, BARS } from '../test/helpers/understanding.js';
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
