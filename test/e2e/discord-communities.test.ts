import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDue, type DueOptions } from '../../src/scheduler/due-runs.js';
import { communityDigest } from '../../src/scheduler/kinds/community-digest.js';
import { communityPrompts } from '../../src/scheduler/kinds/community-prompts.js';
import { drainAll } from '../../src/scheduler/worker.js';
import { insertDebriefs, type SeedDebrief } from '../fixtures/insights/seed.js';
import { PERMISSIONS, type FakeUser } from '../helpers/fake-discord.js';
import { silentLogger } from '../helpers/fresh-db.js';
import { GUILD_ID, buttonId, nextBotMessage, startHarness, type Harness } from '../helpers/discord-harness.js';

/**
 * Two Discord servers use one Debrief. Discord users are global, so a member row says nothing about
 * a server; the servers a member came from (a `/debrief` typed there, a click on its channel post) are
 * what place them. Each server gets its own digest and its own `admin status` figures.
 */

const NORTH = GUILD_ID;
const SOUTH = '1200000000000000077';
const user = (n: number, name: string): FakeUser => ({ id: `50000000000000${String(n).padStart(4, '0')}`, username: name });
const [ADA, SAM] = [user(101, 'ada'), user(102, 'sam')];
const [ANA, BEN, CY] = [user(1, 'ana'), user(2, 'ben'), user(3, 'cy')];
const [DEE, EVE] = [user(4, 'dee'), user(5, 'eve')];
const FAY = user(6, 'fay');

let h: Harness;
const channels: Record<string, { jobs: string; lobby: string }> = {};

beforeAll(async () => {
  h = await startHarness();
  for (const g of [NORTH, SOUTH]) channels[g] = { jobs: h.fake.textChannel(g, 'jobs'), lobby: h.fake.textChannel(g, 'lobby') };
});
afterAll(async () => {
  await h?.stop();
});

const db = () => h.app.database.db;
const monthlyDigest = communityDigest({ digestCron: '0 9 1 * *', digestMinMembers: 2 });

/** `/debrief action:<text>` typed in a server's lobby; resolves with the bot's DM that answers it. */
async function inServer(guildId: string, who: FakeUser, action: string, reply: RegExp, permissions = PERMISSIONS.member) {
  const before = h.fake.botMessages(who.id).length;
  h.fake.slashCommand(who, { guildId, channelId: channels[guildId]!.lobby, permissions, ...(action ? { action } : {}) });
  return nextBotMessage(h.fake, who, before, reply);
}

const memberId = async (who: FakeUser) =>
  (await db().selectFrom('members').select('id').where('platform', '=', 'discord').where('user_id', '=', who.id).executeTakeFirstOrThrow()).id;

const november = (company: string): SeedDebrief => ({
  company,
  stage: 'panel',
  outcome: 'rejected',
  date: '2026-11-09',
  createdAt: '2026-11-10T12:00:00Z',
  mood: 3,
  strengths: ['preparation'],
  growth: ['concise'],
  feedback: 'asked',
  step: 'open',
});

describe('Discord: each server is a community of its own', () => {
  it('members are placed by the server they came from; DMs count there; each server gets its own digest and status', async () => {
    for (const [g, admin] of [[NORTH, ADA], [SOUTH, SAM]] as const)
      await inServer(g, admin, `admin schedule <#${channels[g]!.jobs}> "0 9 * * 1" UTC`, /Done\. The weekly reflection/, PERMISSIONS.manageGuild);

    // North: Ana and Ben type `/debrief` there; Cy clicks North's weekly post.
    await inServer(NORTH, ANA, '', /Which company/);
    await inServer(NORTH, BEN, 'history', /./);
    const [north] = await db().selectFrom('schedules').selectAll().where('workspace_id', '=', NORTH).execute();
    const at = new Date(north!.next_run_at.getTime() + 5_000);
    await runDue(db(), communityPrompts, { now: at, instanceId: 'r1', graceMs: h.app.config.scheduler.graceMs });
    await drainAll({ db: db(), deliverers: new Map([['discord', h.adapter.deliverer!]]), workerId: 'r1', now: () => at, logger: silentLogger });
    const [post] = h.fake.channelMessages(channels[NORTH]!.jobs);
    h.fake.click(CY, post!, buttonId(post!, 'Debrief an interview'));
    await nextBotMessage(h.fake, CY, 0, /Which company/);

    // South: Dee and Eve. Fay only ever DMs the bot: she came from no server.
    await inServer(SOUTH, DEE, 'checkins on Europe/Madrid', /Check-ins are on/);
    await inServer(SOUTH, EVE, '', /Which company/);
    h.fake.sendDm(FAY, 'hello');
    await nextBotMessage(h.fake, FAY, 0, /./);

    // Ana turns check-ins on in a DM, not in the server: she still counts for North.
    const before = h.fake.botMessages(ANA.id).length;
    h.fake.slashCommand(ANA, { action: 'checkins on Europe/London' });
    await nextBotMessage(h.fake, ANA, before, /Check-ins are on/);

    for (const who of [ANA, BEN, CY, DEE, EVE, FAY]) await insertDebriefs(db(), await memberId(who), [november(`Co-${who.username}`)]);

    const opts = (now: Date): DueOptions => ({ now, instanceId: 'r1', graceMs: h.app.config.scheduler.graceMs });
    await runDue(db(), monthlyDigest, opts(new Date('2026-11-15T00:00:00Z')));
    expect(await runDue(db(), monthlyDigest, opts(new Date('2026-12-01T09:00:00Z')))).toEqual({ queued: 2, skipped: 0 });
    const december = new Date('2026-12-01T09:00:05Z');
    await drainAll({ db: db(), deliverers: new Map([['discord', h.adapter.deliverer!]]), workerId: 'r1', now: () => december, logger: silentLogger });

    const digest = (g: string) => h.fake.channelMessages(channels[g]!.jobs).find((m) => /November in this community/.test(m.content))?.content;
    expect(digest(NORTH)).toContain('3 members looked back on 3 interviews');
    expect(digest(SOUTH)).toContain('2 members looked back on 2 interviews');

    const status = async (g: string, admin: FakeUser) => (await inServer(g, admin, 'admin status', /Community prompts/, PERMISSIONS.manageGuild)).content;
    expect(await status(NORTH, ADA)).toMatch(/1 member\(s\) opted in/);
    expect(await status(SOUTH, SAM)).toMatch(/1 member\(s\) opted in/);
  }, 60_000);

  it('a server below the minimum gets no digest, while the other still does', async () => {
    await db().deleteFrom('member_communities').where('community_id', '=', SOUTH).where('member_id', '=', await memberId(EVE)).execute();
    const now = new Date('2027-01-01T09:00:00Z');
    for (const who of [ANA, BEN, DEE]) await insertDebriefs(db(), await memberId(who), [{ ...november(`Dec-${who.username}`), createdAt: '2026-12-10T12:00:00Z' }]);
    const counts = await runDue(db(), monthlyDigest, { now, instanceId: 'r1', graceMs: h.app.config.scheduler.graceMs });
    expect(counts).toEqual({ queued: 1, skipped: 1 });
    const runs = await db().selectFrom('digest_runs as r').innerJoin('schedules as s', 's.id', 'r.schedule_id').select(['s.workspace_id', 'r.status', 'r.members']).where('r.slot', '=', now).execute();
    expect(runs.sort((a, b) => a.workspace_id.localeCompare(b.workspace_id))).toEqual([
      { workspace_id: NORTH, status: 'queued', members: 2 },
      { workspace_id: SOUTH, status: 'too_small', members: 1 },
    ]);
  });
});
