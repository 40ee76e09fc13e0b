import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { wrapPglite } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump: string;
  }
}

/**
 * Creating a PGlite and migrating it takes seconds; loading a dump of a migrated one takes well under
 * one. So on PGlite we migrate once here and every test file starts from a copy of that dump.
 */
export default async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    project.provide('pgliteDump', '');
    return;
  }
  const pglite = await PGlite.create();
  const handle = wrapPglite(pglite, pino({ level: 'silent' }), () => pglite.close());
  await migrateToLatest(handle.db);
  const dump = await pglite.dumpDataDir('none');
  const dir = await mkdtemp(join(tmpdir(), 'debrief-test-'));
  const file = join(dir, 'migrated.tar');
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  await handle.close();
  project.provide('pgliteDump', file);
}
