import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Reply } from '../../src/engine/types.js';
import { eightDebriefs, otherMembersDebriefs } from '../fixtures/insights/history.js';
import { decodePng, insertDebriefs, insertMember, runDebrief, series } from '../fixtures/insights/seed.js';
import { growthSuggestions } from '../../src/flows/growth-suggestions.js';
import { insightWords } from '../../src/flows/insight-words.js';
import { insightsSvg } from '../../src/insights/chart-svg.js';
import { memberHome } from '../../src/home/member-home.js';
import { loadInsights } from '../../src/insights/insights.js';
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
    expect(title).toBe('*Your patterns across 8 debriefs* (2 Mar to 5 Oct 2026)');

    // Halves of 4: #1-#4 earlier, #5-#8 lately.
    // communication #1 #3 #5 #6 #7 = 5 (earlier #1 #3, lately #5 #6 #7); preparation #1 #2 #7 = 3;
    // rapport #6 #8 = 2; technical #5 = 1 (fourth, so not shown). One debrief more or less between
    // the halves is no trend (→); rapport, 0 then 2, is.
    expect(strengths.split('\n')[0]).toBe('*Strengths you named most*');
    expect(barLines(strengths, 5)).toEqual([
      '5  Clear communication  → lately 3 of 4, earlier 2 of 4',
      '3  Preparation  → lately 1 of 4, earlier 2 of 4',
      '2  Rapport  ↑ lately 2 of 4, earlier 0 of 4',
    ]);

    // salary #1 #2 #6 #7 #8 = 5; nerves #1 #8, concise #4 #6, technical #2 #3 are 2 each: nerves and
    // concise were named once lately, technical not at all, so technical is the one left out.
    expect(growth.split('\n')[0]).toBe('*What you want to work on*');
    expect(barLines(growth, 5)).toEqual([
      '5  Salary questions  → lately 3 of 4, earlier 2 of 4',
      '2  Nerves  → lately 1 of 4, earlier 1 of 4',
      '2  Concise answers  → lately 1 of 4, earlier 1 of 4',
    ]);

    // Moods in order of the day, #4 skipped: 2 1 3 5 3 4 4. Average 22/7 = 3.14; the first three
    // average 2.0, the last three 3.67. On 28 cells over the 217 days from 2 Mar, each sits at
    // round(days / 217 × 27): days 0 39 74 145 181 194 217 → cells 0 5 9 18 23 24 27.
    expect(mood).toBe(
      [
        '*How you felt afterwards* (1 really rough, 5 good)',
        '▃····▁···▅········█····▅▆··▆',
        `2 Mar${' '.repeat(13)}5 Oct 2026`,
        'Average 3.1; lately 3.7, earlier 2.0 ↑ (your last 3 against your first 3)',
      ].join('\n'),
    );

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

    // Salary questions in 5 of 8 keep coming back; nerves and concise answers (2 each) do not.
    expect(takeaway).toBe(
      [
        '_Clear communication_ keeps showing up as a strength: 5 of 8 debriefs. That one is yours to lean on.',
        `You named _salary questions_ in 5 of your 8 debriefs. One thing to try: ${growthSuggestions.salary}`,
      ].join('\n'),
    );

    // Ben's debriefs (all about examples, at "something else" stages) never show in Ana's.
    expect(reply.text).not.toMatch(/example|Something else|Staying calm|Research/i);
  });

  it('reads the debriefs the dialogue saved, and draws no trend from three', async () => {
    // Three real debriefs, typed as in the terminal.
    const d1 = ['Acme, Designer', '1', '2026-10-01', '1', '1', '1 My portfolio walk-through', '6 Rehearse the numbers', '3', '1', 'skip', 'Practise salary answers', 'skip'];
    const d2 = ['Birch, Designer', '2', '2026-10-15', '4', '5', '8, 1 Stayed calm in the live task', 'skip', '1', 'yes', 'skip', 'Reply to the offer', 'skip'];
    const d3 = ['Cobalt, Designer', '2', '2026-11-05', '3', '3', 'preparation', 'salary, nerves', '3', 'skip', 'Send a follow-up note', 'skip'];
    for (const answers of [d1, d2, d3]) {
      const turns = await runDebrief(app, ana, answers);
      expect(turns.at(-1)!.replies.some((r) => r.card?.title.startsWith('Your debrief'))).toBe(true);
    }

    const reply = await insights();
    const [title, strengths, growth, mood, feedback, steps, stages, takeaway] = sections(reply);
    expect(title).toBe('*Your patterns across 3 debriefs* (1 Oct to 5 Nov 2026)');
    // Halves of one would set Acme against Cobalt: no trend is drawn from that, and it says so.
    expect(barLines(strengths, 3)).toEqual(['3  Preparation', '1  Staying calm']);
    const growthLines = growth.split('\n');
    expect(barLines(growthLines.slice(0, -1).join('\n'), 2)).toEqual(['2  Salary questions', '1  Nerves']);
    expect(growthLines.at(-1)).toBe('_Too few debriefs yet to tell what is changing: that takes 6._');
    // Moods 1, 5, 3 on days 0, 14 and 35: cells 0, round(14 / 35 × 27) = 11, and 27.
    expect(mood).toBe(
      [
        '*How you felt afterwards* (1 really rough, 5 good)',
        `▁${'·'.repeat(10)}█${'·'.repeat(15)}▅`,
        `1 Oct${' '.repeat(13)}5 Nov 2026`,
        'Average 3.0. Too few so far to tell which way it is going: that takes 6 debriefs with a feeling noted.',
      ].join('\n'),
    );
    // Feedback is asked about after a no only: Acme, not asked; the offer and Cobalt's silence skip it.
    expect(feedback).toBe('*Feedback*: you asked after 0 of the 1 interview where it came up, and it came back 0 times.');
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

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const ARROWS = /[↑↓→▲▼]/;

describe('/debrief insights that help', () => {
  async function seedAna(rows: Parameters<typeof series>[0]): Promise<string> {
    const anaId = await insertMember(app.database.db, ana.userId);
    await insertDebriefs(app.database.db, anaId, series(rows));
    return anaId;
  }
  const moodSection = (text: string) => text.split('\n\n').find((s) => s.startsWith('*How you felt'))!;

  it('a feeling falling 4 → 3 → 2 gets a kind word, and no arrow drawn from one debrief against one', async () => {
    await seedAna([
      { date: '2026-10-01', mood: 4, growth: ['salary'] },
      { date: '2026-10-15', mood: 3, growth: ['nerves'] },
      { date: '2026-11-05', mood: 2, growth: ['concise'] },
    ]);
    const { text } = await insights();
    const mood = moodSection(text);
    expect(mood).toContain(insightWords.feelingHeavier);
    expect(mood).not.toMatch(ARROWS);
    expect(mood).toMatch(/too few/i);
    expect(text).not.toMatch(ARROWS);
  });

  it('feelings that stay low get a kind word too; steady good ones get none', async () => {
    await seedAna([
      { date: '2026-10-01', mood: 2 },
      { date: '2026-10-15', mood: 2 },
      { date: '2026-11-05', mood: 1 },
    ]);
    expect(moodSection((await insights()).text)).toContain(insightWords.feelingLow);

    await insertDebriefs(app.database.db, await insertMember(app.database.db, ben.userId), series([
      { date: '2026-10-01', mood: 4 },
      { date: '2026-10-15', mood: 5 },
      { date: '2026-11-05', mood: 4 },
    ]));
    const steady = moodSection((await insights(ben)).text);
    expect(steady).not.toContain(insightWords.feelingLow);
    expect(steady).not.toContain(insightWords.feelingHeavier);
  });

  it('a trend needs at least three debriefs on each side, or says plainly there are too few', async () => {
    const rows = [
      { date: '2026-06-01', mood: 2, growth: ['salary'], strengths: ['communication'] },
      { date: '2026-07-01', mood: 2, growth: ['salary'], strengths: ['communication'] },
      { date: '2026-08-01', mood: 3, growth: ['nerves'], strengths: ['rapport'] },
      { date: '2026-09-01', mood: 4, growth: ['nerves'], strengths: ['rapport'] },
      { date: '2026-10-01', mood: 5, growth: ['nerves'], strengths: ['rapport'] },
    ];
    const anaId = await seedAna(rows);
    const five = await insights();
    expect(five.text).not.toMatch(ARROWS);
    expect(five.text).toMatch(/too few debriefs yet to tell what is changing/i);
    expect(moodSection(five.text)).toMatch(/too few/i);

    // A sixth: now three against three.
    await insertDebriefs(app.database.db, anaId, series([{ date: '2026-11-01', mood: 5, growth: ['nerves'], strengths: ['rapport'] }]));
    const six = await insights();
    expect(six.text).not.toMatch(/too few/i);
    expect(six.text).toContain('Nerves  ↑ lately 3 of 3, earlier 1 of 3');
    // Moods 2 2 3 | 4 5 5: earlier 2.3, lately 4.7.
    expect(moodSection(six.text)).toMatch(/lately 4\.7, earlier 2\.3 ↑/);
  });

  it('names the growth area that keeps coming back, with one concrete thing to try', async () => {
    await seedAna([
      { date: '2026-08-01', mood: 3, growth: ['nerves', 'salary'] },
      { date: '2026-09-01', mood: 3, growth: ['nerves'] },
      { date: '2026-10-01', mood: 4, growth: ['nerves', 'examples'] },
      { date: '2026-11-01', mood: 3, growth: ['nerves'], strengths: ['communication'] },
    ]);
    const { text } = await insights();
    const last = text.split('\n\n').at(-1)!;
    expect(last).toMatch(/_nerves_/i);
    expect(last).toMatch(/every one of your 4 debriefs/);
    expect(last).toContain(growthSuggestions.nerves);
    // Named once each, salary and examples are not "coming back".
    expect(last).not.toContain(growthSuggestions.salary);
    expect(last).not.toContain(growthSuggestions.examples);
  });

  it('places the chart\'s points by date, in the picture and in the text', async () => {
    const dates = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-05-30'];
    const anaId = await seedAna(dates.map((date, k) => ({ date, mood: k + 2 })));
    const fraction = dates.map((d) => (dayNumber(d) - dayNumber(dates[0]!)) / (dayNumber(dates.at(-1)!) - dayNumber(dates[0]!)));

    const svg = insightsSvg(await app.database.db.transaction().execute((trx) => loadInsights(trx, anaId)));
    const cx = [...svg.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(cx).toHaveLength(4);
    const span = cx.at(-1)! - cx[0]!;
    expect(span).toBeGreaterThan(600);
    cx.forEach((x, k) => expect(Math.abs((x - cx[0]!) / span - fraction[k]!)).toBeLessThan(0.01));
    // Month ticks read as months, where those months begin.
    for (const [label, day] of [['Apr', '2026-04-01'], ['May', '2026-05-01']] as const) {
      const tick = new RegExp(`<text x="([\\d.]+)"[^>]*>${label}</text>`).exec(svg);
      expect(tick, label).not.toBeNull();
      const expected = (dayNumber(day) - dayNumber(dates[0]!)) / (dayNumber(dates.at(-1)!) - dayNumber(dates[0]!));
      expect(Math.abs((Number(tick![1]) - cx[0]!) / span - expected)).toBeLessThan(0.01);
    }
    expect(svg).toContain('1 Mar 2026');
    expect(svg).toContain('30 May 2026');

    const [, chart, labels] = moodSection((await insights()).text).split('\n');
    const cells = [...chart!];
    const marks = cells.flatMap((c, col) => ('▁▂▃▄▅▆▇█'.includes(c) ? [col] : []));
    expect(marks).toHaveLength(4);
    // Close days share no cell, so each is nudged over by at most a cell or two.
    marks.forEach((col, k) => expect(Math.abs(col / (cells.length - 1) - fraction[k]!)).toBeLessThanOrEqual(2 / (cells.length - 1)));
    expect(labels).toMatch(/^1 Mar +30 May 2026$/);
  });

  it('history and the Home tab list the same debriefs, in the same order, in the same words', async () => {
    const anaId = await insertMember(app.database.db, ana.userId);
    const debriefs = series([
      { date: '2026-11-01', outcome: 'offer' },
      { date: '2026-10-01', outcome: 'rejected' },
      { date: '2026-11-05', outcome: 'waiting' },
    ]);
    // The October interview was debriefed last, weeks later.
    debriefs[1]!.createdAt = '2026-11-20T10:00:00Z';
    await insertDebriefs(app.database.db, anaId, debriefs);

    const history = await app.engine.handle({ ...ana, eventId: 'history-1', input: { kind: 'command', args: 'history' } });
    const lines = history.replies[0]!.text.split('\n').filter((l) => l.startsWith('•'));
    const home = await memberHome(app.database.db, ana);
    expect(home.recent.map((d) => d.date)).toEqual(['2026-11-05', '2026-11-01', '2026-10-01']);
    expect(lines).toHaveLength(3);
    home.recent.forEach((d, k) => {
      expect(lines[k]).toContain(`*${d.company}*`);
      expect(lines[k]).toContain(`${d.outcome} (${d.date})`);
    });
    expect(home.recent.map((d) => d.outcome)).toEqual(['still waiting', 'an offer', 'a no']);
  });
});
