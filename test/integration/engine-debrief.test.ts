import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineHarness, memberRows, type Harness, type Person } from '../helpers/engine-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

let userSeq = 0;
const person = () => h.as(`U${++userSeq}`);

/** Answers the opening questions every path shares. */
async function opening(p: Person, outcome: string, mood = '3') {
  await p.start();
  expect(p.read()).toMatch(/Which company was it with, and what role\?/);
  await p.text('Acme Ltd, Product designer');
  expect(p.read()).toMatch(/Product designer at Acme Ltd\. Which stage/);
  await p.click('panel');
  await p.text('last Tuesday');
  await p.click(outcome);
  await p.text(mood);
}

async function middle(p: Person) {
  expect(p.read()).toMatch(/what went well/);
  await p.click(['preparation', 'examples']);
  await p.text('2, 6 Practise talking about salary');
}

async function closing(p: Person, opts: { thanked?: boolean; contacts?: string; due?: 'inline' | 'asked' } = {}) {
  expect(p.read()).toMatch(/right for you/);
  await p.click('partly');
  if (opts.thanked !== undefined) {
    expect(p.read()).toMatch(/thank the interviewer/);
    await p.click(opts.thanked ? 'yes' : 'no');
  } else expect(p.read()).not.toMatch(/thank the interviewer/);
  expect(p.read()).toMatch(/worth staying in touch/);
  if (opts.contacts) await p.text(opts.contacts);
  else await p.text('skip');
  expect(p.read()).toMatch(/one concrete step/);
  if (opts.due === 'asked') {
    await p.text('Write two salary answers and say them out loud');
    expect(p.read()).toMatch(/By when/);
    await p.text('next Friday');
  } else await p.text('Write two salary answers and say them out loud by next Friday');
}

