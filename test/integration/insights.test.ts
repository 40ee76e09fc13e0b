import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Reply } from '../../src/engine/types.js';
import { eightDebriefs, otherMembersDebriefs } from '../fixtures/insights/history.js';
import { decodePng, insertDebriefs, insertMember, runDebrief } from '../fixtures/insights/seed.js';
import { freshDatabase, silentLogger } from '../helpers/fresh-db.js';

const ana = { platform: 'slack', workspaceId: 'T1', userId: 'U-ana' };
const ben = { platform: 'slack', workspaceId: 'T1', userId: 'U-ben' };
let app: App;
let event = 0;

beforeEach(async () => {
  const database = await freshDatabase();
  app = await createApp(loadConfig({}), silentLogger, { database, clock: () => new Date('2026-11-27T12:00:00Z') });
});
afterEach(async () => {
  await app.close();
});

async function insights(who = ana): Promise<Reply> {
  const result = await app.engine.handle({ ...who, eventId: `insights-${++event}`, input: { kind: 'command', args: 'insights' } });
  expect(result.replies).toHaveLength(1);
  return result.replies[0]!;
}

type Eight = [string, string, string, string, string, string, string, string, ...string[]];
/** The reply's sections, as a person reads them: separated by blank lines. There are eight. */
function sections(reply: Reply): Eight {
  const parts = reply.text.split('\n\n');
  expect(parts.length).toBe(8);
  return parts as Eight;
}

/** How long a unicode bar looks, in cells: a full block is 1, a partial one its eighths. */
function barCells(line: string): number {
  const partial = '▏▎▍▌▋▊▉';
  let cells = 0;
  for (const ch of line) {
    if (ch === '█') cells += 1;
    else if (partial.includes(ch)) cells += (partial.indexOf(ch) + 1) / 8;
    else break;
  }
  return cells;
}

/** Each bar line: the bar, then the figures. Checks the bar is as long as its count says (max = 6 cells). */
function barLines(section: string, max: number): string[] {
  const [, ...lines] = section.split('\n');
  return lines.map((line) => {
    const count = Number(/^[█▏▎▍▌▋▊▉]* (\d+)/.exec(line)?.[1]);
    expect(Math.abs(barCells(line) - (count / max) * 6)).toBeLessThanOrEqual(1 / 16 + 1e-9);
    return line.replace(/^[█▏▎▍▌▋▊▉]* /, '');
  });
}

