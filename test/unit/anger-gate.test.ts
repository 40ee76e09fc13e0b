import { describe, expect, it } from 'vitest';
import { mayBeAngry, mustContain } from '../../src/flows/anger-gate.js';
import { readAnger } from '../../src/flows/anger-read.js';
import { HOSTILE_ACTS, HOSTILE_CONTENT, RESTRAINT, SARCASM, SELF_ANGER, THREATS } from '../../src/flows/anger-lexicon.js';

describe('what a pattern needs in the text', () => {
  it('keeps the letters every match holds and leaves out what is optional', () => {
    expect(mustContain('\\bstars?\\b')).toEqual(['star']);
    expect(mustContain('\\brant(?:s|ing)?\\b')).toEqual(['rant']);
    expect(mustContain('\\b(?:shove|stick)\\s+(?:it|the)\\b')).toEqual(['shove', 'stick']);
    expect(mustContain('(?:ab)?cd')).toEqual(['cd']);
    expect(mustContain('(?=hell)o')).toEqual(['o']);
  });

  it('gives up (null) when a match may hold no fixed letters', () => {
    expect(mustContain('[a-z]+')).toBeNull();
    expect(mustContain('(?:abc)?\\w+')).toBeNull();
    expect(mustContain('abc|\\d+')).toBeNull();
  });

  it('bounds every pattern of the lexicon, so the gate stays shut for ordinary answers', () => {
    for (const re of [...HOSTILE_ACTS, ...HOSTILE_CONTENT, ...THREATS, ...SARCASM, ...SELF_ANGER]) expect(mustContain(re.source), re.source).not.toBeNull();
  });
});

describe('the gate before the anger reading', () => {
  it('lets pass what could be anger or pain, and nothing plain', () => {
    for (const text of ['they are clowns', 'leave a 1 star review', 'i froze', 'so classy 🙄', 'hope their startup fails'])
      expect(mayBeAngry(text), text).toBe(true);
    for (const text of ['practise salary answers by next friday', 'sam, the hiring manager', 'be more concise', 'acme'])
      expect(mayBeAngry(text), text).toBe(false);
  });

  it('reads tone alone only when asked: pain without a named insult, for a kind word, not for the card', () => {
    expect(readAnger('I was awful and terrible at it')).toEqual({ kind: 'self_blame', insult: false });
    expect(readAnger('I was awful and terrible at it', { tone: false })).toEqual({ kind: 'none' });
    expect(readAnger('I am such an idiot', { tone: false })).toEqual({ kind: 'self_blame', insult: true });
    expect(readAnger('the recruiter was a clown', { tone: false })).toEqual({ kind: 'hostile', plan: false });
  });
});

describe('the lexicon patterns read with exec', () => {
  it('carry no g flag, so a reading never starts where the last one stopped', () => {
    for (const re of [...HOSTILE_ACTS, ...HOSTILE_CONTENT, ...SARCASM, ...SELF_ANGER, ...THREATS, ...RESTRAINT]) expect(re.flags, re.source).not.toContain('g');
  });
});