describe('a whole debrief, on every outcome path', () => {
  it('rejected, feedback received: stores the debrief, its action item and every answer', async () => {
    const p = person();
    await opening(p, 'rejected');
    await middle(p);
    expect(p.read()).toMatch(/asked them for feedback/);
    await p.click('received');
    expect(p.read()).toMatch(/What did they tell you/);
    await p.text('Clear thinking and a strong portfolio; wanted more leadership examples');
    expect(p.read()).toMatch(/thank-you for their feedback/);
    await closing(p, { contacts: 'Sam, the hiring manager', due: 'asked' });

    expect(p.last?.replies.some((r) => r.card?.title === 'Your debrief: Acme Ltd')).toBe(true);
    expect(p.read()).toMatch(/This one was a no, and it still taught you something/);

    const rows = await memberRows(h, p);
    expect(rows.conversations).toHaveLength(1);
    expect(rows.conversations[0]!.status).toBe('completed');
    expect(rows.debriefs).toHaveLength(1);
    expect(rows.debriefs[0]).toMatchObject({
      company: 'Acme Ltd',
      role: 'Product designer',
      stage: 'panel',
      interview_date: '2026-11-24',
      outcome: 'rejected',
      mood: 3,
      strength_tags: ['preparation', 'examples'],
      strengths: null,
      growth_tags: ['nerves', 'salary'],
      growth_areas: 'Practise talking about salary',
      feedback_status: 'received',
      feedback_strengths: 'Clear thinking and a strong portfolio',
      feedback_weaknesses: 'wanted more leadership examples',
      fit: 'partly',
      thanked: null,
      contacts: 'Sam, the hiring manager',
      next_step: 'Write two salary answers and say them out loud',
      conversation_id: rows.conversations[0]!.id,
    });
    expect(rows.actionItems).toHaveLength(1);
    expect(rows.actionItems[0]).toMatchObject({
      text: 'Write two salary answers and say them out loud',
      due_date: '2026-12-04',
      status: 'open',
      debrief_id: rows.debriefs[0]!.id,
    });
    // Every answer stored as it was given; one message may give two (company and role, tags and words).
    expect(rows.answers.map((a) => a.step)).toEqual([
      'company', 'role', 'stage', 'interview_date', 'outcome', 'mood', 'strength_tags', 'growth_tags',
      'growth_areas', 'feedback', 'feedback_strengths', 'feedback_weaknesses', 'fit', 'contacts',
      'next_step', 'next_step_due',
    ]);
  });

  it('rejected, not asked for feedback: gives a gracious request filled in with company and role', async () => {
    const p = person();
    await opening(p, 'rejected');
    await middle(p);
    await p.click('not_asked');
    const request = p.last!.replies.find((r) => r.copyable)?.copyable ?? '';
    expect(request).toMatch(/Product designer role at Acme Ltd\./);
    expect(request).toMatch(/What did you see as my strengths, and what would you suggest I work on\?/);
    // The request thanks them, so "did you thank them?" is not asked.
    await closing(p);
    const rows = await memberRows(h, p);
    expect(rows.debriefs[0]).toMatchObject({ feedback_status: 'not_asked', thanked: null });
    expect(rows.actionItems[0]).toMatchObject({ due_date: '2026-12-04' });
  });

  it('still waiting: asks when they said they would answer and times a follow-up after it, no feedback', async () => {
    const p = person();
    await opening(p, 'waiting');
    await middle(p);
    expect(p.read()).toMatch(/when you'd hear back/);
    expect(p.read()).not.toMatch(/feedback/);
    await p.text('by next Wednesday');
    expect(p.read()).toMatch(/If you haven't heard by Wednesday 2 December, give it two working days/);
    const note = p.last!.replies.find((r) => r.copyable)?.copyable ?? '';
    expect(note).toMatch(/You mentioned I might hear back around Wednesday 2 December/);
    expect(note).not.toMatch(/feedback|strengths/);
    await closing(p, { thanked: true });
    const rows = await memberRows(h, p);
    expect(rows.debriefs[0]).toMatchObject({ outcome: 'waiting', feedback_status: null, thanked: true });
    expect(rows.answers.map((a) => a.step)).not.toContain('feedback');
  });

  it('no response three weeks on: a status note for weeks of silence, with no feedback or reassurance about being liked', async () => {
    const p = person();
    await p.start();
    await p.text('Acme Co., designer');
    await p.click('final');
    await p.text('2026-11-06');
    await p.click('no_response');
    await p.text('2');
    const said = p.read();
    expect(said).toMatch(/Silence is hard to sit with/);
    expect(said).not.toMatch(/liked you/);
    await middle(p);
    const note = p.last!.replies.find((r) => r.copyable);
    expect(note?.text).toMatch(/After 3 weeks of silence/);
    expect(note?.copyable).toMatch(/I interviewed for the designer role at Acme Co\. about three weeks ago/);
    expect(note?.copyable).not.toMatch(/feedback|within a few days|Co\.\./);
    await closing(p);
    expect((await memberRows(h, p)).debriefs[0]!.outcome).toBe('no_response');
  });

  it('an offer: congratulates, still reflects on strengths, skips feedback, and lists questions worth asking', async () => {
    const p = person();
    await opening(p, 'offer', '5');
    expect(p.read()).toMatch(/Congratulations/);
    await middle(p);
    expect(p.read()).not.toMatch(/feedback/);
    expect(p.read()).toMatch(/right for you/);
    await p.click('yes');
    expect(p.read()).toMatch(/Before you say yes, these are worth asking/);
    await p.click('no');
    expect(p.last!.replies.find((r) => r.copyable)?.copyable).toMatch(/Thank you for the offer/);
    await p.text('skip');
    await p.text('Ask about the start date by Monday');
    expect(p.read()).toMatch(/Well done/);
    const rows = await memberRows(h, p);
    expect(rows.debriefs[0]).toMatchObject({ outcome: 'offer', mood: 5, strength_tags: ['preparation', 'examples'] });
  });

  it('a low mood gets a moment of empathy before going on', async () => {
    const p = person();
    await opening(p, 'rejected', '1');
    expect(p.read()).toMatch(/I'm sorry\. That's a hard place to be/);
    expect(p.read()).toMatch(/went well/);
  });

  it('angry words about the employer get a gentle suggestion to wait before sending anything', async () => {
    const p = person();
    await opening(p, 'rejected');
    await p.click(['preparation']);
    await p.text('Honestly they are clowns and it is their loss');
    expect(p.read()).toMatch(/may read differently in a day or two/);
    expect(p.read()).toMatch(/asked them for feedback/);
  });
});

describe('commands mid-dialogue', () => {
  it('back returns to the last question and the new answer replaces the old', async () => {
    const p = person();
    await p.start();
    await p.text('Globex');
    await p.text('Engineer');
    expect(p.read()).toMatch(/Which stage/);
    await p.text('back');
    expect(p.read()).toMatch(/role at Globex/);
    expect(p.read()).toMatch(/Before, you said: Engineer/);
    await p.text('Senior engineer');
    expect(p.read()).toMatch(/Which stage/);
    const rows = await memberRows(h, p);
    const state = rows.conversations[0]!.state as { answers: Record<string, unknown>; trail: string[] };
    expect(state.answers.role).toBe('Senior engineer');
    expect(state.trail).toEqual(['company', 'role_asked']);
  });

  it('back at the first question says so and stays', async () => {
    const p = person();
    await p.start();
    await p.text('back');
    expect(p.read()).toMatch(/first question/);
    expect(p.read()).toMatch(/Which company/);
  });

  it('skip works on optional questions only', async () => {
    const p = person();
    await p.start();
    await p.text('skip');
    expect(p.read()).toMatch(/I need to carry on/);
    expect(p.read()).toMatch(/Which company/);
    await p.text('Initech');
    await p.text('Analyst');
    await p.click('screen');
    expect(p.read()).toMatch(/When was it/);
    await p.click('cmd:skip');
    expect(p.read()).toMatch(/Where did it land/);
    const rows = await memberRows(h, p);
    const skipped = rows.answers.find((a) => a.step === 'interview_date');
    expect(skipped).toMatchObject({ skipped: true, value: null });
  });

  it('pause keeps everything; the next message offers to continue where it stopped', async () => {
    const p = person();
    await p.start();
    await p.text('Umbrella');
    await p.text('Researcher');
    await p.text('pause');
    expect(p.read()).toMatch(/Paused/);
    expect((await memberRows(h, p)).conversations[0]!.status).toBe('paused');

    await p.text('hello again');
    expect(p.read()).toMatch(/continue your debrief for Umbrella \(Researcher\)/);
    await p.click('resume:continue');
    expect(p.read()).toMatch(/Here's where we were/);
    expect(p.read()).toMatch(/Which stage/);
    await p.click('technical');
    expect(p.read()).toMatch(/When was it/);
    const rows = await memberRows(h, p);
    expect(rows.conversations[0]!.status).toBe('active');
    expect(rows.answers.map((a) => a.step)).toEqual(['company', 'role', 'stage']);
  });

  it('cancel with nothing answered sets the debrief aside at once; /debrief then starts afresh', async () => {
    const p = person();
    await p.start();
    await p.text('cancel');
    expect(p.read()).toMatch(/Cancelled/);
    await p.start();
    expect(p.read()).toMatch(/Which company/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['cancelled', 'active']);
  });

  it('cancel with answers given asks first; "no" carries on where it was', async () => {
    const p = person();
    await p.start();
    await p.text('Hooli, Engineer');
    await p.click('technical');
    await p.text('cancel');
    expect(p.read()).toMatch(/Cancel this debrief\? The 2 answers you've given would be set aside/);
    expect(p.lastPrompt()?.choices?.map((c) => c.label)).toEqual(['Yes, cancel it', 'No, carry on']);
    await p.text('no');
    expect(p.read()).toMatch(/Good, let's carry on\.\s+When was it\?/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['active']);
  });

  it('a confirmed cancel can be undone for ten minutes, then it is final', async () => {
    const p = person();
    await p.start();
    await p.text('Hooli, Engineer');
    await p.click('technical');
    await p.text('cancel');
    await p.click('cancel:yes');
    expect(p.read()).toMatch(/Cancelled\. .*Type \*undo\* in the next 10 minutes/);
    h.advance(5 * 60_000);
    await p.text('undo');
    expect(p.read()).toMatch(/It's back, with everything you told me\. Here's where we were\.\s+When was it\?/);
    let rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['active']);

    await p.text('cancel');
    await p.text('yes');
    expect(p.read()).toMatch(/Cancelled/);
    h.advance(11 * 60_000);
    await p.text('undo');
    expect(p.read()).toMatch(/more than 10 minutes ago, so it stays cancelled/);
    rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['cancelled']);
    expect(rows.debriefs).toHaveLength(0);
  });

  it('after a cancel, the next message starts fresh and the cancelled one stays set aside', async () => {
    const p = person();
    await p.start();
    await p.text('Hooli, Engineer');
    await p.text('cancel');
    await p.click('cancel:yes');
    await p.start();
    expect(p.read()).toMatch(/Which company/);
    await p.text('undo');
    expect(p.read()).not.toMatch(/It's back/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['cancelled', 'active']);
  });

  it('restart begins a new debrief and keeps the old answers filed', async () => {
    const p = person();
    await p.start();
    await p.text('Wayne Enterprises');
    await p.text('restart');
    expect(p.read()).toMatch(/Starting over/);
    expect(p.read()).toMatch(/Which company/);
    await p.text('Stark Industries');
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['cancelled', 'active']);
    expect(rows.answers.map((a) => a.value)).toEqual(['Wayne Enterprises', 'Stark Industries']);
  });

  it('help explains the question and repeats it', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.text('help');
    expect(p.read()).toMatch(/job title/);
    expect(p.read()).toMatch(/back/);
    expect(p.read()).toMatch(/role at Acme/);
  });

  it('/debrief with a debrief in progress asks whether to continue it or start a new one', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.start();
    expect(p.read()).toMatch(/continue your debrief for Acme, or start a new one/);
    await p.click('resume:new');
    expect(p.read()).toMatch(/Which company/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['cancelled', 'active']);
  });

  it('an unknown subcommand gets help, not silence', async () => {
    const p = person();
    await p.command('frobnicate');
    expect(p.read()).toMatch(/I don't know "frobnicate"/);
    expect(p.read()).toMatch(/debrief history/);
  });
});

describe('resuming and expiry', () => {
  it('after a quiet spell the next message asks before going on; days later it still resumes', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    h.advance(3 * 24 * 3600_000);
    await p.text('Designer');
    expect(p.read()).toMatch(/continue your debrief for Acme/);
    await p.text('continue');
    expect(p.read()).toMatch(/role at Acme/);
    await p.text('Designer');
    expect(p.read()).toMatch(/Which stage/);
  });

  it('a debrief idle past the limit expires: kept for history, not resumed', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    h.advance(15 * 24 * 3600_000);
    await p.start();
    expect(p.read()).toMatch(/filed it away/);
    expect(p.read()).toMatch(/Which company/);
    const rows = await memberRows(h, p);
    expect(rows.conversations.map((c) => c.status)).toEqual(['expired', 'active']);
    expect(rows.answers.map((a) => a.value)).toEqual(['Acme']);
  });

  it('three misses on one question offer to skip it or pause', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.text('Designer');
    await p.click('final');
    await p.text('the day after the moon landing');
    await p.text('zzzz');
    expect(p.lastPrompt()?.choices?.map((c) => c.id)).not.toContain('cmd:pause');
    await p.text('2026-02-30');
    expect(p.read()).toMatch(/getting in the way/);
    expect(p.lastPrompt()?.choices?.map((c) => c.id)).toEqual(['cmd:skip', 'cmd:pause', 'cmd:retry']);
    await p.click('cmd:skip');
    expect(p.read()).toMatch(/Where did it land/);
  });
});

