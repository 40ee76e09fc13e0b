import { describe, expect, it } from 'vitest';
import { renderReply, wrap } from '../../adapters/console/render.js';
import { feedbackRequest } from '../../src/flows/templates.js';

describe('the terminal shows a note to copy as plain lines', () => {
  const note = feedbackRequest('Acme', 'Senior product designer');
  const reply = { text: "Here's a note you could send:", copyable: note, expectsText: false };

  it('has no gutter or box around the note, so a mouse selection copies only the note', () => {
    const out = renderReply(reply, false, 200);
    expect(out).not.toMatch(/[│┌└]/);
    for (const line of note.split('\n')) expect(out.split('\n')).toContain(line);
  });

  it('wraps at the terminal width on word boundaries, never inside a word', () => {
    for (const width of [40, 80]) {
      const lines = renderReply(reply, false, width).split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(width);
      const words = note.split(/\s+/).filter(Boolean);
      const printed = lines.join(' ').split(/\s+/).filter(Boolean);
      for (const w of words) expect(printed).toContain(w);
    }
  });

  it('leaves a word longer than the width whole', () => {
    expect(wrap('see https://example.com/a/very/long/link/that/is/longer/than/the/width ok', 20)).toEqual([
      'see',
      'https://example.com/a/very/long/link/that/is/longer/than/the/width',
      'ok',
    ]);
  });
});
