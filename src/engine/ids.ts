/**
 * The ids carried in buttons and sent back with a click: which question a reply asked (its promptRef)
 * and what each choice means. They are encoded and decoded here only; elsewhere they are opaque
 * strings, or the typed values below. The wire forms are kept as they were first posted, so a button
 * already sitting in someone's DM still works after a deploy.
 */

import type { TurnInput } from './types.js';

/** The words a person may also click: ways round a question rather than answers to it. */
export type ControlWord = 'help' | 'back' | 'skip' | 'pause' | 'retry' | 'undo';
export type ResumeChoice = 'continue' | 'new';
/** About an answer held for confirmation: keep it, write another, or come back later. */
export type ConfirmChoice = 'keep' | 'change' | 'later';

export type ChoiceRef =
  /** One of a step's options (a plain option id, e.g. 'rejected'). */
  | { kind: 'answer'; value: string }
  | { kind: 'control'; word: ControlWord }
  /** Begin a flow, e.g. from a community prompt: the reflection flow with prompt p07. */
  | { kind: 'start'; flow: string; arg?: string }
  | { kind: 'resume'; choice: ResumeChoice }
  | { kind: 'confirm'; choice: ConfirmChoice }
  /** A button a command offered (only under a command promptRef): `/debrief <name> <args...>`. */
  | { kind: 'command'; name: string; args: string[] };

export type PromptRef =
  /** Question `seq` of a conversation: a click on an older question is turned away. */
  | { kind: 'question'; conversationId: string; seq: number }
  /** A command's reply, given at `issuedAt`, so a stale confirmation can be refused. */
  | { kind: 'command'; issuedAt: Date }
  /** A reply that belongs to no conversation (greetings, community posts): its buttons start things. */
  | { kind: 'open' };

const CONTROL = 'cmd';
const START = 'start';
const RESUME = 'resume';
const CONFIRM = 'confirm';
const COMMAND = 'command';
/** The promptRef of replies outside any conversation; also what a button without one carries. */
export const OPEN_PROMPT = 'none';
const OPEN = OPEN_PROMPT;

export function encodeChoice(c: ChoiceRef): string {
  switch (c.kind) {
    case 'answer':
      return c.value;
    case 'control':
      return `${CONTROL}:${c.word}`;
    case 'start':
      return c.arg === undefined ? `${START}:${c.flow}` : `${START}:${c.flow}:${c.arg}`;
    case 'resume':
      return `${RESUME}:${c.choice}`;
    case 'confirm':
      return `${CONFIRM}:${c.choice}`;
    case 'command':
      return [c.name, ...c.args].join(':');
  }
}

const CONTROL_WORDS: readonly string[] = ['help', 'back', 'skip', 'pause', 'retry', 'undo'] satisfies ControlWord[];

/**
 * What a clicked choice id means. Command choices are `<name>:<arg>` with no marker of their own, so
 * they are told apart by the promptRef of the reply they came from.
 */
export function decodeChoice(id: string, promptRef?: string): ChoiceRef {
  if (promptRef !== undefined && decodePrompt(promptRef)?.kind === 'command') {
    const [name = '', ...args] = id.split(':');
    return { kind: 'command', name, args };
  }
  const start = /^start:([\w-]+)(?::(.+))?$/.exec(id);
  if (start) return start[2] ? { kind: 'start', flow: start[1]!, arg: start[2] } : { kind: 'start', flow: start[1]! };
  const [head, rest] = splitOnce(id);
  if (head === CONTROL && CONTROL_WORDS.includes(rest)) return { kind: 'control', word: rest as ControlWord };
  if (head === RESUME && (rest === 'continue' || rest === 'new')) return { kind: 'resume', choice: rest };
  if (head === CONFIRM && (rest === 'keep' || rest === 'change' || rest === 'later')) return { kind: 'confirm', choice: rest };
  return { kind: 'answer', value: id };
}

export function encodePrompt(p: PromptRef): string {
  switch (p.kind) {
    case 'question':
      return `${p.conversationId}:${p.seq}`;
    case 'command':
      return `${COMMAND}:${p.issuedAt.getTime()}`;
    case 'open':
      return OPEN;
  }
}

/** undefined for a string no reply of ours carries (a forged or mangled click). */
export function decodePrompt(ref: string): PromptRef | undefined {
  if (ref === OPEN) return { kind: 'open' };
  const command = /^command:(\d+)$/.exec(ref);
  if (command) return { kind: 'command', issuedAt: new Date(Number(command[1])) };
  const question = /^(.+):(\d+)$/.exec(ref);
  if (question) return { kind: 'question', conversationId: question[1]!, seq: Number(question[2]) };
  return undefined;
}

/** The promptRef of a command's reply given now; see PromptRef 'command'. */
export const commandPromptRef = (now: Date) => encodePrompt({ kind: 'command', issuedAt: now });

/**
 * The `/debrief <name> ...` command a turn invokes, typed or clicked on a command's button; undefined
 * for dialogue turns (answers and control words stay with the machine).
 */
export function commandOf(input: TurnInput): { name: string; args: string[]; issuedAt?: Date } | undefined {
  if (input.kind === 'choice') {
    const issued = decodePrompt(input.promptRef);
    const choice = decodeChoice(input.choiceIds[0] ?? '', input.promptRef);
    return issued?.kind === 'command' && choice.kind === 'command' && choice.name
      ? { name: choice.name, args: choice.args, issuedAt: issued.issuedAt }
      : undefined;
  }
  if (input.kind !== 'command') return undefined;
  const [name, ...args] = input.args.trim().toLowerCase().split(/\s+/);
  return name ? { name, args } : undefined;
}

/** Shorthands for the choice ids the engine and flows offer. */
export const choiceIds = {
  control: (word: ControlWord) => encodeChoice({ kind: 'control', word }),
  start: (flow: string, arg?: string) => encodeChoice(arg === undefined ? { kind: 'start', flow } : { kind: 'start', flow, arg }),
  resume: (choice: ResumeChoice) => encodeChoice({ kind: 'resume', choice }),
  confirm: (choice: ConfirmChoice) => encodeChoice({ kind: 'confirm', choice }),
  command: (name: string, ...args: string[]) => encodeChoice({ kind: 'command', name, args }),
};

/** How an adapter shows a choice: an answer, or a way round the question (drawn apart, and in the
 *  terminal named as the word to type). Adapters ask this rather than read the id. */
export function choiceRole(id: string): { role: 'answer' } | { role: 'control'; word: ControlWord } {
  const c = decodeChoice(id);
  return c.kind === 'control' ? { role: 'control', word: c.word } : { role: 'answer' };
}

export const isCommandPrompt = (ref: string | undefined) => ref !== undefined && decodePrompt(ref)?.kind === 'command';
export const isOpenPrompt = (ref: string | undefined) => ref !== undefined && decodePrompt(ref)?.kind === 'open';

/** A command's button as the words to type after `/debrief` (the terminal has no buttons). */
export function commandWords(id: string): string {
  return id.split(':').join(' ');
}

function splitOnce(id: string): [string, string] {
  const i = id.indexOf(':');
  return i < 0 ? [id, ''] : [id.slice(0, i), id.slice(i + 1)];
}
