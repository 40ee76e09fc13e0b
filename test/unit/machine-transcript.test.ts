import { describe, expect, it } from 'vitest';
import { transition, type MachineContext } from '../../src/engine/machine.js';
import type { ConversationState, RecordedAnswer, Reply, TurnInput } from '../../src/engine/types.js';
import { createFlowRegistry } from '../../src/flows/index.js';

/**
 * The dialogue as a pure function: a transcript (send this, read that) with no database, no clock but
 * the one given, and no platform. The state a turn writes is the state the next turn reads.
 */
function transcript(start = new Date('2026-11-27T12:00:00Z')) {
  let state: ConversationState | null = null;
  let now = start;
  const stored: RecordedAnswer[] = [];
  let last: Reply[] = [];
  const ctx = (): MachineContext => ({ flows: createFlowRegistry(), defaultFlow: 'debrief', now, resumePromptAfterMs: 30 * 60_000, idleExpiryMs: 14 * 86_400_000 });
  const send = (input: TurnInput) => {
    const out = transition(ctx(), state, input);
    const written = out.writes.at(-1);
    if (written) state = written.status === 'active' || written.status === 'paused' ? { ...written, updatedAt: now } : null;
    stored.push(...out.answers);
    last = out.replies;
    return out;
  };
  return {
    start: () => send({ kind: 'command', args: '' }),
    say: (text: string) => send({ kind: 'text', text }),
    /** What the person just read, joined. */
    read: () => last.map((r) => r.text).join('\n'),
    later: (ms: number) => (now = new Date(now.getTime() + ms)),
    get state() {
      return state;
    },
    stored,
  };
}

describe('transition(): the debrief as a transcript', () => {
  it('asks the company, then the role at that company, storing each answer as it is given', () => {
    const t = transcript();
    t.start();
    expect(t.read()).toMatch(/Which company was it with, and what role\?/);
    t.say('Acme');
    expect(t.read()).toMatch(/And the role at Acme\?/);
    t.say('Product designer');
    expect(t.read()).toMatch(/Which stage was this\?/);
    expect(t.stored.map((a) => [a.step, a.value])).toEqual([
      ['company', 'Acme'],
      ['role', 'Product designer'],
    ]);
    expect(t.state?.step).toBe('stage');
  });

  it('back returns to the last question without storing anything new', () => {
    const t = transcript();
    t.start();
    t.say('Acme');
    t.say('back');
    expect(t.read()).toMatch(/Which company was it with, and what role\?/);
    expect(t.stored.map((a) => a.step)).toEqual(['company']);
    expect(t.state?.step).toBe('company');
  });

  it('an empty answer to a required question gets a kind re-prompt and changes nothing', () => {
    const t = transcript();
    t.start();
    t.say('Acme');
    const before = t.state;
    const out = t.say('   ');
    expect(out.answers).toEqual([]);
    expect(t.read()).toMatch(/role/i);
    expect(t.state?.step).toBe(before?.step);
  });

  it('pause keeps the place; after a quiet spell the next message offers to continue', () => {
    const t = transcript();
    t.start();
    t.say('Acme');
    t.say('pause');
    expect(t.state?.status).toBe('paused');
    t.later(2 * 3_600_000);
    t.say('hi');
    expect(t.read()).toMatch(/continue/i);
  });
});
