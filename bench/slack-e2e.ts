import type { TurnInput } from '../src/engine/types.js';
import { startFakeSlack, type FakeSlack } from '../test/helpers/fake-slack.js';
import { signature } from '../test/helpers/slack-requests.js';
import { freePort, startBotProcess } from './bot-process.js';
import { e2eBench, finishRun, peopleFor, walkDebriefs, type E2eOptions, type E2eRun, type Walk } from './e2e-lib.js';
import { benchPostgres } from './lib.js';

/**
 * Benchmark 2: Slack end to end. The bot runs as its own process (the compiled build) in HTTP mode,
 * on a Postgres database of its own, against the loopback fake Web API. Signed requests come in at a
 * steady rate, each person walking a whole debrief: `/debrief`, then each answer as a DM (a
 * `message.im` event). Measured: the bot's CPU per turn (/proc/<pid>/stat), how fast each request is
 * acked, the bot's peak RSS, and that every turn was stored once and every reply posted once.
 */

export const SECRET = 'bench-signing-secret';
export const TEAM = 'TBENCH0001';

/** One bot process under one load; `dir` runs another checkout's build (an A/B against a baseline). */
export async function runSlackE2e(opts: E2eOptions): Promise<E2eRun> {
  const fake = await startFakeSlack({ teamId: TEAM });
  const database = await benchPostgres(2);
  const port = await freePort();
  const bot = await startBotProcess(
    { ...opts.env, DATABASE_URL: database.url, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, PORT: String(port) },
    { ...(opts.dir ? { dir: opts.dir } : {}), ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}) },
  );
  const url = `http://127.0.0.1:${port}/slack/events`;
  try {
    await untilListening(url);
    const people = peopleFor(opts.rate, opts.seconds);
    const warm = opts.warmSeconds > 0 ? peopleFor(opts.rate, opts.warmSeconds) : 0;
    const driver = slackDriver(fake, url);
    const run = await walkDebriefs(bot, people, opts.rate, driver.walk, warm);
    await driver.drain();
    return await finishRun(bot, database, run, {
      label: opts.label,
      people: warm + people,
      acks: driver.acks,
      errors: driver.errors,
      calls: () => fake.calls.length,
      posted: () => fake.calls.filter((c) => c.ok && (c.method === 'chat.postMessage' || c.method === 'files.completeUploadExternal')).length,
    });
  } finally {
    await bot.stop();
    await database.close();
    await fake.close();
  }
}

/** The health server answers before the Slack receiver listens; an unsigned POST gets 401 from it. */
export async function untilListening(url: string): Promise<void> {
  for (let i = 0; ; i++) {
    const res = await fetch(url, { method: 'POST', body: '' }).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      return;
    }
    if (i > 3000) throw new Error('the Slack receiver never listened');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Signed requests to the bot at `url`, as Slack sends them (person p is `UB0000000p`), and the turns the
 * fake saw answered: each reply carries its turn's event id in its metadata (adapters/slack/send.ts).
 */
export function slackDriver(fake: FakeSlack, url: string) {
  const acks: number[] = [];
  const inflight = new Set<Promise<void>>();
  let errors = 0;
  let seen = 0;
  const user = (p: number) => `UB${String(p).padStart(8, '0')}`;
  const walk: Walk = {
    send(p, input, n) {
      const { raw, type, eventId } = input.kind === 'command' ? commandBody(fake, user(p), n) : eventBody(fake, user(p), input, n);
      const t = performance.now();
      const req = fetch(url, { method: 'POST', headers: { 'content-type': type, ...signature(SECRET, raw) }, body: raw }).then(
        async (res) => {
          await res.arrayBuffer();
          acks.push(performance.now() - t);
          if (res.status !== 200) errors++;
        },
        () => void errors++,
      );
      inflight.add(req);
      void req.finally(() => inflight.delete(req));
      return eventId;
    },
    measure() {
      acks.length = 0;
    },
    poll(answered) {
      for (; seen < fake.calls.length; seen++) {
        const c = fake.calls[seen]!;
        const key = (c.params.metadata as { event_payload?: { key?: unknown } } | undefined)?.event_payload?.key;
        if (c.ok && c.method === 'chat.postMessage' && typeof key === 'string') answered.add(key);
      }
    },
  };
  return { walk, acks, errors: () => errors, drain: () => Promise.all(inflight) };
}

function commandBody(fake: FakeSlack, user: string, n: number) {
  const form = {
    token: 'bench',
    team_id: TEAM,
    team_domain: 'bench',
    channel_id: 'C0BENCH001',
    channel_name: 'interview-prep',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/debrief',
    text: '',
    api_app_id: 'A0BENCH01',
    is_enterprise_install: 'false',
    response_url: fake.responseUrl(`bench-${n}`),
    trigger_id: `${Date.now()}.${n}.bench`,
  };
  return { raw: new URLSearchParams(form).toString(), type: 'application/x-www-form-urlencoded', eventId: `command:${form.trigger_id}` };
}

/** A `message.im` Events API envelope, as Slack sends a person's DM to the bot. */
function eventBody(fake: FakeSlack, user: string, input: TurnInput, n: number) {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(n).padStart(6, '0')}`;
  const envelope = {
    token: 'bench',
    team_id: TEAM,
    api_app_id: 'A0BENCH01',
    type: 'event_callback',
    event_id: `EvB${String(n).padStart(9, '0')}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: 'UBOT0000001', is_bot: true }],
    event: {
      type: 'message',
      channel_type: 'im',
      channel: fake.dmOf(user),
      user,
      text: input.kind === 'text' ? input.text : '',
      ts,
      event_ts: ts,
      team: TEAM,
      client_msg_id: `bench-${n}`,
    },
  };
  return { raw: JSON.stringify(envelope), type: 'application/json', eventId: envelope.event_id };
}

export const slackE2eBench = () => e2eBench('slack', 100, runSlackE2e, "2. Slack end to end over HTTP: the bot's own process, signed requests", 'ack');
