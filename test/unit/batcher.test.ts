import { expect, it } from 'vitest';
import { batcher, ItemFailed } from '../../src/db/batcher.js';

/** A fake database: each batch waits until the test lets it finish, and is recorded. */
function recorder() {
  const batches: string[][] = [];
  const open: (() => void)[] = [];
  const run = async (items: string[]) => {
    batches.push(items);
    await new Promise<void>((r) => open.push(r));
    return items.map((i) => (i.startsWith('bad') ? new ItemFailed(new Error(i)) : `done ${i}`));
  };
  const finishOne = async () => {
    open.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, finishOne };
}

it('sends a request at once when the database is free, and those that came meanwhile together', async () => {
  const db = recorder();
  const b = batcher({ run: db.run, maxInFlight: 1, maxSize: 10 });
  const results = ['a', 'b', 'c', 'd'].map((x) => b.submit(x));
  expect(db.batches).toEqual([['a']]);
  await db.finishOne();
  expect(db.batches).toEqual([['a'], ['b', 'c', 'd']]);
  await db.finishOne();
  expect(await Promise.all(results)).toEqual(['done a', 'done b', 'done c', 'done d']);
});

it('keeps two requests of one key apart, and no batch above its size', async () => {
  const db = recorder();
  const b = batcher({ run: db.run, maxInFlight: 1, maxSize: 2, key: (x: string) => x[0]! });
  const results = ['x1', 'a1', 'a2', 'b1', 'c1'].map((x) => b.submit(x));
  await db.finishOne();
  expect(db.batches[1]).toEqual(['a1', 'b1']);
  await db.finishOne();
  expect(db.batches[2]).toEqual(['a2', 'c1']);
  await db.finishOne();
  expect(await Promise.all(results)).toHaveLength(5);
});

it('fails only the item that failed, and every item of a batch that threw', async () => {
  const db = recorder();
  const b = batcher({ run: db.run, maxInFlight: 2, maxSize: 10 });
  const first = b.submit('ok');
  const second = expect(b.submit('bad one')).rejects.toThrow('bad one');
  await db.finishOne();
  await db.finishOne();
  expect(await first).toBe('done ok');
  await second;

  const broken = batcher<string, string>({ run: () => Promise.reject(new Error('connection lost')), maxInFlight: 1, maxSize: 10 });
  const all = ['p', 'q'].map((x) => broken.submit(x));
  for (const p of all) await expect(p).rejects.toThrow('connection lost');
});
