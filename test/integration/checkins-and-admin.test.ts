import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDue } from '../../src/scheduler/due-runs.js';
import { checkinInvites } from '../../src/scheduler/kinds/checkin-invites.js';
import { communityPrompts } from '../../src/scheduler/kinds/community-prompts.js';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let n = 0;
const person = () => h.as(`CK${++n}`);

async function debrief(p: Person, company: string, nextStep: string) {
  await p.start();
  for (const t of [`${company}, Engineer`, '2', 'yesterday', '1', '3', 'skip', 'skip', "I haven't asked", 'skip', 'skip', nextStep, 'skip'])
    await p.text(t);
  expect(p.read()).toMatch(new RegExp(`Your debrief: ${company}`));
}

/** The outbox messages queued for this person. */
async function queuedFor(p: Person) {
  const { member } = await memberRows(h, p);
  return h.db.selectFrom('outbox').selectAll().where('member_id', '=', member.id).orderBy('not_before').execute();
}

describe('personal check-ins', () => {
  it('opt in after a debrief, follow up each next step, and the next check-in reflects it', async () => {
    h.setNow(new Date('2026-11-27T12:00:00Z'));
    const p = person();
    await debrief(p, 'Acme', 'Practise salary answers');
    h.advance(60_000);
    await debrief(p, 'Globex', 'Ask Sam for feedback');
    expect(p.read()).toMatch(/Would a weekly check-in help/);

    // The offer's button goes to the check-ins command, which asks for a time zone once.
    await p.click('checkins:on');
    expect(p.read()).toMatch(/Which time zone are you in/);
    await p.click('checkins:zone:Europe/London');
    expect(p.read()).toMatch(/Check-ins are on\. I'll message you weekly, next on Monday,? 10:00 \(Europe\/London\)/);

    // Monday 10:00 London: one invitation is queued, whichever replica ticks.
    const monday = new Date('2026-11-30T10:00:00Z');
    const tick = (now: Date, id: string) =>
      runDue(h.db, checkinInvites({ checkinCron: '0 10 * * 1' }), { now, instanceId: id, graceMs: 3 * 3600_000 });
    await tick(new Date('2026-11-30T09:59:00Z'), 'a');
    expect(await queuedFor(p)).toHaveLength(0);
    await Promise.all([tick(monday, 'a'), tick(monday, 'b'), tick(monday, 'c')]);
    const [invite] = await queuedFor(p);
    expect(invite).toMatchObject({ target_kind: 'dm', target_id: p.actor.userId, status: 'pending' });
    expect(invite!.payload.replies[0]!.choices?.map((c) => c.id)).toEqual(['start:checkin', 'start:debrief']);

    // The member clicks "Check in" on that message.
    h.advance(4 * 24 * 3600_000);
    await p.send({ kind: 'choice', promptRef: 'none', choiceIds: ['start:checkin'] });
    expect(p.read()).toMatch(/Any interviews this week/);
    await p.click('no');
    expect(p.read()).toMatch(/\*Practise salary answers\*: how is it going/);
    await p.click('done');
    expect(p.read()).toMatch(/\*Ask Sam for feedback\*: how is it going/);
    await p.click('open');
    expect(p.read()).toMatch(/Your next steps: 1 done, 1 still on/);

    const items = await h.db.selectFrom('action_items').select(['text', 'status']).where('member_id', '=', (await memberRows(h, p)).member.id).orderBy('created_at').execute();
    expect(items).toEqual([
      { text: 'Practise salary answers', status: 'done' },
      { text: 'Ask Sam for feedback', status: 'open' },
    ]);

    // Next week's check-in lists only what is still open, and dropping it closes it.
    await p.send({ kind: 'choice', promptRef: 'none', choiceIds: ['start:checkin'] });
    await p.click('yes');
    expect(p.read()).toMatch(/\*Ask Sam for feedback\*: how is it going/);
    expect(p.read()).not.toMatch(/Practise salary answers/);
    await p.click('dropped');
    // An interview this week leads straight into a debrief.
    expect(p.read()).toMatch(/Let's debrief that interview/);
    expect(p.read()).toMatch(/Which company/);
    const after = await h.db.selectFrom('action_items').select('status').where('text', '=', 'Ask Sam for feedback').executeTakeFirstOrThrow();
    expect(after.status).toBe('dropped');
  });

  it('a check-in button while a debrief is open asks first, and can start the check-in', async () => {
    const p = person();
    await p.start();
    await p.text('Initech');
    await p.send({ kind: 'choice', promptRef: 'none', choiceIds: ['start:checkin'] });
    expect(p.read()).toMatch(/continue your debrief for Initech/);
    expect(p.lastPrompt()?.choices?.map((c) => c.label)).toEqual(['Continue', 'Start the check-in']);
    await p.click('resume:new');
    expect(p.read()).toMatch(/Any interviews this week/);
  });

  it('in the terminal, says plainly that check-ins come on Slack or Discord, and neither offers nor turns them on', async () => {
    const p = h.as('terminal-ana', 'console', 'local');
    await debrief(p, 'Acme', 'Practise salary answers');
    expect(p.read()).not.toMatch(/weekly check-in/);
    await p.command('checkins on');
    expect(p.read()).toMatch(/Check-ins come on Slack or Discord/);
    expect(p.read()).not.toMatch(/I'll message you/);
    const { member } = await memberRows(h, p);
    expect(member).toMatchObject({ checkins_enabled: false, next_checkin_at: null });
  });

  it('off stops them; a bad time zone gets a clear message', async () => {
    const p = person();
    await p.command('checkins on Mars/Olympus');
    expect(p.read()).toMatch(/"Mars\/Olympus" isn't a time zone I know\. Use a name like Europe\/London/);
    await p.command('checkins on America/New_York');
    expect(p.read()).toMatch(/Check-ins are on/);
    await p.command('checkins off');
    expect(p.read()).toMatch(/Check-ins are off/);
    const { member } = await memberRows(h, p);
    expect(member).toMatchObject({ checkins_enabled: false, next_checkin_at: null, time_zone: 'America/New_York' });
  });

  it("uses the platform's time zone when the adapter passes it", async () => {
    h.setNow(new Date('2026-11-27T12:00:00Z'));
    const p = person();
    await h.app.engine.handle({ ...p.actor, eventId: 'tz-1', input: { kind: 'command', args: 'checkins on' }, context: { timeZone: 'Asia/Tokyo' } });
    const { member } = await memberRows(h, p);
    expect(member).toMatchObject({ checkins_enabled: true, time_zone: 'Asia/Tokyo' });
    expect(member.next_checkin_at?.toISOString()).toBe('2026-11-30T01:00:00.000Z');
  });
});

describe('/debrief admin', () => {
  const admin = (args: string, eventId: string, isAdmin = true, workspaceId = 'T-admin') =>
    h.app.engine.handle({
      platform: 'slack',
      workspaceId,
      userId: 'U-admin',
      eventId,
      input: { kind: 'command', args },
      context: { isAdmin, channelId: 'C-here' },
    });
  const text = (r: { replies: { text: string }[] }) => r.replies.map((x) => x.text).join('\n');

  it('only admins may change the schedule', async () => {
    const r = await admin('admin schedule <#C123|jobs> "0 9 * * 1" Europe/London', 'adm-0', false);
    expect(text(r)).toMatch(/Only workspace or server admins/);
    expect(await h.db.selectFrom('schedules').selectAll().where('workspace_id', '=', 'T-admin').execute()).toHaveLength(0);
  });

  it('bad cron expressions and time zones say what is accepted', async () => {
    expect(text(await admin('admin schedule <#C123|jobs> "0 9 * *" Europe/London', 'adm-1'))).toMatch(
      /needs exactly five fields: minute hour day-of-month month day-of-week, e\.g\. "0 9 \* \* 1"/,
    );
    expect(text(await admin('admin schedule <#C123|jobs> "0 25 * * 1" Europe/London', 'adm-2'))).toMatch(/isn't a schedule I can read/);
    expect(text(await admin('admin schedule <#C123|jobs> "0 9 * * 1" Europe/Atlantis', 'adm-3'))).toMatch(
      /"Europe\/Atlantis" isn't a time zone I know/,
    );
  });

  it('schedule, status, pause and resume', async () => {
    h.setNow(new Date('2026-11-27T12:00:00Z'));
    const set = await admin('admin schedule <#C123|jobs> "0 9 * * 1" Europe/London', 'adm-4');
    expect(text(set)).toMatch(/post in <#C123>\. Next one: Mon 30 Nov, 09:00 \(Europe\/London\)/);

    await runDue(h.db, communityPrompts, { now: new Date('2026-11-30T09:00:00Z'), instanceId: 'x', graceMs: 3600_000 });
    h.advance(4 * 24 * 3600_000);
    const status = text(await admin('admin status', 'adm-5'));
    expect(status).toMatch(/Community prompts\* in <#C123>: `0 9 \* \* 1` Europe\/London, on/);
    expect(status).toMatch(/Next run: Mon 7 Dec, 09:00/);
    expect(status).toMatch(/Last run: Mon 30 Nov, 09:00 \(Europe\/London\), queued/);
    expect(status).toMatch(/Deliveries: 1 pending/);

    expect(text(await admin('admin pause', 'adm-6'))).toMatch(/Paused/);
    expect(text(await admin('admin status', 'adm-7'))).toMatch(/Next run: paused/);
    expect(text(await admin('admin resume', 'adm-8'))).toMatch(/Resumed\. Next prompt: Mon 7 Dec, 09:00/);
  });

  it('without a channel it uses the one the command was typed in', async () => {
    const r = await admin('admin schedule "30 8 * * 5" America/New_York', 'adm-9', true, 'T-admin-2');
    expect(text(r)).toMatch(/post in <#C-here>/);
  });
});

describe('the weekly reflection', () => {
  it("opens with the week's question and can lead into a debrief", async () => {
    const p = person();
    await p.send({ kind: 'choice', promptRef: 'none', choiceIds: ['start:reflection:p05'] });
    expect(p.read()).toMatch(/Who from a past interview process would be worth a friendly hello this month/);
    await p.text('My old manager at Initech');
    await p.text('Send one message a week');
    await p.click('yes');
    expect(p.read()).toMatch(/Let's debrief that interview/);
    expect(p.read()).toMatch(/Which company/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => [c.flow, c.status])).toEqual([
      ['reflection', 'completed'],
      ['debrief', 'active'],
    ]);
    expect(rows.answers.filter((a) => a.conversation_id === rows.conversations[0]!.id).map((a) => a.value)).toEqual([
      'My old manager at Initech',
      'Send one message a week',
      true,
    ]);
  });
});
