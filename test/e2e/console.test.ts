import { describe, expect, it } from 'vitest';
import { botStore, spawnBot } from '../helpers/spawn-bot.js';

const wholeDebrief = [
  'Acme, Product designer', '3', 'yesterday', 'It was a no', '2', '1, 5 I walked through my portfolio calmly',
  '2,3 Be more concise', "I haven't asked", 'not sure', 'Sam, the hiring manager', 'Practise salary answers out loud',
  'next friday', '/debrief checkins on',
];

describe('the terminal chat', () => {
  it('runs a scripted debrief from standard input, stores it, and exits 0 at end of input', async () => {
    const store = await botStore();
    const bot = spawnBot({ ...store.env, CONSOLE_USER: 'ana' });
    bot.proc.stdin.end(`${wholeDebrief.join('\n')}\n`);
    expect((await bot.exited).code).toBe(0);
    const out = bot.stdout();
    expect(out).toMatch(/Which company was it with, and what role\?/);
    expect(out).toMatch(/Product designer at Acme\. Which stage was this\?/);
    expect(out).toMatch(/1\) Phone or recruiter screen/);
    // The note to copy is plain lines: no gutter a mouse selection would pick up.
    // Piped, the width is 80: the note breaks between words, never inside one.
    expect(out).toMatch(/\nThank you again for the chance to interview for the Product designer role at\nAcme\. I'm sorry/);
    expect(out).not.toMatch(/│/);
    expect(out).toMatch(/Your debrief: Acme/);
    expect(out).toMatch(/Next step\s+Practise salary answers out loud/);
    // The terminal cannot message anyone later, so it neither offers check-ins nor promises one.
    expect(out).not.toMatch(/Would a weekly check-in help/);
    expect(out).toMatch(/Check-ins come on Slack or Discord/);
    expect(out).not.toMatch(/I'll message you weekly/);

    const handle = await store.open();
    try {
      const debrief = await handle.db
        .selectFrom('debriefs as d')
        .innerJoin('members as m', 'm.id', 'd.member_id')
        .select(['d.company', 'd.stage', 'd.outcome', 'd.mood', 'd.growth_tags', 'm.user_id', 'm.platform'])
        .executeTakeFirstOrThrow();
      expect(debrief).toEqual({
        company: 'Acme',
        stage: 'panel',
        outcome: 'rejected',
        mood: 2,
        growth_tags: ['nerves', 'concise'],
        user_id: 'ana',
        platform: 'console',
      });
      expect(await handle.db.selectFrom('action_items').select('text').execute()).toEqual([
        { text: 'Practise salary answers out loud' },
      ]);
    } finally {
      await handle.close();
      await store.dispose();
    }
  });

  it('a process killed with SIGKILL mid-debrief resumes at the same question on restart', async () => {
    const store = await botStore();
    const first = spawnBot(store.env, ['--user', 'kim']);
    await first.waitFor(/Which company/);
    for (const [line, next] of [
      ['Globex, Data analyst', /Data analyst at Globex\. Which stage/],
      ['2', /When was it/],
    ] as const) {
      const from = first.stdout().length;
      first.write(line);
      await first.waitFor(next, { from });
    }
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = spawnBot(store.env, ['--user', 'kim']);
    await second.waitFor(/continue your debrief for Globex \(Data analyst\)/);
    const from = second.stdout().length;
    second.write('continue');
    await second.waitFor(/Here's where we were\.\s+When was it\?/, { from });
    second.proc.stdin.end();
    expect((await second.exited).code).toBe(0);

    const handle = await store.open();
    try {
      const answers = await handle.db.selectFrom('answers').select(['step', 'value']).orderBy('id').execute();
      expect(answers).toEqual([
        { step: 'company', value: 'Globex' },
        { step: 'role', value: 'Data analyst' },
        { step: 'stage', value: 'technical' },
      ]);
      const conv = await handle.db.selectFrom('conversations').select(['status', 'step']).execute();
      expect(conv).toEqual([{ status: 'active', step: 'interview_date' }]);
    } finally {
      await handle.close();
      await store.dispose();
    }
  });
});
