import { describe, expect, it } from 'vitest';
import { matchOption, parseInput } from '../../src/engine/inputs.js';
import { isNoneAnswer } from '../../src/engine/words.js';
import { debriefFlow, feedbackStatuses, outcomes, stages, strengthTags } from '../../src/flows/debrief.js';

// Friday 2026-11-27, noon.
const now = new Date(2026, 10, 27, 12);
const text = (t: string) => ({ kind: 'text' as const, text: t });
const choice = (options: typeof stages | typeof outcomes | typeof feedbackStatuses) => ({ kind: 'choice' as const, options });
const mood = debriefFlow.steps.mood!.input as Parameters<typeof parseInput>[0];
const past = { kind: 'date' as const, direction: 'past' as const, example: '2026-11-20' };
const future = { kind: 'date' as const, direction: 'future' as const, example: 'next Friday' };

describe('choices said the way people say them', () => {
  it('number words, ordinals and filler around a number', () => {
    for (const t of ['two', 'the 2nd one', 'second', 'option 2 i guess', '#2', 'um 2'])
      expect(matchOption(stages, t)?.id, t).toBe('technical');
    expect(matchOption(stages, 'the first one')?.id).toBe('screen');
  });

  it('synonyms, typos, case and punctuation', () => {
    expect(matchOption(outcomes, 'They GHOSTED me!!')?.id).toBe('no_response');
    expect(matchOption(outcomes, 'gosted')?.id).toBe('no_response');
    expect(matchOption(stages, 'tecnical')?.id).toBe('technical');
    expect(matchOption(stages, 'it was the coding round I think')?.id).toBe('technical');
  });

  it('the longer phrase wins, so a negation is not read as its opposite', () => {
    expect(matchOption(outcomes, 'no response')?.id).toBe('no_response');
    expect(matchOption(outcomes, "didn't get it")?.id).toBe('rejected');
    expect(matchOption(outcomes, 'i got it')?.id).toBe('offer');
    expect(matchOption(outcomes, 'not an offer')?.id).toBe('rejected');
  });

  it('a number outside the menu, or a number inside other words, is not a pick', () => {
    expect(matchOption(stages, '9')).toBeUndefined();
    expect(matchOption(outcomes, 'no reply after 2 weeks')?.id).toBe('no_response');
  });

  it('a word that fits two options equally gets a short question naming just those two', () => {
    const r = parseInput(choice(feedbackStatuses), text('yes'), now);
    expect(r).toMatchObject({ ok: false, code: 'ambiguous' });
    const message = (r as { message: string }).message;
    expect(message).toMatch(/1\) I got some feedback or 2\) I asked, no reply yet\?/);
    expect(message).not.toMatch(/haven't asked/);
  });

  it('several tags in numbers, names and synonyms', () => {
    const spec = { kind: 'tags' as const, options: strengthTags };
    expect(parseInput(spec, text('2 5 7'), now)).toEqual({ ok: true, value: ['communication', 'examples', 'questions'] });
    expect(parseInput(spec, text('2 and 5'), now)).toEqual({ ok: true, value: ['communication', 'examples'] });
    expect(parseInput(spec, text('prep, we clicked & stayed calm'), now)).toEqual({ ok: true, value: ['preparation', 'rapport', 'composure'] });
    expect(parseInput(spec, text('nothing really'), now)).toEqual({ ok: true, value: [] });
  });
});

describe('a feeling in words', () => {
  it.each([
    ['awful', 1], ['like shit', 1], ['pretty bad', 2], ['not great', 2], ['ok i guess', 3], ['three', 3], ['3/5', 3],
    ['not bad', 4], ['pretty good', 4], ['great', 5], ['8/10', 4], ['😭', 1],
  ])('"%s" is %i', (t, n) => {
    expect(parseInput(mood, text(t), now)).toEqual({ ok: true, value: n });
  });

  it('between two points asks which is closer', () => {
    expect(parseInput(mood, text('2-3'), now)).toMatchObject({ ok: false, code: 'ambiguous', message: expect.stringMatching(/2 or 3\?/) });
  });
});

