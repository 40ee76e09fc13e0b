import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The engine is read in one sitting: no function in src/engine runs over 60 lines. Functions are
 * found by the TypeScript parser (declarations, methods, arrows, function expressions), so a nested
 * helper counts on its own and also inside the function that holds it.
 */

const LIMIT = 60;
const root = join(import.meta.dirname, '../..');

function longFunctions(file: string, text: string, limit = LIMIT): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : `(anonymous at line ${start + 1})`;
      if (lines > limit) found.push(`${file} ${name}: ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('engine size', () => {
  it(`no function in src/engine is over ${LIMIT} lines`, () => {
    const dir = join(root, 'src/engine');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(3);
    expect(files.flatMap((f) => longFunctions(`src/engine/${f}`, readFileSync(join(dir, f), 'utf8')))).toEqual([]);
  });

  it('counts a long function, nested or not', () => {
    const body = Array.from({ length: 70 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    expect(longFunctions('x.ts', `export function big() {\n${body}\n}`)).toEqual(['x.ts big: 72 lines']);
    expect(longFunctions('x.ts', `const f = () => {\n${body}\n};`)).toEqual(['x.ts (anonymous at line 1): 72 lines']);
    expect(longFunctions('x.ts', `function small() {\n  return 1;\n}`)).toEqual([]);
  });
});