describe('buttons', () => {
  it('an old button is explained and changes nothing', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.text('Designer');
    const stagePrompt = p.lastPrompt()!;
    await p.click('screen');
    const before = await memberRows(h, p);
    const res = await p.send({ kind: 'choice', promptRef: stagePrompt.promptRef!, choiceIds: ['final'] });
    expect(res.click).toEqual({ status: 'rejected' });
    expect(p.read()).toMatch(/already been answered/);
    const after = await memberRows(h, p);
    expect(after.answers).toHaveLength(before.answers.length);
    expect(after.conversations[0]!.seq).toBe(before.conversations[0]!.seq);
  });

  it("another person's button changes nothing for either of them", async () => {
    const a = person();
    const b = person();
    await a.start();
    await a.text('Acme, Designer');
    const aPrompt = a.lastPrompt()!;
    await b.start();
    const res = await b.send({ kind: 'choice', promptRef: aPrompt.promptRef!, choiceIds: ['screen'] });
    expect(res.click).toEqual({ status: 'rejected' });
    expect((await memberRows(h, a)).answers).toHaveLength(2);
    expect((await memberRows(h, b)).answers).toHaveLength(0);
  });

  it('an accepted click reports the labels chosen so the message can show them', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.text('Designer');
    const res = await p.click('technical');
    expect(res.click).toEqual({ status: 'accepted', labels: ['Technical or skills'] });
  });
});

