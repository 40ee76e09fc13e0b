import { describe, expect, it } from 'vitest';
import { cleanText, matchOption, parseInput } from '../../src/engine/inputs.js';

// A Friday, at noon local time.
const now = new Date(2026, 10, 27, 12);
const options = [
  { id: 'screen', label: 'Phone or recruiter screen' },
  { id: 'technical', label: 'Technical or skills' },
  { id: 'panel', label: 'Panel or onsite' },
];
const text = (t: string) => ({ kind: 'text' as const, text: t });

describe('reading what people type', () => {
  it('cleans control characters but keeps emoji, right-to-left text and newlines', () => {
    expect(cleanText('  a\u0000b\u0007c\n d \u200F שלום 🙂 ')).toBe('abc\n d \u200F שלום 🙂');
  });

  it('matches a choice by number, id, label or an unambiguous start of it', () => {
    expect(matchOption(options, '2')?.id).toBe('technical');
    expect(matchOption(options, 'PANEL')?.id).toBe('panel');
    expect(matchOption(options, 'phone or recruiter screen.')?.id).toBe('screen');
    expect(matchOption(options, 'tech')?.id).toBe('technical');
    expect(matchOption(options, '4')).toBeUndefined();
    expect(matchOption(options, '')).toBeUndefined();
  });

  it('reads several tags, in words or numbers, without repeats', () => {
    const spec = { kind: 'tags' as const, options };
    expect(parseInput(spec, text('1, 3 and panel'), now)).toEqual({ ok: true, value: ['screen', 'panel'] });
    expect(parseInput(spec, text('none'), now)).toEqual({ ok: true, value: [] });
    expect(parseInput(spec, { kind: 'choice', ids: ['technical', 'screen'] }, now)).toEqual({ ok: true, value: ['technical', 'screen'] });
    expect(parseInput(spec, text('1, banana'), now)).toMatchObject({ ok: false, code: 'unknown_tag' });
  });

  it('reads past dates as people write them', () => {
    const spec = { kind: 'date' as const, direction: 'past' as const, example: '2026-11-20' };
    expect(parseInput(spec, text('yesterday'), now)).toEqual({ ok: true, value: '2026-11-26' });
    expect(parseInput(spec, text('last Tuesday'), now)).toEqual({ ok: true, value: '2026-11-24' });
    expect(parseInput(spec, text('2026-11-20'), now)).toEqual({ ok: true, value: '2026-11-20' });
    expect(parseInput(spec, { kind: 'choice', ids: ['today'] }, now)).toEqual({ ok: true, value: '2026-11-27' });
    expect(parseInput(spec, text('2026-02-29'), now)).toMatchObject({ ok: false, code: 'impossible_date' });
    expect(parseInput(spec, text('2019-01-01'), now)).toMatchObject({ ok: false, code: 'too_old' });
    expect(parseInput(spec, text('tomorrow'), now)).toMatchObject({ ok: false, code: 'future_date' });
    expect(parseInput(spec, { kind: 'choice', ids: ['in-a-week'] }, now)).toMatchObject({ ok: false });
  });

  it('reads due dates forward', () => {
    const spec = { kind: 'date' as const, direction: 'future' as const, example: 'next Friday' };
    expect(parseInput(spec, text('next friday'), now)).toEqual({ ok: true, value: '2026-12-04' });
    expect(parseInput(spec, { kind: 'choice', ids: ['in-a-week'] }, now)).toEqual({ ok: true, value: '2026-12-04' });
    expect(parseInput(spec, text('yesterday'), now)).toMatchObject({ ok: false, code: 'past_date' });
    expect(parseInput(spec, text('2028-06-01'), now)).toMatchObject({ ok: false, code: 'too_far' });
  });

  it('reads yes and no in the usual ways', () => {
    for (const y of ['yes', 'Y', 'yeah', 'sure!']) expect(parseInput({ kind: 'yesno' }, text(y), now)).toEqual({ ok: true, value: true });
    for (const n of ['no', 'nope', 'not yet', "didn't"]) expect(parseInput({ kind: 'yesno' }, text(n), now)).toEqual({ ok: true, value: false });
    expect(parseInput({ kind: 'yesno' }, text('maybe'), now)).toMatchObject({ ok: false, code: 'not_yes_no' });
  });
});
