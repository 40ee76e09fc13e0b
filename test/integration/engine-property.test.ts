import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { replayStep } from '../../src/engine/machine.js';
import type { TurnInput } from '../../src/engine/types.js';
import { debriefFlow } from '../../src/flows/debrief.js';
import { engineHarness, memberRows, type Harness } from '../helpers/engine-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await engineHarness();
});
afterAll(() => h.close());

type Op =
  | { op: 'text'; text: string }
  | { op: 'click'; pick: number; stale: boolean }
  | { op: 'badClick'; id: string }
  | { op: 'command'; args: string }
  | { op: 'resend'; back: number }
  | { op: 'wait'; hours: number };

const words = fc.constantFrom(
  'Acme', 'Designer', '1', '2', '3', '4', '5', '7', 'yes', 'no', 'none', '1, 3', 'yesterday', '2026-11-20',
  '2026-02-30', 'next friday', 'skip', 'back', 'help', 'pause', 'cancel', 'restart', 'continue', 'new', '',
  "'; drop table answers; --", '\u0000', '🙂', 'x'.repeat(2000),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: words.map((text) => ({ op: 'text' as const, text })) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map((text) => ({ op: 'text' as const, text })) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('click' as const), pick: fc.nat(20), stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map((id) => ({ op: 'badClick' as const, id })) },
  { weight: 1, arbitrary: fc.constantFrom('', 'help', 'new', 'history', 'bogus', 'pause').map((args) => ({ op: 'command' as const, args })) },
  { weight: 2, arbitrary: fc.nat(5).map((back) => ({ op: 'resend' as const, back })) },
  { weight: 1, arbitrary: fc.constantFrom(1, 48, 24 * 20).map((hours) => ({ op: 'wait' as const, hours })) },
);

let run = 0;

it('random sequences never throw, never store an answer twice, and always replay to the stored step', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 35 }), async (ops) => {
      const p = h.as(`prop-${++run}`);
      const sent: { eventId: string; input: TurnInput; replies: unknown }[] = [];
      const prompts: string[] = [];
      let eventSeq = 0;
      const send = async (input: TurnInput) => {
        const eventId = `prop-${run}-${++eventSeq}`;
        const result = await p.send(input, eventId);
        sent.push({ eventId, input, replies: result.replies });
        for (const r of result.replies) if (r.promptRef) prompts.push(r.promptRef);
        return result;
      };

      await send({ kind: 'command', args: '' });
      for (const o of ops) {
        if (o.op === 'text') await send({ kind: 'text', text: o.text });
        else if (o.op === 'command') await send({ kind: 'command', args: o.args });
        else if (o.op === 'wait') h.advance(o.hours * 3600_000);
        else if (o.op === 'badClick') await send({ kind: 'choice', promptRef: prompts.at(-1) ?? 'none', choiceIds: [o.id] });
        else if (o.op === 'click') {
          const prompt = p.lastPrompt();
          const ref = o.stale && prompts.length > 1 ? prompts[o.pick % prompts.length]! : prompt?.promptRef;
          const choices = prompt?.choices ?? [];
          if (!ref || choices.length === 0) continue;
          await send({ kind: 'choice', promptRef: ref, choiceIds: [choices[o.pick % choices.length]!.id] });
        } else if (o.op === 'resend' && sent.length > 0) {
          const earlier = sent[Math.max(0, sent.length - 1 - o.back)]!;
          const before = (await memberRows(h, p)).answers.length;
          const again = await p.send(earlier.input, earlier.eventId);
          expect(again.duplicate).toBe(true);
          expect(again.replies).toEqual(earlier.replies);
          expect((await memberRows(h, p)).answers.length).toBe(before);
        }
      }

      const rows = await memberRows(h, p);
      const perInbound = new Map<string, number>();
      // One message may give two answers (company and role); never the same answer twice.
      for (const a of rows.answers) perInbound.set(`${a.inbound_id}:${a.step}`, (perInbound.get(`${a.inbound_id}:${a.step}`) ?? 0) + 1);
      expect(Math.max(0, ...perInbound.values())).toBeLessThanOrEqual(1);
      expect(rows.conversations.filter((c) => c.status === 'active' || c.status === 'paused').length).toBeLessThanOrEqual(1);

      for (const c of rows.conversations) {
        const state = c.state as { answers: Record<string, unknown>; trail: string[] };
        expect(replayStep(debriefFlow, state)).toBe(c.status === 'completed' ? null : c.step);
        // The state's answers are the answers as stored, latest per question (the role asked apart is
        // stored as the role).
        const latest = new Map<string, unknown>();
        for (const a of rows.answers.filter((x) => x.conversation_id === c.id)) latest.set(a.step, a.value);
        const storedAs = (step: string) => debriefFlow.steps[step as keyof typeof debriefFlow.steps]?.recordAs ?? step;
        for (const step of state.trail) expect(state.answers[step] ?? null).toEqual(latest.get(storedAs(step)) ?? null);
      }
      expect(rows.debriefs.length).toBe(rows.conversations.filter((c) => c.status === 'completed').length);
    }),
    { numRuns: 40 },
  );
});