describe('idempotency and concurrency', () => {
  it('a redelivered event records nothing twice and gets the same replies', async () => {
    const p = person();
    await p.start();
    const first = await p.text('Acme', 'slack-Ev1');
    const again = await p.text('Acme', 'slack-Ev1');
    expect(again.duplicate).toBe(true);
    expect(again.replies).toEqual(first.replies);
    const rows = await memberRows(h, p);
    expect(rows.answers).toHaveLength(1);
  });

  it('the same event five times at once is recorded once', async () => {
    const p = person();
    await p.start();
    const results = await Promise.all(Array.from({ length: 5 }, () => p.text('Acme', 'storm-1')));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results) expect(r.replies).toEqual(results[0]!.replies);
    expect((await memberRows(h, p)).answers).toHaveLength(1);
  });

  it('a double click records one answer; the second click is turned away', async () => {
    const p = person();
    await p.start();
    await p.text('Acme');
    await p.text('Designer');
    const prompt = p.lastPrompt()!;
    const [x, y] = await Promise.all([
      p.send({ kind: 'choice', promptRef: prompt.promptRef!, choiceIds: ['screen'] }),
      p.send({ kind: 'choice', promptRef: prompt.promptRef!, choiceIds: ['screen'] }),
    ]);
    expect([x.click?.status, y.click?.status].sort()).toEqual(['accepted', 'rejected']);
    const rows = await memberRows(h, p);
    expect(rows.answers.filter((a) => a.step === 'stage')).toHaveLength(1);
  });

  it('two messages of one conversation at once are serialized: no lost update', async () => {
    const p = person();
    await p.start();
    await Promise.all([p.text('Acme', 'c-1'), p.text('Designer', 'c-2')]);
    const rows = await memberRows(h, p);
    const state = rows.conversations[0]!.state as { answers: Record<string, unknown>; trail: string[] };
    // The company alone first, so the role is asked on its own.
    expect(state.trail).toEqual(['company', 'role_asked']);
    expect(rows.answers).toHaveLength(2);
    expect(rows.conversations[0]!.step).toBe('stage');
    expect(new Set([state.answers.company, state.answers.role])).toEqual(new Set(['Acme', 'Designer']));
  });

  it('different people debrief in parallel without touching each other', async () => {
    const people = Array.from({ length: 8 }, () => person());
    await Promise.all(
      people.map(async (p, i) => {
        await p.start();
        await p.text(`Company ${i}, Role ${i}`);
        await p.click('screen');
      }),
    );
    for (const [i, p] of people.entries()) {
      const rows = await memberRows(h, p);
      expect(rows.answers.map((a) => a.value)).toEqual([`Company ${i}`, `Role ${i}`, 'screen']);
    }
  });
});
