import { describe, expect, it } from 'vitest';
import { companyAndRole, dueDateIn, splitFeedback } from '../../src/flows/debrief.js';
import { feedbackRequest, sentence, statusFollowUp, thankYouNote, waitingFollowUp } from '../../src/flows/templates.js';

describe('company and role from one line', () => {
  it.each([
    ['Acme, product designer', { company: 'Acme', role: 'product designer' }],
    ['Acme - Senior engineer', { company: 'Acme', role: 'Senior engineer' }],
    ['Acme — data analyst', { company: 'Acme', role: 'data analyst' }],
    ['Acme: support lead', { company: 'Acme', role: 'support lead' }],
    ['Product designer at Acme', { company: 'Acme', role: 'Product designer' }],
    ['Senior designer, Acme', { company: 'Acme', role: 'Senior designer' }],
    ['Acme, Inc., designer', { company: 'Acme, Inc.', role: 'designer' }],
    ['Acme, Inc.', { company: 'Acme, Inc.' }],
    ['Acme Co.', { company: 'Acme Co.' }],
    ['AC/DC Ltd', { company: 'AC/DC Ltd' }],
    ["Robert'); DROP TABLE answers; --", { company: "Robert'); DROP TABLE answers; --" }],
    ['Made at Home', { company: 'Made at Home' }],
  ])('%s', (line, expected) => {
    expect(companyAndRole(line)).toEqual(expected);
  });
});

describe('a day named in the next step', () => {
  const now = new Date('2026-11-27T12:00:00Z'); // a Friday
  it('is read as its due date', () => {
    expect(dueDateIn('Practise two salary answers by Thursday', now)).toBe('2026-12-03');
    expect(dueDateIn('Email Sam next Monday', now)).toBe('2026-11-30');
  });
  it('is not found in plain numbers or where there is none', () => {
    expect(dueDateIn('Do 2 mock interviews', now)).toBeUndefined();
    expect(dueDateIn('Practise salary answers out loud', now)).toBeUndefined();
  });
});

describe('feedback given in one breath', () => {
  it('splits strengths from what to work on', () => {
    expect(splitFeedback('Liked my portfolio; wanted more leadership examples')).toEqual({
      feedback_strengths: 'Liked my portfolio',
      feedback_weaknesses: 'wanted more leadership examples',
    });
    expect(splitFeedback('Strong portfolio but not enough leadership')).toEqual({
      feedback_strengths: 'Strong portfolio',
      feedback_weaknesses: 'not enough leadership',
    });
  });
  it('with no split, goes where its words point', () => {
    expect(splitFeedback('They wanted more leadership examples')).toEqual({ feedback_strengths: null, feedback_weaknesses: 'They wanted more leadership examples' });
    expect(splitFeedback('Clear thinking, great portfolio')).toEqual({ feedback_strengths: 'Clear thinking, great portfolio', feedback_weaknesses: null });
  });
});

describe('notes to copy', () => {
  const all = (company: string) => [
    feedbackRequest(company, 'Designer'),
    statusFollowUp(company, 'Designer', 3),
    statusFollowUp(company, 'Designer', 21),
    statusFollowUp(company, 'Designer', null),
    waitingFollowUp(company, 'Designer', 'Friday 4 December'),
    waitingFollowUp(company, 'Designer', null),
    ...['rejected', 'waiting', 'offer', 'no_response'].map((o) => thankYouNote(company, 'Designer', o)),
  ];

  it('a company ending in a full stop gets no second one', () => {
    for (const n of all('Acme Co.')) expect(n).not.toMatch(/\.\./);
    expect(sentence('at Acme Co.')).toBe('at Acme Co.');
    expect(sentence('at Acme')).toBe('at Acme.');
  });

  it('say each thing once', () => {
    for (const n of all('Acme')) {
      const sentences = n.split(/(?<=[.?!])\s+|\n/).map((x) => x.trim()).filter((x) => x.length > 12);
      expect(new Set(sentences).size, n).toBe(sentences.length);
      // One "glad", one "thank" phrase at most: the old thank-you said both twice.
      expect((n.match(/\bglad\b/g) ?? []).length, n).toBeLessThanOrEqual(1);
    }
  });

  it('a role that says "role" is not doubled', () => {
    expect(feedbackRequest('Acme', 'Designer role')).toMatch(/the Designer role at Acme\./);
  });

  it('the silence note fits how long it has been', () => {
    expect(statusFollowUp('Acme', 'Designer', 3)).toMatch(/timeline/);
    expect(statusFollowUp('Acme', 'Designer', 3)).not.toMatch(/weeks ago|filled/);
    expect(statusFollowUp('Acme', 'Designer', 21)).toMatch(/about three weeks ago[\s\S]*If the role has been filled/);
  });
});
