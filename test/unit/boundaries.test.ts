import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

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
  for (const file of files('adapters')) {
    const own = relative('adapters', file).split('/')[0];
    if (!own || own.endsWith('.ts')) continue;
    for (const other of ['slack', 'discord', 'console'].filter((p) => p !== own))
      expect(importsOf(file).filter((i) => i.includes(`/${other}/`)), file).toEqual([]);
  }
});