describe('/debrief insights', () => {
  it('counts every pattern across eight debriefs, exactly as worked out by hand', async () => {
    const anaId = await insertMember(app.database.db, ana.userId);
    await insertDebriefs(app.database.db, anaId, eightDebriefs);
    // A next step set in a check-in, not in a debrief, counts too.
    await app.database.db
      .insertInto('action_items')
      .values({ id: crypto.randomUUID(), member_id: anaId, debrief_id: null, text: 'Ask Sam for a mock interview', status: 'done' })
      .execute();
    const benId = await insertMember(app.database.db, ben.userId);
    await insertDebriefs(app.database.db, benId, otherMembersDebriefs);

    const reply = await insights();
    const [title, strengths, growth, mood, feedback, steps, stages, takeaway] = sections(reply);

    // #6 has no interview day: it sits at the day it was saved, 2026-08-30.
    expect(title).toBe('*Your patterns across 8 debriefs* (2026-03-02 to 2026-10-05)');

    // Halves of 4: #1-#4 earlier, #5-#8 lately.
    // communication #1 #3 #5 #6 #7 = 5 (earlier #1 #3, lately #5 #6 #7); preparation #1 #2 #7 = 3;
    // rapport #6 #8 = 2; technical #5 = 1 (fourth, so not shown).
    expect(strengths.split('\n')[0]).toBe('*Strengths you named most*');
    expect(barLines(strengths, 5)).toEqual([
      '5  Clear communication  ↑ lately 3 of 4, earlier 2 of 4',
      '3  Preparation  ↓ lately 1 of 4, earlier 2 of 4',
      '2  Rapport  ↑ lately 2 of 4, earlier 0 of 4',
    ]);

    // salary #1 #2 #6 #7 #8 = 5; nerves #1 #8, concise #4 #6, technical #2 #3 are 2 each: nerves and
    // concise were named once lately, technical not at all, so technical is the one left out.
    expect(growth.split('\n')[0]).toBe('*What you want to work on*');
    expect(barLines(growth, 5)).toEqual([
      '5  Salary questions  ↑ lately 3 of 4, earlier 2 of 4',
      '2  Nerves  → lately 1 of 4, earlier 1 of 4',
      '2  Concise answers  → lately 1 of 4, earlier 1 of 4',
    ]);

    // Moods in order of the day, #4 skipped: 2 1 3 5 3 4 4. Average 22/7 = 3.14; the first three
    // average 2.0, the last three 3.67.
    expect(mood).toBe('*How you felt afterwards* (1 really rough, 5 good)\n▃▁▅█▅▆▆  average 3.1; lately 3.7, earlier 2.0 ↑');

    // Asked about feedback in #1 #2 #3 #6 #7 #8; asked (or got it) in #2 #6 #7 #8; it came in #6 #7.
    expect(feedback).toBe('*Feedback*: you asked after 4 of the 6 interviews where it came up, and it came back 2 times.');

    // Steps: done #1 #2 #4 #8 and the check-in one, open #5 #6 #7, dropped #3.
    expect(steps.split('\n')[0]).toBe('*Your next steps*');
    expect(barLines(steps, 5)).toEqual(['5 done', '3 open', '1 dropped']);

    expect(stages).toBe(
      [
        '*Outcomes by stage*',
        'Phone or recruiter screen: 2 (1 no, 1 no response)',
        'Technical or skills: 3 (1 no, 1 no response, 1 offer)',
        'Panel or onsite: 2 (1 no, 1 waiting)',
        'Final round: 1 (1 no)',
      ].join('\n'),
    );

    expect(takeaway).toBe('You named _salary questions_ in 3 of your last 4 debriefs. It might be worth a next step of its own.');

    // Ben's debriefs (all about examples, at "something else" stages) never show in Ana's.
    expect(reply.text).not.toMatch(/example|Something else|Staying calm|Research/i);
  });

  it('reads the debriefs the dialogue saved, with a middle debrief in neither half', async () => {
    // Three real debriefs, typed as in the terminal.
    const d1 = ['Acme', 'Designer', '1', '2026-10-01', '1', '1', 'Preparation', 'My portfolio walk-through', 'salary', 'Rehearse the numbers', '3', 'no', '1', 'yes', 'skip', 'Practise salary answers', 'skip'];
    const d2 = ['Birch', 'Designer', '2', '2026-10-15', '4', '5', 'Staying calm, preparation', 'Stayed calm in the live task', 'skip', 'skip', '1', 'yes', 'skip', 'Reply to the offer', 'skip'];
    const d3 = ['Cobalt', 'Designer', '2', '2026-11-05', '3', '3', 'preparation', 'skip', 'salary, nerves', 'skip', '2', '3', 'no', 'skip', 'Send a follow-up note', 'skip'];
    for (const answers of [d1, d2, d3]) {
      const turns = await runDebrief(app, ana, answers);
      expect(turns.at(-1)!.replies.some((r) => r.card?.title.startsWith('Your debrief'))).toBe(true);
    }

    const reply = await insights();
    const [title, strengths, growth, mood, feedback, steps, stages, takeaway] = sections(reply);
    expect(title).toBe('*Your patterns across 3 debriefs* (2026-10-01 to 2026-11-05)');
    // Halves of one: Acme against Cobalt; Birch, in the middle, counts in the totals only.
    expect(barLines(strengths, 3)).toEqual([
      '3  Preparation  → lately 1 of 1, earlier 1 of 1',
      '1  Staying calm  → lately 0 of 1, earlier 0 of 1',
    ]);
    expect(barLines(growth, 2)).toEqual([
      '2  Salary questions  → lately 1 of 1, earlier 1 of 1',
      '1  Nerves  ↑ lately 1 of 1, earlier 0 of 1',
    ]);
    expect(mood).toBe('*How you felt afterwards* (1 really rough, 5 good)\n▁█▅  average 3.0; lately 3.0, earlier 1.0 ↑');
    // The offer skipped the feedback question; Acme: not asked; Cobalt: asked, nothing back yet.
    expect(feedback).toBe('*Feedback*: you asked after 1 of the 2 interviews where it came up, and it came back 0 times.');
    expect(barLines(steps, 3)).toEqual(['0 done', '3 open', '0 dropped']);
    expect(stages).toBe(['*Outcomes by stage*', 'Phone or recruiter screen: 1 (1 no)', 'Technical or skills: 2 (1 no response, 1 offer)'].join('\n'));
    expect(takeaway).toBe('_Preparation_ keeps showing up as a strength: 3 of 3 debriefs. That one is yours to lean on.');
  });

  it('draws the chart as a PNG, in-process, with labels and every series in it', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const anaId = await insertMember(app.database.db, ana.userId);
    await insertDebriefs(app.database.db, anaId, eightDebriefs);

    const reply = await insights();
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
    expect(reply.file).toMatchObject({ mimeType: 'image/png', name: 'debrief-insights-2026-11-27.png' });
    const png = decodePng(Buffer.from(reply.file!.base64, 'base64'));
    expect(png.width).toBe(1800);
    expect(png.height).toBeGreaterThan(1000);
    expect(png.height).toBeLessThan(2400);

    const seen = new Map<number, number>();
    let dark = 0;
    for (let at = 0; at < png.data.length; at += png.channels) {
      const rgb = (png.data[at]! << 16) | (png.data[at + 1]! << 8) | png.data[at + 2]!;
      seen.set(rgb, (seen.get(rgb) ?? 0) + 1);
      if (png.data[at]! + png.data[at + 1]! + png.data[at + 2]! < 240) dark += 1;
    }
    expect(png.pixel(1, 1).slice(0, 3)).toEqual([255, 255, 255]);
    // The bars of strengths, growth areas and the mood line, each in its own colour.
    for (const colour of [0x3f9b6e, 0xd08a2e, 0x4a74c9]) expect(seen.get(colour) ?? 0).toBeGreaterThan(2000);
    // Text: titles and labels, which need a font to be found (no font would leave only shapes).
    expect(dark).toBeGreaterThan(5000);
  });

  it('has a kind word instead of patterns when there are no or too few debriefs', async () => {
    const none = await insights();
    expect(none.text).toMatch(/^No debriefs yet/);
    expect(none.text).toContain('`/debrief`');
    expect(none.file).toBeUndefined();

    const anaId = await insertMember(app.database.db, ana.userId);
    await insertDebriefs(app.database.db, anaId, eightDebriefs.slice(0, 2));
    const two = await insights();
    expect(two.text).toMatch(/^You have 2 debriefs so far\. Patterns start to show from 3, so 1 more debrief/);
    expect(two.file).toBeUndefined();

    await insertDebriefs(app.database.db, anaId, eightDebriefs.slice(2, 3));
    const three = await insights();
    expect(three.text).toMatch(/^\*Your patterns across 3 debriefs\*/);
    expect(three.file?.mimeType).toBe('image/png');
  });
});
