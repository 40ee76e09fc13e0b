import { FakeDiscord, snowflake, type FakeUser, type InteractionRecord } from '../test/helpers/fake-discord.js';
import { startBotProcess } from './bot-process.js';
import { e2eBench, finishRun, peopleFor, walkDebriefs, type E2eOptions, type E2eRun, type Walk } from './e2e-lib.js';
import { benchPostgres } from './lib.js';

/**
 * Benchmark 2b: Discord end to end. The bot runs as its own process (the compiled build) on a
 * Postgres database of its own, connected to the loopback fake gateway and REST API. Each person runs
 * `/debrief` (an interaction) and then answers in the DM (MESSAGE_CREATE), at a steady rate of turns.
 * Measured as for Slack: bot CPU per turn, how fast the interaction is answered, peak RSS, and that
 * every turn was stored once and every reply posted once.
 */

const APPLICATION_ID = '1100000000000000001';

export async function runDiscordE2e(opts: E2eOptions): Promise<E2eRun> {
  const token = `MTEw.bench.${Math.random().toString(36).slice(2)}`;
  const fake = await FakeDiscord.start({ token, applicationId: APPLICATION_ID });
  const database = await benchPostgres(2);
  const bot = await startBotProcess(
    { ...opts.env, DATABASE_URL: database.url, DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: fake.apiUrl },
    { ...(opts.dir ? { dir: opts.dir } : {}), ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}) },
  );
  try {
    // The health server answers before the gateway is up; the bot is ready once it has identified.
    for (let i = 0; !fake.connected; i++) {
      if (i > 300) throw new Error('the bot never connected to the gateway');
      await new Promise((r) => setTimeout(r, 100));
    }
    const people = peopleFor(opts.rate, opts.seconds);
    const warm = opts.warmSeconds > 0 ? peopleFor(opts.rate, opts.warmSeconds) : 0;
    const users: FakeUser[] = Array.from({ length: warm + people }, (_, i) => fake.user({ id: snowflake(), username: `bench${i}` }));
    const commands = new Map<string, InteractionRecord>();
    const acks: number[] = [];
    let seen = 0;
    const walk: Walk = {
      send(p, input) {
        if (input.kind === 'command') {
          const record = fake.slashCommand(users[p]!);
          commands.set(record.id, record);
          return record.id;
        }
        return String(fake.sendDm(users[p]!, input.kind === 'text' ? input.text : '').id);
      },
      measure() {
        acks.length = 0;
      },
      poll(answered) {
        // A command is answered by its interaction response (at once, or deferred and then edited).
        for (const [id, r] of commands) {
          const first = r.callbacks[0];
          if (!first || (first.type === 5 && !r.original?.edited_timestamp)) continue;
          acks.push(first.at - r.createdAt);
          answered.add(id);
          commands.delete(id);
        }
        // A DM turn's replies carry the nonce `<message id>:<part>` (adapters/discord/send.ts).
        for (; seen < fake.calls.length; seen++) {
          const c = fake.calls[seen]!;
          const nonce = c.method === 'POST' && c.status === 200 ? (c.body as { nonce?: unknown } | undefined)?.nonce : undefined;
          if (typeof nonce === 'string') answered.add(nonce.split(':')[0]!);
        }
      },
    };
    const run = await walkDebriefs(bot, people, opts.rate, walk, warm);
    return await finishRun(bot, database, run, {
      label: opts.label,
      people: warm + people,
      acks,
      errors: () => fake.calls.filter((c) => c.status >= 400).length,
      calls: () => fake.calls.length,
      // Each command's first reply is its interaction response; every other reply is a DM message.
      posted: () =>
        fake.calls.filter((c) => c.method === 'POST' && /^\/channels\/\d+\/messages$/.test(c.path) && c.status === 200 && !c.deduped).length +
        [...fake.interactions.values()].filter((r) => r.callbacks.some((c) => c.type === 4 || c.type === 5)).length,
    });
  } finally {
    await bot.stop();
    await database.close();
    await fake.close();
  }
}

/** 30 turns a second by default: a turn makes about 1.4 REST calls, and Discord allows a bot 50 a
 *  second in all (@discordjs/rest queues the rest), so 100 turns a second would measure that queue. */
export const discordE2eBench = () => e2eBench('discord', 30, runDiscordE2e, "2b. Discord end to end over the gateway: the bot's own process, /debrief then DMs", 'interaction answered');
