import { createServer } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { FakeDiscord, type FakeUser as DiscordUser } from '../helpers/fake-discord.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';
import { startFakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { botStore, spawnBot, type Bot } from '../helpers/spawn-bot.js';
import { SlackDriver } from '../helpers/slack-requests.js';
import { until } from '../helpers/chaos-script.js';
import { buttonId } from '../helpers/discord-harness.js';

/**
 * The bot is killed (SIGKILL) after a turn has committed and while its reply is on its way: the fake
 * platform holds the post open, so it never lands. After a restart the reply must be posted exactly
 * once, and the person's next message must be stored as the answer to the question it shows.
 */

const SECRET = 'chaos-signing-secret-0123456789abcdef';
const BOT_TOKEN = 'xoxb-1111-2222-chaos';
const TEAM = 'T0CHAOS001';
const APPLICATION_ID = '1100000000000000001';
/** Short, so the test does not wait a minute for a lost reply to count as lost. */
const LOST_AFTER = '2';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

function launch(env: Record<string, string>): Bot {
  const bot = spawnBot({ LOG_LEVEL: 'info', REPLY_LOST_AFTER_SECONDS: LOST_AFTER, ...env });
  bot.proc.stdin.on('error', () => {});
  cleanups.push(async () => {
    if (bot.proc.exitCode === null && bot.proc.signalCode === null) bot.proc.kill('SIGKILL');
    await bot.exited;
  });
  return bot;
}

async function kill(bot: Bot): Promise<void> {
  bot.proc.kill('SIGKILL');
  expect((await bot.exited).signal).toBe('SIGKILL');
}

async function stop(bot: Bot): Promise<void> {
  bot.proc.kill('SIGTERM');
  await bot.exited;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** What the database holds for the person once no bot runs: their answers and where they stand. */
async function stored(store: Awaited<ReturnType<typeof botStore>>) {
  const handle = await store.open();
  try {
    const answers = await handle.db.selectFrom('answers').select(['step', 'value']).orderBy('id').execute();
    const open = await handle.db.selectFrom('conversations').select(['step']).where('status', '=', 'active').execute();
    return { answers, step: open[0]?.step };
  } finally {
    await handle.close();
  }
}

/**
 * The second half of every case: a new bot comes up, posts the held reply once, and the person's next
 * message is stored as the answer to the question that reply asked.
 */
async function recovers(opts: { env: Record<string, string>; ready: RegExp; count: (re: RegExp) => number; say: (text: string) => unknown; store: Awaited<ReturnType<typeof botStore>> }) {
  const { count, store } = opts;
  expect(count(/role at Acme/)).toBe(0);
  const second = launch(opts.env);
  await second.waitFor(opts.ready, { ms: 300_000 });
  await until('the lost reply to be posted', () => count(/role at Acme/) === 1, 120_000);
  await opts.say('Platform engineer');
  await until('the next question', () => count(/Which stage/) === 1, 30_000);
  // A few more sweeps: nothing is posted twice.
  await new Promise((r) => setTimeout(r, 3_000));
  expect(count(/role at Acme/)).toBe(1);
  await stop(second);

  const { answers, step } = await stored(store);
  expect(answers).toEqual([
    { step: 'company', value: 'Acme' },
    { step: 'role', value: 'Platform engineer' },
  ]);
  expect(step).toBe('stage');
}

it('Slack over HTTP: a reply held when the bot died is posted once after restart, and the next answer lands on it', async () => {
  const store = await botStore();
  cleanups.push(() => store.dispose());
  const fake: FakeSlack = await startFakeSlack({ teamId: TEAM });
  cleanups.push(() => fake.close());
  const port = await freePort();
  const env = { ...store.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(port) };
  const driver = new SlackDriver({ eventsUrl: `http://127.0.0.1:${port}/slack/events`, secret: SECRET, fake, teamId: TEAM });
  const user = 'U0CHAOS0001';
  const dm = fake.dmOf(user);
  const texts = () => fake.messages(dm).map((m) => m.text);
  const count = (re: RegExp) => texts().filter((t) => re.test(t)).length;

  const first = launch(env);
  await first.waitFor(/slack adapter started/, { ms: 300_000 });
  await driver.command(user, '', dm);
  await until('the first question', () => count(/Which company/) === 1, 60_000);

  const release = fake.failWhere('chat.postMessage', (p) => /role at Acme/.test(String(p.text ?? '')), { kind: 'hold' });
  await driver.dm(user, 'Acme');
  await until('the reply to be held', () => fake.calls.some((c) => c.method === 'chat.postMessage' && c.status === 0 && /role at Acme/.test(String(c.params.text))));
  await kill(first);
  release();
  await recovers({ env, ready: /slack adapter started/, count, say: (t) => driver.dm(user, t), store });
});

it('Slack over Socket Mode: a reply held when the bot died is posted once after restart, and the next answer lands on it', async () => {
  const store = await botStore();
  cleanups.push(() => store.dispose());
  const sock = await startFakeSlackSocket();
  cleanups.push(() => sock.close());
  const fake: FakeSlack = await startFakeSlack({ teamId: TEAM, socketUrl: () => sock.nextUrl() });
  cleanups.push(() => fake.close());
  const env = { ...store.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0DEBRIEF01-1111-chaos', SLACK_API_URL: fake.apiUrl };
  // Builds payloads in Slack's shapes only; in Socket Mode they travel as envelopes, not POSTs.
  const driver = new SlackDriver({ eventsUrl: 'http://127.0.0.1:9/unused', secret: 'unused', fake, teamId: TEAM });
  const user = 'U0CHAOS0002';
  const dm = fake.dmOf(user);
  const count = (re: RegExp) => fake.messages(dm).filter((m) => re.test(m.text)).length;
  const say = (text: string) => sock.deliver('events_api', JSON.parse(driver.eventBody(user, text).raw));

  const first = launch(env);
  await first.waitFor(/slack adapter started/, { ms: 300_000 });
  await sock.waitForConnections(1, 60_000);
  await sock.deliver('slash_commands', Object.fromEntries(new URLSearchParams(driver.commandBody(user, '', dm).raw)));
  await until('the first question', () => count(/Which company/) === 1, 60_000);

  const release = fake.failWhere('chat.postMessage', (p) => /role at Acme/.test(String(p.text ?? '')), { kind: 'hold' });
  await say('Acme');
  await until('the reply to be held', () => fake.calls.some((c) => c.method === 'chat.postMessage' && c.status === 0 && /role at Acme/.test(String(c.params.text))));
  await kill(first);
  release();
  await recovers({ env, ready: /slack adapter started/, count, say, store });
});

it('Discord: a reply held when the bot died is posted once after restart, and the next answer lands on it', async () => {
  const store = await botStore();
  cleanups.push(() => store.dispose());
  const token = `MTEw.chaos.${Math.random().toString(36).slice(2)}`;
  const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID });
  cleanups.push(() => fake.close());
  const env = { ...store.env, DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: fake.apiUrl };
  const person: DiscordUser = { id: '300000000000000042', username: 'ana' };
  const count = (re: RegExp) => fake.botMessages(person.id).filter((m: { content?: string }) => re.test(m.content ?? '')).length;

  const first = launch(env);
  await first.waitFor(/discord connected/, { ms: 300_000 });
  fake.sendDm(person, 'hello');
  await until('the greeting', () => count(/Hi, I'm Debrief/) === 1, 60_000);
  const greeting = fake.botMessages(person.id).find((m: { content?: string }) => /Hi, I'm Debrief/.test(m.content ?? ''));
  fake.click(person, greeting, buttonId(greeting, 'Debrief an interview'));
  await until('the first question', () => count(/Which company/) === 1, 60_000);

  fake.failNext('POST', /^\/channels\/\d+\/messages$/, { hold: true });
  fake.sendDm(person, 'Acme');
  await until('the reply to be held', () => fake.calls.some((c) => c.method === 'POST' && c.status === 0 && /role at Acme/.test(String(c.body?.content ?? ''))));
  await kill(first);
  await recovers({ env, ready: /discord connected/, count, say: (t) => fake.sendDm(person, t), store });
});
