import type { ZodType } from 'zod';
import type { Card, FlowReads, FlowWrites, Reply } from './types.js';

/**
 * A dialogue as data. The engine walks steps; a flow file says what is asked, how answers are
 * checked, and where each answer leads. Adding a question is a change to a flow file only.
 */

export interface Option {
  id: string;
  label: string;
  /** What people type for it besides its number and label ("they ghosted me", "coding round").
   *  Matched as whole words, in any case, typos forgiven; a longer phrase wins over a shorter one. */
  synonyms?: readonly string[];
}

export type InputSpec =
  | { kind: 'text'; maxLength?: number; example: string }
  | { kind: 'choice'; options: readonly Option[] }
  /** `textAnswer`: words typed with (or instead of) the tags are kept as this other answer, so one
   *  question takes "2, 5, and my portfolio walkthrough". List it in the step's `fills`. */
  | { kind: 'tags'; options: readonly Option[]; textAnswer?: string }
  | {
      kind: 'scale';
      min: number;
      max: number;
      lowLabel: string;
      highLabel: string;
      /** Words for each point ("awful" for 1, "ok I guess" for 3), so a feeling can be said, not scored. */
      words?: Readonly<Record<number, readonly string[]>>;
    }
  | { kind: 'date'; direction: 'past' | 'future'; example: string }
  /** `yes`/`no`: phrases this question's answers take besides the usual ones ("nothing this week"). */
  | { kind: 'yesno'; yes?: readonly string[]; no?: readonly string[] };

/** The value each input kind produces, before the step's schema refines it. */
export interface InputValue {
  text: string;
  choice: string;
  tags: string[];
  scale: number;
  date: string;
  yesno: boolean;
}

export interface StepContext<A> {
  answers: Partial<A>;
  now: Date;
}

/** Extra messages after an answer: empathy, a template to copy, a gentle word of caution. */
export type Aside = { text: string; copyable?: string };

/**
 * A question asked before an answer is kept (a next step written in anger): the answer waits, unsaved,
 * until the person keeps it, writes another, or pauses to come back later.
 */
export interface Confirmation {
  text: string;
  labels: { keep: string; change: string; later: string };
  /** Said above the question again when they choose to write another. */
  changeLead: string;
  /** Said when they choose to come back later; the conversation pauses. */
  laterText: string;
}

export interface Step<A, K extends keyof A & string = keyof A & string> {
  id: K;
  prompt: (ctx: StepContext<A>) => string;
  /** Usually fixed; a function when the options come from earlier answers or seeded data. */
  input: InputSpec | ((ctx: StepContext<A>) => InputSpec);
  /** Checks the value the input produced; its error message becomes the re-prompt. */
  schema: ZodType<A[K]>;
  optional?: boolean;
  help: string;
  next: (answers: Partial<A>) => (keyof A & string) | null;
  /** Reads one answer as several ("Acme, product designer" as company and role): the answers it
   *  gives, its own included. Only the keys returned are recorded. */
  split?: (value: A[K], ctx: StepContext<A>) => Partial<A>;
  /** Other answers this step may give (by `split`, a tags step's `textAnswer` or `recordAs`): cleared
   *  when the step is answered again, and kept with it on the path taken. */
  fills?: readonly (keyof A & string)[];
  /** For a step that asks apart for an answer another step usually gives (the role, when the first
   *  answer named only the company): the answer is that one, recorded once under its name. The step's
   *  own id stays in the conversation, so `next` can tell the question was asked. List it in `fills`. */
  recordAs?: keyof A & string;
  /** Words that answer something else ("hi" at the first question, "not sure" at the next step): what
   *  to say before the question is asked again. Nothing is kept, and it is no miss: the person is
   *  talking to us, not getting the question wrong. */
  notAnAnswer?: (text: string, ctx: StepContext<A>) => string | undefined;
  after?: (value: A[K], ctx: StepContext<A>) => Aside[];
  /** When it returns a question, the answer is held until the person has chosen (see Confirmation). */
  confirm?: (value: A[K], ctx: StepContext<A>) => Confirmation | null;
}

export interface Completion {
  card?: Card;
  closing: Aside[];
  /** Another flow to begin straight away (a reflection that turns into a debrief). */
  chain?: string;
  /** Offers after the closing words, e.g. a button that turns on check-ins (a command's button). */
  offers?: Reply[];
  /** Keeps the flow's record (a debrief and its next step) through the port, in the turn's own
   *  transaction: the flow says what to keep, src/db how. */
  save?: (records: FlowWrites) => Promise<void>;
}

export interface Flow<A> {
  id: string;
  /** A short name for "continue your <title> for <subject>?". */
  title: string;
  first: keyof A & string;
  /** A step for each answer, except those only ever given alongside another step's (its `fills`). */
  steps: { [K in keyof A & string]?: Step<A, K> };
  intro: (ctx: { now: Date }) => string;
  /** What the conversation is about, once known ("Acme, Product designer"). */
  subject: (answers: Partial<A>) => string | undefined;
  /** Looked at for every free-text answer; may add an aside (angry words about an employer). */
  reactToText?: (text: string, ctx: StepContext<A>) => Aside[];
  /** `platform` lets a flow leave out what that platform cannot do (the terminal sends no check-ins). */
  complete: (answers: Partial<A>, ctx: { now: Date; platform?: string }) => Completion;
  /** Data the flow needs before its first question (e.g. a member's open next steps), read through the
   *  port when the flow is about to start. */
  load?: (ctx: { records: FlowReads; now: Date }) => Promise<Record<string, unknown>>;
  /** Answers known at the start, from the start button's argument and from `load`. Keys that are not
   *  step ids are kept with the answers for the whole conversation. */
  seed?: (ctx: { arg: string | undefined; loaded: Record<string, unknown> | undefined; now: Date }) => Partial<A>;
}

export function inputOf<A>(step: Step<A, keyof A & string>, ctx: StepContext<A>): InputSpec {
  return typeof step.input === 'function' ? step.input(ctx) : step.input;
}

/** Erases the answer type so flows of different shapes can sit in one registry. */
export type AnyFlow = Flow<any>;
export type AnyStep = Step<any, string>;

export type FlowRegistry = ReadonlyMap<string, AnyFlow>;

export function asReply(aside: Aside): Reply {
  return { text: aside.text, expectsText: false, ...(aside.copyable ? { copyable: aside.copyable } : {}) };
}
