import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/fresh-db.js';
import { botStore, spawnBot } from '../helpers/spawn-bot.js';

/** Every file under `dir` that holds `needle`, the write-ahead log aside. */
async function filesHolding(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path.split('/').includes('pg_wal')) continue;
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

const debrief = (company: string, wentWell: string) => [
  '/debrief', company, 'Product designer', '3', 'yesterday', 'It was a no', '2', 'Preparation, 5', wentWell, '2,3',
  'Be more concise', "I haven't asked", 'yes', 'not sure', 'no', 'Sam, the hiring manager', 'Practise salary answers out loud', 'next friday',
];

describe('/debrief forget, on disk', () => {
  it('leaves no answer in the data folder: not in the saved export or chart, not in the database files', async () => {
    const store = await botStore();
    // Unique to this run, so a hit can only be this member's answer.
    const secret = `kangaroo-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    try {
      const first = spawnBot({ ...store.env, CONSOLE_USER: 'ana' });
      const lines = [
        ...debrief('Zebracorp', `I walked through my portfolio calmly ${secret}`).slice(1),
        ...debrief('Globex', 'My questions were good'),
        ...debrief('Initech', 'I kept to time'),
        '/debrief export',
        '/debrief insights',
      ];
      first.proc.stdin.end(`${lines.join('\n')}\n`);
      expect((await first.exited).code).toBe(0);
      expect(first.stdout()).toMatch(/Saved to .*debrief-export-.*\.json/);
      expect(first.stdout()).toMatch(/Saved to .*debrief-insights-.*\.png/);
      // The answer is there before: in the export, and (on PGlite) in the database's own files.
      const before = await filesHolding(store.dataDir, secret);
      expect(before.some((f) => f.endsWith('.json'))).toBe(true);
      if (!onPostgres()) expect(before.some((f) => f.includes('pgdata'))).toBe(true);

      const handle = await store.open();
      const filenode = async (db = handle.db) => (await sql<{ f: string }>`select pg_relation_filenode('answers')::text as f`.execute(db)).rows[0]!.f;
      const answersFile = await filenode();
      await handle.close();

      const second = spawnBot({ ...store.env, CONSOLE_USER: 'ana' });
      second.proc.stdin.end('/debrief forget\n/debrief forget confirm\n');
      expect((await second.exited).code).toBe(0);
      expect(second.stdout()).toMatch(/Debrief holds nothing about you now/);

      expect(await filesHolding(store.dataDir, secret)).toEqual([]);
      expect(await readdir(join(store.dataDir, 'files'), { recursive: true })).toEqual(['console', 'console/local']);

      // On a Postgres server the data folder is not ours to read, but the table was rewritten all the same.
      const after = await store.open();
      try {
        expect(await filenode(after.db)).not.toBe(answersFile);
        expect(await after.db.selectFrom('members').select('id').execute()).toEqual([]);
      } finally {
        await after.close();
      }
    } finally {
      await store.dispose();
    }
  }, 120_000);
});