describe('yes and no', () => {
  const yesno = { kind: 'yesno' as const };
  it('by menu number, as the terminal numbers them: 1) Yes 2) No', () => {
    expect(parseInput(yesno, text('1'), now)).toEqual({ ok: true, value: true });
    expect(parseInput(yesno, text('2'), now)).toEqual({ ok: true, value: false });
  });
  it('in the usual forms', () => {
    for (const y of ['yeah', 'yep', 'I did', 'of course', '👍', 'sure did']) expect(parseInput(yesno, text(y), now), y).toEqual({ ok: true, value: true });
    for (const n of ['nope', 'nah', 'not yet', 'of course not', 'i forgot', "didn't get the chance"]) expect(parseInput(yesno, text(n), now), n).toEqual({ ok: true, value: false });
  });
});

describe('no answer to an optional open question', () => {
  it.each(['no', 'nobody', 'none', 'n/a', 'N/A.', 'nothing', 'not really', 'no one', '-', 'nope, nobody'])('"%s" is no answer', (t) => {
    expect(isNoneAnswer(t)).toBe(true);
    expect(parseInput({ kind: 'text', example: 'Sam' }, text(t), now, { optional: true })).toEqual({ ok: true, value: null });
  });
  it('a name that starts like "no" is kept, and a required question keeps the words', () => {
    expect(parseInput({ kind: 'text', example: 'Sam' }, text('Noah, the recruiter'), now, { optional: true })).toEqual({ ok: true, value: 'Noah, the recruiter' });
    expect(parseInput({ kind: 'text', example: 'Acme' }, text('none'), now)).toEqual({ ok: true, value: 'none' });
  });
});

describe('dates in the direction of the question', () => {
  it('numbered suggestions by number', () => {
    expect(parseInput(past, text('1'), now)).toEqual({ ok: true, value: '2026-11-27' });
    expect(parseInput(past, text('2'), now)).toEqual({ ok: true, value: '2026-11-26' });
    expect(parseInput(future, text('1'), now)).toEqual({ ok: true, value: '2026-11-28' });
    expect(parseInput(future, text('2'), now)).toEqual({ ok: true, value: '2026-12-04' });
  });
  it('a bare weekday: the last one for an interview, the coming one for a due date', () => {
    expect(parseInput(past, text('monday'), now)).toEqual({ ok: true, value: '2026-11-23' });
    expect(parseInput(past, text('thurs'), now)).toEqual({ ok: true, value: '2026-11-26' });
    expect(parseInput(future, text('thursday'), now)).toEqual({ ok: true, value: '2026-12-03' });
    expect(parseInput(future, text('monday'), now)).toEqual({ ok: true, value: '2026-11-30' });
  });
  it('relative and loose dates', () => {
    expect(parseInput(past, text('3 weeks ago'), now)).toEqual({ ok: true, value: '2026-11-06' });
    expect(parseInput(past, text('the other day'), now)).toEqual({ ok: true, value: '2026-11-25' });
    expect(parseInput(past, text('20th'), now)).toEqual({ ok: true, value: '2026-11-20' });
    expect(parseInput(future, text('in a fortnight'), now)).toEqual({ ok: true, value: '2026-12-11' });
    expect(parseInput(future, text('end of the month'), now)).toEqual({ ok: true, value: '2026-11-30' });
  });
  it('the wrong side of today is questioned kindly, never moved', () => {
    expect(parseInput(past, text('next tuesday'), now)).toMatchObject({ ok: false, code: 'future_date', message: expect.stringMatching(/still to come.*\?/) });
    expect(parseInput(future, text('last Monday'), now)).toMatchObject({ ok: false, code: 'past_date', message: expect.stringMatching(/already gone by.*\?/) });
  });
  it("an optional date someone can't remember is no answer", () => {
    expect(parseInput(past, text("can't remember"), now, { optional: true })).toEqual({ ok: true, value: null });
  });
});
