import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
function files(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}
const importsOf = (file: string) =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

it('the engine and flows know nothing of Slack, Discord or the database driver', () => {
  for (const file of files('src')) {
    const imports = importsOf(file);
    expect(imports.filter((i) => /^(@slack\/|discord\.js|@discordjs\/)/.test(i)), file).toEqual([]);
    // main.ts is the composition root: the one place that starts the adapters.
    if (file !== join('src', 'main.ts')) expect(imports.filter((i) => i.includes('adapters/')), file).toEqual([]);
    if (file !== join('src', 'db', 'connect.ts')) expect(imports.filter((i) => i === 'pg'), file).toEqual([]);
  }
});

it('adapters do not reach into each other', () => {
  // Every platform folder, so that a new one is held to this without a change here.
  const folders = readdirSync(join(root, 'adapters'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  expect(folders).toEqual(expect.arrayContaining(['slack', 'discord', 'console']));
  for (const file of files('adapters')) {
    const own = relative('adapters', file).split('/')[0];
    if (!own || own.endsWith('.ts')) continue;
    for (const other of folders.filter((p) => p !== own))
      expect(importsOf(file).filter((i) => i.includes(`/${other}/`)), file).toEqual([]);
  }
});

/**
 * Layers that only point down, SQL in src/db only, ids decoded in src/engine/ids.ts only. Each rule is
 * a function of a file's path and text, so the self-check below can plant a violation and see it caught.
 */
/** Relative imports (and re-exports) of a file, resolved to repository paths ('src/db/types.ts'). */
function localImports(file: string, text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s+'(\.[^']+)'/g)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

const ENGINE_TYPES = ['src/engine/types.ts', 'src/engine/ids.ts'];
const ENGINE_PURE = ['src/engine/flow.ts', 'src/engine/inputs.ts', 'src/engine/machine.ts'];
/** What adapters may import from src/: the app's public interface and leaf modules. */
const ADAPTER_API = ['src/app.ts', 'src/config.ts', 'src/log.ts', 'src/startup-error.ts'];
const LEAVES = ['src/startup-error.ts', 'src/log.ts'];

function upwardImports(file: string, text: string): string[] {
  const imports = localImports(file, text);
  const bad = (allowed: (i: string) => boolean) => imports.filter((i) => !allowed(i));
  if (ENGINE_TYPES.includes(file)) return bad((i) => ENGINE_TYPES.includes(i));
  if (ENGINE_PURE.includes(file)) return bad((i) => i.startsWith('src/engine/') && i !== 'src/engine/engine.ts');
  if (file.startsWith('src/db/')) return bad((i) => i.startsWith('src/db/') || ENGINE_TYPES.includes(i) || LEAVES.includes(i) || i.startsWith('migrations/'));
  if (file.startsWith('src/flows/')) return bad((i) => i.startsWith('src/flows/') || ENGINE_TYPES.includes(i) || ENGINE_PURE.includes(i));
  if (file === 'src/config.ts' || file === 'src/cron.ts') return bad((i) => LEAVES.includes(i) || i === 'src/cron.ts');
  if (file.startsWith('adapters/')) return bad((i) => i.startsWith('adapters/') || ADAPTER_API.includes(i));
  return [];
}

const SQL = /sql`|sql<|\.selectFrom\(|\.insertInto\(|\.updateTable\(|\.deleteFrom\(|sql\.raw\(|\b(select|insert into|update|delete from)\s+[\w*]+[\s\S]{0,40}?\b(from|set|values|where)\b/i;
function sqlOutsideDb(file: string, text: string): boolean {
  return !file.startsWith('src/db/') && SQL.test(text.replace(/^\s*(\/\/|\*).*$/gm, ''));
}

/** Building or reading an id by its wire prefix ('cmd:', 'start:', 'resume:', 'command:', 'checkins:'). */
const ID_PREFIX = /['`](cmd|start|resume|checkins):|'command:|startsWith\(['`](cmd|start|resume|command|checkins)|\^(cmd|start|resume|command):/;
function idPrefixOutsideIds(file: string, text: string): boolean {
  return file !== 'src/engine/ids.ts' && ID_PREFIX.test(text.replace(/^\s*(\/\/|\*).*$/gm, ''));
}

/**
 * Not yet moved (issue 12): flows that still write or read rows through a transaction they are given,
 * and export/forget's table-by-table queries. Each entry must still be a violation, so the list only
 * shrinks; nothing new may join it.
 */
const NOT_YET: Record<string, 'sql' | 'import'> = {};

const all = [...files('src'), ...files('adapters')].map((f) => ({ file: f, text: readFileSync(join(root, f), 'utf8') }));

describe('layers', () => {
  it('no file imports upward (engine types import nothing; db only engine types; flows no engine runtime; adapters only the app)', () => {
    const found = all.filter((f) => NOT_YET[f.file] !== 'import').flatMap((f) => upwardImports(f.file, f.text).map((i) => `${f.file} -> ${i}`));
    expect(found).toEqual([]);
  });

  it('SQL lives in src/db only', () => {
    expect(all.filter((f) => NOT_YET[f.file] !== 'sql' && sqlOutsideDb(f.file, f.text)).map((f) => f.file)).toEqual([]);
  });

  it('id prefixes are encoded and decoded in src/engine/ids.ts only', () => {
    expect(all.filter((f) => idPrefixOutsideIds(f.file, f.text)).map((f) => f.file)).toEqual([]);
  });

  it('what is listed as not yet moved still is, so the list only shrinks', () => {
    for (const [file, kind] of Object.entries(NOT_YET)) {
      const text = readFileSync(join(root, file), 'utf8');
      expect(kind === 'sql' ? sqlOutsideDb(file, text) : upwardImports(file, text).length > 0, file).toBe(true);
    }
  });

  it('catches a planted violation of each rule', () => {
    expect(upwardImports('src/db/x.ts', "import { createEngine } from '../engine/engine.js';")).toEqual(['src/engine/engine.ts']);
    expect(upwardImports('src/engine/machine.ts', "import type { Database } from '../db/types.js';")).toEqual(['src/db/types.ts']);
    expect(upwardImports('src/engine/types.ts', "import type { Logger } from '../log.js';")).toEqual(['src/log.ts']);
    expect(upwardImports('src/flows/x.ts', "import { commandPromptRef } from '../engine/engine.js';")).toEqual(['src/engine/engine.ts']);
    expect(upwardImports('src/config.ts', "import { checkCron } from './scheduler/cron.js';")).toEqual(['src/scheduler/cron.ts']);
    expect(upwardImports('adapters/slack/x.ts', "import { memberHome } from '../../src/home/member-home.js';")).toEqual(['src/home/member-home.ts']);
    expect(upwardImports('adapters/slack/x.ts', "import { type App } from '../../src/app.js';")).toEqual([]);
    expect(sqlOutsideDb('src/flows/x.ts', "await trx.insertInto('debriefs').values(v).execute();")).toBe(true);
    expect(sqlOutsideDb('src/commands/x.ts', 'await sql`delete from members where id = ${id}`.execute(trx);')).toBe(true);
    expect(sqlOutsideDb('src/commands/x.ts', "const q = 'select * from members where id = $1';")).toBe(true);
    expect(sqlOutsideDb('src/db/x.ts', "await trx.insertInto('debriefs').values(v).execute();")).toBe(false);
    expect(sqlOutsideDb('src/flows/x.ts', "text: 'Which stage was it? Pick from the list.'")).toBe(false);
    expect(idPrefixOutsideIds('adapters/slack/render.ts', "choices.filter((c) => c.id.startsWith('cmd:'))")).toBe(true);
    expect(idPrefixOutsideIds('src/x.ts', "{ id: 'start:debrief', label: 'Go' }")).toBe(true);
    expect(idPrefixOutsideIds('src/engine/ids.ts', "{ id: 'start:debrief', label: 'Go' }")).toBe(false);
  });
});
