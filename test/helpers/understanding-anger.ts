import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../src/db/types.js';
import { choiceIds } from '../../src/engine/ids.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Reply, TurnInput, TurnResult } from '../../src/engine/types.js';
import { currentStep, walkToStep, type Talker } from './walk-to-step.js';

/**
 * Scores the anger reading through the real turn on a real database: every utterance of the corpus is
 * typed as the next step (where a hostile one must be held for a cool-off and a choice) and as the
 * growth areas (where it must bring the cool-off and nothing else). Used by the understanding test
 * and by `npm run bench`.
 */

const angerCase = z.object({
  text: z.string().min(1),
  hostile: z.boolean(),
  kind: z.string(),
  reframe: z.boolean().optional(),
});
export type AngerCase = z.infer<typeof angerCase>;

export function loadAngerCorpus(): AngerCase[] {
  const url = new URL('../fixtures/understanding/anger.json', import.meta.url);
  return z.array(angerCase).parse(JSON.parse(readFileSync(url, 'utf8')));
}

export interface AngerScore {
  step: string;
  hostile: number;
  calm: number;
  /** Hostile utterances that got the cool-off. */
  caught: number;
  /** Utterances that are not hostile and got it anyway. */
  falseAlarms: number;
  recall: number;
  falseAlarmRate: number;
  /** Self-blame marked for a reframe, and how many got the kind word. */
  reframeWanted: number;
  reframed: number;
  missed: string[];
  wronglyCooled: string[];
}

const COOL_OFF = /may (?:feel|read) different(?:ly)? in a day or two/;
const REFRAME = /hard on yourself/;

function talker(engine: Engine, userId: string): Talker {
  let last: TurnResult | undefined;
  let seq = 0;
  const actor = { platform: 'score', workspaceId: 'T-score', userId };
  const send = async (input: TurnInput) => {
    last = await engine.handle({ ...actor, eventId: `${userId}-${++seq}`, input });
    return last;
  };
  const lastPrompt = (): Reply | undefined => [...(last?.replies ?? [])].reverse().find((r) => r.promptRef);
  return {
    actor,
    start: () => send({ kind: 'command', args: '' }),
    text: (text) => send({ kind: 'text', text }),
    click: (idOrLabel) => {
      const prompt = lastPrompt();
      if (!prompt?.promptRef) throw new Error('no question to click on');
      const wanted = Array.isArray(idOrLabel) ? idOrLabel : [idOrLabel];
      const ids = wanted.map((w) => prompt.choices?.find((c) => c.id === w || c.label === w)?.id ?? w);
      return send({ kind: 'choice', promptRef: prompt.promptRef, choiceIds: ids });
    },
    lastPrompt,
  };
}

const readAll = (r: TurnResult) => r.replies.map((x) => x.text).join('\n');

/** Types each utterance at `step`, then returns to it (writing another, or `back`) for the next one. */
export async function scoreAngerAt(engine: Engine, db: Kysely<Database>, corpus: AngerCase[], step: 'next_step' | 'growth_tags'): Promise<AngerScore> {
  const p = talker(engine, `anger-score-${step}`);
  await walkToStep(db, p, step);
  const score: AngerScore = {
    step, hostile: 0, calm: 0, caught: 0, falseAlarms: 0, recall: 0, falseAlarmRate: 0,
    reframeWanted: 0, reframed: 0, missed: [], wronglyCooled: [],
  };
  for (const c of corpus) {
    const result = await p.text(c.text);
    const held = result.replies.some((r) => r.choices?.some((x) => x.id === choiceIds.confirm('keep')));
    const cooled = step === 'next_step' ? held : COOL_OFF.test(readAll(result));
    if (c.hostile) {
      score.hostile++;
      if (cooled) score.caught++;
      else score.missed.push(c.text);
    } else {
      score.calm++;
      if (cooled) {
        score.falseAlarms++;
        score.wronglyCooled.push(c.text);
      }
    }
    if (c.reframe) {
      score.reframeWanted++;
      if (REFRAME.test(readAll(result))) score.reframed++;
    }
    if (held) await p.click(choiceIds.confirm('change'));
    else await returnTo(db, p, step);
  }
  const at = await currentStep(db, p);
  if (at !== step) throw new Error(`the scoring walk drifted to ${at ?? 'nothing'}`);
  score.recall = score.caught / Math.max(1, score.hostile);
  score.falseAlarmRate = score.falseAlarms / Math.max(1, score.calm);
  return score;
}

/**
 * Back to `step` after an answer it took: one `back` from the question after it, or a new walk when
 * the answer finished the debrief (a next step that names its day needs no due-date question).
 */
async function returnTo(db: Kysely<Database>, p: Talker, step: string): Promise<void> {
  const at = await currentStep(db, p);
  if (at === step) return;
  if (at === undefined) await walkToStep(db, p, step);
  else await p.text('back');
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function angerLines(s: AngerScore): string[] {
  return [
    `anger at ${s.step}: recall ${pct(s.recall)} (${s.caught}/${s.hostile}, bar >= 95%), false alarms ${pct(s.falseAlarmRate)} (${s.falseAlarms}/${s.calm}, bar <= 3%), self-blame reframed ${s.reframed}/${s.reframeWanted}`,
    ...s.missed.map((t) => `  missed: ${t}`),
    ...s.wronglyCooled.map((t) => `  false alarm: ${t}`),
  ];
}
