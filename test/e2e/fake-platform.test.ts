import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platforms, selectAdapters } from '../../adapters/index.js';
import type { RunningAdapter } from '../../adapters/types.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { fakeChat } from '../fixtures/fake-platform/config.js';
import { startFakeChat } from '../helpers/fake-chat.js';
import { freshDatabase, silentLogger, type TestDatabase } from '../helpers/fresh-db.js';
import { waitFor } from '../helpers/slack-requests.js';

/**
 * Adding a platform is its folder and one line in the list of platforms. Fakechat
 * (test/fixtures/fake-platform/) is added here with that one line and nothing else, and runs a
 * debrief on the real app and database the way src/main.ts starts any platform.
 */
const list = [...platforms, fakeChat];

const root = resolve(import.meta.dirname, '../..');
const folder = 'test/fixtures/fake-platform';
const files = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|sql|ya?ml|json)$/.test(e.name) ? [join(dir, e.name)] : [],
  );

describe('a platform added as its folder and one line', () => {
  it('needs nothing outside its folder: no other file names it, and it imports only what every adapter may', () => {
    const naming = ['src', 'adapters', 'migrations'].flatMap(files).filter((f) => /fakechat/i.test(readFileSync(join(root, f), 'utf8')));
    expect(naming).toEqual([]);
    // The app's public interface and the adapters' shared modules (turn runner, rendering, types).
    const allowed = (i: string) =>
      i.startsWith(`${folder}/`) || ['src/app.ts', 'src/config.ts', 'src/log.ts', 'src/startup-error.ts'].includes(i) || /^adapters\/[^/]+\.ts$/.test(i);
    const imports = files(folder).flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) =>
        relative(root, normalize(join(root, dirname(f), m[1]!))).replace(/\.js$/, '.ts'),
      ),
    );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !allowed(i))).toEqual([]);
  });

  it('validates its variables with the rest, in one line, and runs alone when they are set', () => {
    expect(() => loadConfig({ FAKECHAT_URL: 'not-a-url', DB_POOL_SIZE: 'lots' }, list)).toThrow(
      /^Invalid configuration: DB_POOL_SIZE must be a whole number of connections; FAKECHAT_URL must be an http\(s\) URL$/,
    );
    expect(selectAdapters(loadConfig({}, list), list).map((a) => a.name)).toEqual(['console']);
    expect(selectAdapters(loadConfig({ FAKECHAT_URL: 'http://127.0.0.1:9' }, list), list).map((a) => a.name)).toEqual(['fakechat']);
  });
});

describe('a debrief on the added platform, end to end', () => {
  let fake: Awaited<ReturnType<typeof startFakeChat>>;
  let database: TestDatabase;
  let app: App;
  let running: RunningAdapter;
  const USER = 'U-ANA';

  beforeAll(async () => {
    fake = await startFakeChat();
    database = await freshDatabase();
    // As src/main.ts does: the configuration from the list, the adapters it selects, the app, start.
    const config = loadConfig({ FAKECHAT_URL: fake.url }, list);
    const [adapter, ...others] = selectAdapters(config, list);
    expect(others).toEqual([]);
    app = await createApp(config, silentLogger, { database });
    running = await adapter!.start(app, []);
    await waitFor('the bot to connect', () => fake.connected() === 1 || undefined);
  });
  afterAll(async () => {
    await running?.stop();
    await app?.close();
    await fake?.close();
  });

  const said = (fragment: string) => fake.messages.filter((m) => m.to === USER && m.text.includes(fragment));
  const next = (fragment: string) => waitFor(`a message with "${fragment}"`, () => said(fragment)[0]);
  const answers = () =>
    database.db
      .selectFrom('answers')
      .innerJoin('conversations', 'conversations.id', 'answers.conversation_id')
      .innerJoin('members', 'members.id', 'conversations.member_id')
      .where('members.platform', '=', 'fakechat')
      .where('members.user_id', '=', USER)
      .select(['answers.step', 'answers.inbound_id'])
      .orderBy('answers.step')
      .execute();

  it('takes a person’s text, stores the answer once, posts the next question through its send, and ignores a redelivery', async () => {
    expect(app.replies.tracked('fakechat')).toBe(true);
    fake.push({ id: 'ev-1', user: USER, command: '' });
    await next('Which company');

    fake.push({ id: 'ev-2', user: USER, text: 'Acme, product designer' });
    const stage = await next('Which stage');
    expect(stage.buttons.map((b) => b.label)).toContain('Panel or onsite');
    const afterText = await answers();
    expect(afterText.length).toBeGreaterThan(0);
    expect(afterText.every((a) => a.inbound_id === 'ev-2')).toBe(true);

    // The platform delivers the same event again, then the person clicks a button of the question shown.
    fake.push({ id: 'ev-2', user: USER, text: 'Acme, product designer' });
    fake.push({ id: 'ev-3', user: USER, click: stage.buttons.find((b) => b.label === 'Panel or onsite')!.value });
    await next('When was it?');

    expect(said('Which stage')).toHaveLength(1);
    const stored = await answers();
    expect(stored.filter((a) => a.inbound_id === 'ev-2')).toEqual(afterText);
    expect(stored.filter((a) => a.inbound_id === 'ev-3').map((a) => a.step)).toEqual(['stage']);
  });
});
