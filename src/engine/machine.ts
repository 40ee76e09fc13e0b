import { randomUUID } from 'node:crypto';
import {
  asReply,
  inputOf,
  type AnyFlow,
  type AnyStep,
  type Aside,
  type Completion,
  type Confirmation,
  type FlowRegistry,
  type InputSpec,
} from './flow.js';
import { choiceIds, decodeChoice, decodePrompt, encodePrompt, type ConfirmChoice, type ResumeChoice } from './ids.js';
import { cleanText, dateShortcuts, matchOption, parseInput, yesNoOptions, type RawAnswer } from './inputs.js';
import type { Choice, ConversationState, RecordedAnswer, Reply, TurnInput } from './types.js';

/**
 * The conversation as a function of state and input: `transition(state, input) -> (state, replies,
 * answers to record)`. No I/O here; engine.ts loads the state and writes the result in one transaction.
 */

// The state types live with the engine's other types, where the database layer may import them.
export type { ConversationState, RecordedAnswer } from './types.js';

export interface Outcome {
  replies: Reply[];
  /** Conversations to write, in order (a finished one before the one that replaces it). */
  writes: ConversationState[];
  answers: RecordedAnswer[];
  completion?: { conversationId: string; completion: Completion };
  click?: { status: 'accepted'; labels: string[] } | { status: 'rejected' };
}

export interface MachineContext {
  flows: FlowRegistry;
  defaultFlow: string;
  now: Date;
  resumePromptAfterMs: number;
  idleExpiryMs: number;
  /** What flows with a `load` read for this turn, by flow id (see engine.ts). */
  loaded?: Readonly<Record<string, Record<string, unknown>>>;
  /** The adapter's platform ('slack', 'console', ...): a flow may offer what only some can do. */
  platform?: string;
}

/** The flow a start button begins, e.g. the reflection flow with prompt p07. */
export function parseStart(choiceId: string): { flow: string; arg?: string } | undefined {
  const c = decodeChoice(choiceId);
  if (c.kind !== 'start') return undefined;
  return c.arg === undefined ? { flow: c.flow } : { flow: c.flow, arg: c.arg };
}

const CONTROL_WORDS = ['help', 'back', 'skip', 'pause', 'cancel', 'restart'] as const;
type Control = (typeof CONTROL_WORDS)[number] | 'retry' | 'undo';

/** How long a cancelled conversation can be brought back with `undo`. */
export const UNDO_MS = 10 * 60_000;

export function isControlWord(text: string): text is Control {
  return (CONTROL_WORDS as readonly string[]).includes(text);
}

export const promptRefOf = (s: ConversationState) => encodePrompt({ kind: 'question', conversationId: s.id, seq: s.seq });

const COMMANDS_HELP =
  'At any question you can type *help*, *back* (change the last answer), *skip* (optional questions), ' +
  '*pause* (pick up later), *cancel* or *restart*.';

export function transition(ctx: MachineContext, current: ConversationState | null, input: TurnInput): Outcome {
  const out: Outcome = { replies: [], writes: [], answers: [] };
  const copy = current ? { ...current, answers: { ...current.answers }, trail: [...current.trail] } : null;
  const settled = settle(ctx, copy, input, out);
  if ('done' in settled) return settled.done;
  const conv = settled.conv;
  if (input.kind === 'command') return command(ctx, conv, input.args, out);
  if (input.kind === 'choice') return click(ctx, conv, input.promptRef, input.choiceIds, out);
  return typed(ctx, conv, input.text, out);
}

/**
 * Closes what the passing of time has closed before the input is read: a cancel past its undo window
 * (or undone within it), a conversation left quiet past its expiry.
 */
function settle(ctx: MachineContext, current: ConversationState | null, input: TurnInput, out: Outcome): { conv: ConversationState | null } | { done: Outcome } {
  let conv = current;
  // A cancel stays undoable for a while; anything but `undo` (or the wait running out) makes it final.
  if (conv?.pending === 'cancelled') {
    const undo = isUndo(conv, input);
    if (undo && input.kind === 'choice') out.click = { status: 'accepted', labels: ['Undo'] };
    if (undo && ctx.now.getTime() - conv.updatedAt.getTime() <= UNDO_MS) return { done: undoCancel(ctx, conv, out) };
    out.writes.push({ ...conv, status: 'cancelled', pending: null });
    if (undo) {
      out.replies.push(info(`That was more than ${UNDO_MS / 60_000} minutes ago, so it stays cancelled. \`/debrief\` starts a new one.`));
      return { done: out };
    }
    conv = null;
  }

  // A conversation left alone too long is kept for history but no longer resumed.
  if (conv && ctx.now.getTime() - conv.updatedAt.getTime() > ctx.idleExpiryMs) {
    out.writes.push({ ...conv, status: 'expired' });
    const subject = flowOf(ctx, conv).subject(conv.answers);
    out.replies.push(
      info(
        `Your earlier ${flowOf(ctx, conv).title}${subject ? ` for ${subject}` : ''} sat quiet for a long while, ` +
          "so I've filed it away in your history. Let's begin fresh whenever you like.",
      ),
    );
    conv = null;
  }
  return { conv };
}

/** Typed words: a held answer or a cancel question first, then control words, then an answer. */
function typed(ctx: MachineContext, current: ConversationState | null, text: string, out: Outcome): Outcome {
  let conv = current;
  const word = text.trim().toLowerCase().replace(/^\//, '').replace(/[.!]+$/, '');
  // A control word or a fresh answer lets go of a held one.
  if (conv?.pending === 'confirm') {
    const held = conv.held;
    conv = { ...conv, pending: null, held: null };
    if (!isControlWord(word) && held && !needsResume(ctx, conv)) {
      const hit = matchOption(confirmOptions(ctx, conv, held), text);
      const choice = hit ? decodeChoice(hit.id) : undefined;
      if (choice?.kind === 'confirm') return confirmAnswer(ctx, conv, held, choice.choice, out);
    }
  }
  if (conv?.pending === 'cancel' && word !== 'cancel') {
    if (isControlWord(word)) conv = { ...conv, pending: null };
    else return cancelAnswer(ctx, conv, text, out);
  }
  if (conv && isControlWord(word)) return control(ctx, conv, word, out);
  if (!conv && word === 'undo') {
    out.replies.push(info("There's nothing to undo just now."));
    return greet(out);
  }
  if (!conv) {
    const hit = matchOption(greetOptions, text);
    if (word === 'help' || hit?.id === choiceIds.control('help')) return help(ctx, null, out);
    if (hit) return start(ctx, ctx.defaultFlow, out);
    return greet(out);
  }
  if (conv.pending === 'resume') {
    const hit = matchOption(resumeOptions, text);
    if (hit) return resumeAnswer(ctx, conv, hit.id, out);
    return askResume(ctx, conv, out, false);
  }
  if (needsResume(ctx, conv)) return askResume(ctx, conv, out, true);
  return answer(ctx, conv, { kind: 'text', text }, out);
}

function needsResume(ctx: MachineContext, conv: ConversationState): boolean {
  return conv.status === 'paused' || ctx.now.getTime() - conv.updatedAt.getTime() > ctx.resumePromptAfterMs;
}

function flowOf(ctx: MachineContext, conv: { flow: string }): AnyFlow {
  const flow = ctx.flows.get(conv.flow);
  if (!flow) throw new Error(`unknown flow ${conv.flow}`);
  return flow;
}

function stepOf(flow: AnyFlow, id: string): AnyStep {
  const step = (flow.steps as Record<string, AnyStep>)[id];
  if (!step) throw new Error(`flow ${flow.id} has no step ${id}`);
  return step;
}

const info = (text: string): Reply => ({ text, expectsText: false });

const greetOptions = [
  { id: choiceIds.start('debrief'), label: 'Debrief an interview' },
  { id: choiceIds.control('help'), label: 'What can you do?' },
];

function greet(out: Outcome): Outcome {
  out.replies.push({
    text:
      "Hi, I'm Debrief. After an interview, especially one that didn't go your way, I can walk you " +
      'through a short, private debrief (about five minutes) so the lessons stay with you.',
    choices: greetOptions,
    promptRef: encodePrompt({ kind: 'open' }),
    expectsText: false,
  });
  return out;
}

function help(ctx: MachineContext, conv: ConversationState | null, out: Outcome): Outcome {
  if (conv && conv.pending !== 'resume') {
    const step = stepOf(flowOf(ctx, conv), conv.step);
    out.replies.push(info(`${step.help}\n\n${COMMANDS_HELP}`));
    out.replies.push(prompt(ctx, conv));
    return out;
  }
  out.replies.push(
    info(
      '*Debrief* helps you learn from each interview, whatever the outcome.\n' +
        '• `/debrief` start a debrief (or pick up the one in progress)\n' +
        '• `/debrief history` your past debriefs\n' +
        '• `/debrief insights` patterns across them\n' +
        '• `/debrief checkins on` or `off` a weekly check-in on the steps you set yourself\n' +
        '• `/debrief export` all your data as a file; `/debrief forget` delete it all\n' +
        '• `/debrief admin` community prompts in a channel (workspace admins)\n\n' +
        COMMANDS_HELP,
    ),
  );
  if (conv) return askResume(ctx, conv, out, false);
  return out;
}

function command(ctx: MachineContext, conv: ConversationState | null, args: string, out: Outcome): Outcome {
  const word = args.trim().toLowerCase();
  if (word === '' || word === 'start' || word === 'new') {
    if (!conv) return start(ctx, ctx.defaultFlow, out);
    if (word === 'new') return restart(ctx, conv, out);
    return askResume(ctx, conv, out, true);
  }
  if (word === 'help') return help(ctx, conv, out);
  if (isControlWord(word)) {
    if (conv) return control(ctx, conv, word, out);
    out.replies.push(info("There's no debrief in progress right now. Send `/debrief` to start one."));
    return out;
  }
  out.replies.push(info(`I don't know "${args.trim().slice(0, 40)}" yet. Here's what I can do:`));
  return help(ctx, null, out);
}

function click(
  ctx: MachineContext,
  conv: ConversationState | null,
  promptRef: string,
  ids: string[],
  out: Outcome,
): Outcome {
  const first = decodeChoice(ids[0] ?? '');
  if (first.kind === 'start') {
    const wanted = first.arg === undefined ? { flow: first.flow } : { flow: first.flow, arg: first.arg };
    if (!conv) return start(ctx, wanted.flow, out, wanted.arg);
    // A second click on a start button, an old greeting, or a prompt while something is open: ask,
    // and remember what "start a new one" should begin.
    return askResume(ctx, { ...conv, startWanted: wanted }, out, true);
  }
  if (first.kind === 'control' && first.word === 'help' && decodePrompt(promptRef)?.kind === 'open') return help(ctx, conv, out);
  if (!conv || promptRef !== promptRefOf(conv)) {
    out.click = { status: 'rejected' };
    const shown = decodePrompt(promptRef);
    const mine = conv && shown?.kind === 'question' && shown.conversationId === conv.id;
    out.replies.push(
      info(
        mine
          ? "That question has already been answered, so I left it as it was. Your current question is the latest message."
          : "That button belongs to an earlier conversation, so nothing changed. Send `/debrief` to carry on with yours.",
      ),
    );
    return out;
  }
  if (conv.pending === 'cancel' && first.kind === 'answer' && first.value.startsWith('cancel:')) {
    out.click = { status: 'accepted', labels: [cancelOptions.find((o) => o.id === first.value)?.label ?? first.value] };
    return first.value === 'cancel:yes' ? cancelNow(ctx, conv, out) : carryOn(ctx, conv, out);
  }
  if (first.kind === 'control') {
    out.click = { status: 'accepted', labels: [controlLabel(first.word)] };
    const released = conv.pending === 'confirm' ? { ...conv, pending: null, held: null } : conv;
    return control(ctx, released, first.word, out);
  }
  if (conv.pending === 'resume') {
    const choice = first.kind === 'resume' ? first.choice : 'continue';
    out.click = { status: 'accepted', labels: [resumeOptions.find((o) => o.id === choice)?.label ?? choice] };
    return resumeAnswer(ctx, conv, choice, out);
  }
  if (conv.pending === 'confirm' && conv.held && first.kind === 'confirm') {
    const held = conv.held;
    const label = confirmOptions(ctx, conv, held).find((o) => o.id === choiceIds.confirm(first.choice))?.label ?? first.choice;
    out.click = { status: 'accepted', labels: [label] };
    return confirmAnswer(ctx, { ...conv, pending: null, held: null }, held, first.choice, out);
  }
  return answer(ctx, conv, { kind: 'choice', ids }, out);
}

function controlLabel(word: string): string {
  return { skip: 'Skip', pause: 'Pause', retry: 'Try again', help: 'Help', back: 'Back', undo: 'Undo' }[word] ?? word;
}

function control(ctx: MachineContext, conv: ConversationState, word: Control, out: Outcome): Outcome {
  switch (word) {
    case 'help':
      return help(ctx, conv, out);
    case 'pause': {
      const next = { ...conv, status: 'paused' as const, pending: null, seq: conv.seq + 1 };
      out.writes.push(next);
      out.replies.push(
        info("Paused. Everything you've told me so far is saved. Send `/debrief` whenever you're ready to pick up."),
      );
      return out;
    }
    case 'cancel':
      return askCancel(ctx, conv, out);
    case 'restart':
      return restart(ctx, conv, out);
    case 'undo': // only a cancel can be undone, and that is handled before anything else
      out.replies.push(prompt(ctx, conv, "There's nothing to undo just now."));
      return out;
    case 'retry': {
      const next = { ...conv, misses: 0 };
      out.writes.push(next);
      out.replies.push(prompt(ctx, next));
      return out;
    }
    case 'back':
      return goBack(ctx, conv, out);
    case 'skip':
      return skip(ctx, conv, out);
  }
}

function askCancel(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  if (conv.trail.length === 0 || conv.pending === 'cancel') return cancelNow(ctx, conv, out);
  // Answers would be lost: ask first.
  const n = conv.trail.length;
  const next = { ...conv, pending: 'cancel' as const, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push({
    text: `Cancel this ${flowOf(ctx, conv).title}? The ${n === 1 ? 'answer' : `${n} answers`} you've given would be set aside.`,
    choices: cancelOptions,
    promptRef: promptRefOf(next),
    expectsText: true,
  });
  return out;
}

function goBack(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  if (conv.pending === 'resume') return resumeAnswer(ctx, conv, 'continue', out);
  const previous = conv.trail.at(-1);
  if (!previous) {
    out.replies.push(info("We're at the first question, so there's nothing to go back to."));
    out.replies.push(prompt(ctx, conv));
    return out;
  }
  const next = { ...conv, step: previous, trail: conv.trail.slice(0, -1), misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, 'Sure, back one step.'));
  return out;
}

function skip(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  if (conv.pending === 'resume') return askResume(ctx, conv, out, false);
  const step = stepOf(flowOf(ctx, conv), conv.step);
  if (!step.optional) {
    out.replies.push(info("This one I need to carry on, but a short answer is perfectly fine."));
    out.replies.push(prompt(ctx, conv));
    return out;
  }
  out.answers.push({ conversationId: conv.id, step: step.recordAs ?? step.id, value: null, skipped: true });
  const answers: Record<string, unknown> = { ...conv.answers, [step.id]: null };
  for (const key of step.fills ?? []) delete answers[key];
  return moveOn(ctx, { ...conv, answers }, step, [], out);
}

const cancelOptions = [
  { id: 'cancel:yes', label: 'Yes, cancel it' },
  { id: 'cancel:no', label: 'No, carry on' },
];

/** A typed answer to "cancel this?": yes, no, or (anything else) the question again. */
function cancelAnswer(ctx: MachineContext, conv: ConversationState, text: string, out: Outcome): Outcome {
  const hit = matchOption(cancelOptions, text);
  const yesNo = parseInput({ kind: 'yesno' }, { kind: 'text', text }, ctx.now);
  const yes = hit ? hit.id === 'cancel:yes' : yesNo.ok ? yesNo.value : undefined;
  if (yes === true) return cancelNow(ctx, conv, out);
  if (yes === false) return carryOn(ctx, conv, out);
  out.replies.push({
    text: `Should I cancel this ${flowOf(ctx, conv).title}? A yes or no is all I need.`,
    choices: cancelOptions,
    promptRef: promptRefOf(conv),
    expectsText: true,
  });
  return out;
}

function carryOn(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  const next = { ...conv, pending: null, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, "Good, let's carry on."));
  return out;
}

/**
 * Sets the conversation aside. With answers given it stays loadable for UNDO_MS, marked
 * 'cancelled', so `undo` can bring it back; the next other turn makes it final.
 */
function cancelNow(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  const title = flowOf(ctx, conv).title;
  if (conv.trail.length === 0) {
    out.writes.push({ ...conv, status: 'cancelled', pending: null, seq: conv.seq + 1 });
    out.replies.push(info(`Cancelled. \`/debrief\` starts a new ${title} any time.`));
    return out;
  }
  const next = { ...conv, pending: 'cancelled' as const, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push({
    text:
      `Cancelled. I've set this ${title} aside and it won't count in your insights. ` +
      `Changed your mind? Type *undo* in the next ${UNDO_MS / 60_000} minutes to bring it back.`,
    choices: [{ id: choiceIds.control('undo'), label: 'Undo' }],
    promptRef: promptRefOf(next),
    expectsText: true,
  });
  return out;
}

function isUndo(conv: ConversationState, input: TurnInput): boolean {
  if (input.kind === 'text') return input.text.trim().toLowerCase().replace(/[.!]+$/, '') === 'undo';
  if (input.kind === 'command') return input.args.trim().toLowerCase() === 'undo';
  return input.promptRef === promptRefOf(conv) && input.choiceIds[0] === choiceIds.control('undo');
}

function undoCancel(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  const next = { ...conv, pending: null, status: 'active' as const, misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, "It's back, with everything you told me. Here's where we were."));
  return out;
}

function start(ctx: MachineContext, flowId: string, out: Outcome, arg?: string): Outcome {
  const flow = ctx.flows.get(flowId) ?? flowOf(ctx, { flow: ctx.defaultFlow });
  const seeded = flow.seed?.({ arg, loaded: ctx.loaded?.[flow.id], now: ctx.now }) ?? {};
  const conv: ConversationState = {
    id: randomUUID(),
    flow: flow.id,
    status: 'active',
    step: flow.first,
    seq: 1,
    answers: { ...seeded },
    trail: [],
    misses: 0,
    pending: null,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  out.writes.push(conv);
  out.replies.push(info(flow.intro({ now: ctx.now })));
  out.replies.push(prompt(ctx, conv));
  return out;
}

function restart(ctx: MachineContext, conv: ConversationState, out: Outcome): Outcome {
  out.writes.push({ ...conv, status: 'cancelled', pending: null, startWanted: null, seq: conv.seq + 1 });
  const wanted = conv.startWanted ?? { flow: conv.flow };
  out.replies.push(info(wanted.flow === conv.flow ? "Starting over. I've set the earlier one aside." : "Sure. I've set the earlier one aside."));
  return start(ctx, wanted.flow, out, wanted.arg);
}

const resumeOptions: { id: ResumeChoice; label: string }[] = [
  { id: 'continue', label: 'Continue' },
  { id: 'new', label: 'Start a new one' },
];

function askResume(ctx: MachineContext, conv: ConversationState, out: Outcome, bumpSeq: boolean): Outcome {
  const flow = flowOf(ctx, conv);
  const subject = flow.subject(conv.answers);
  const next = { ...conv, pending: 'resume' as const, seq: bumpSeq || conv.pending !== 'resume' ? conv.seq + 1 : conv.seq };
  out.writes.push(next);
  out.replies.push({
    text: subject
      ? `Welcome back. Would you like to continue your ${flow.title} for ${subject}, or start a new one?`
      : `Welcome back. You have a ${flow.title} in progress. Continue where you left off, or start a new one?`,
    choices: resumeOptions.map((o) => ({
      id: choiceIds.resume(o.id),
      label: o.id === 'new' && next.startWanted && next.startWanted.flow !== conv.flow ? `Start the ${ctx.flows.get(next.startWanted.flow)?.title ?? 'new one'}` : o.label,
    })),
    promptRef: promptRefOf(next),
    expectsText: false,
  });
  return out;
}

function resumeAnswer(ctx: MachineContext, conv: ConversationState, choice: string, out: Outcome): Outcome {
  if (choice === 'new') return restart(ctx, conv, out);
  const next = { ...conv, status: 'active' as const, pending: null, startWanted: null, misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, "Here's where we were."));
  return out;
}

function answer(ctx: MachineContext, conv: ConversationState, raw: RawAnswer, out: Outcome): Outcome {
  const flow = flowOf(ctx, conv);
  const step = stepOf(flow, conv.step);
  const spec = inputOf(step, { answers: conv.answers, now: ctx.now });
  const aside = raw.kind === 'text' ? step.notAnAnswer?.(cleanText(raw.text), { answers: conv.answers, now: ctx.now }) : undefined;
  if (aside) return miss(ctx, conv, step, aside, out, true);
  let parsed: ReturnType<typeof parseInput>;
  let words: string | null | undefined;
  if (spec.kind === 'tags' && spec.textAnswer && raw.kind === 'text') {
    // Typed words at a tags question that takes words too: tagsAndWords reads the tags itself.
    const mixed = tagsAndWords(spec, raw.text, ctx.now);
    parsed = mixed.ok ? { ok: true, value: mixed.value.tags } : mixed;
    if (mixed.ok) words = mixed.value.words;
  } else parsed = parseInput(spec, raw, ctx.now, { optional: step.optional ?? false });
  const checked = parsed.ok ? step.schema.safeParse(parsed.value) : null;
  if (!parsed.ok || !checked?.success) {
    const message = !parsed.ok ? parsed.message : (checked?.error?.issues[0]?.message ?? 'That did not fit.');
    // A clarifying question is the bot's doubt, not the person's miss.
    return miss(ctx, conv, step, message, out, !parsed.ok && parsed.code === 'ambiguous');
  }
  const value = checked.data;
  if (raw.kind === 'choice') out.click = { status: 'accepted', labels: labelsFor(step, value, conv.answers, ctx.now) };
  const confirmation = step.confirm?.(value, { answers: { ...conv.answers, [step.id]: value }, now: ctx.now });
  if (confirmation) return askConfirm(ctx, conv, { step: step.id, value }, confirmation, out);
  return accept(ctx, conv, step, value, true, out, words);
}

/**
 * Records an answer, with what it also gives (`split`, a tags step's words), and moves on; `react` is
 * false for an answer kept after its confirmation.
 */
function accept(
  ctx: MachineContext,
  conv: ConversationState,
  step: AnyStep,
  checked: unknown,
  react: boolean,
  out: Outcome,
  words?: string | null,
): Outcome {
  const flow = flowOf(ctx, conv);
  const spec = inputOf(step, { answers: conv.answers, now: ctx.now });
  const answers: Record<string, unknown> = { ...conv.answers };
  for (const key of step.fills ?? []) delete answers[key];
  const own = { answers: { ...answers, [step.id]: checked }, now: ctx.now };
  const given: Record<string, unknown> = {
    [step.id]: checked,
    ...(step.recordAs ? { [step.recordAs]: checked } : {}),
    ...(spec.kind === 'tags' && spec.textAnswer && words !== undefined ? { [spec.textAnswer]: words } : {}),
    ...(step.split?.(checked, own) ?? {}),
  };
  const value = given[step.id];
  for (const [key, v] of Object.entries(given))
    if (key !== step.id || !step.recordAs) out.answers.push({ conversationId: conv.id, step: key, value: v, skipped: false });
  const stepCtx = { answers: { ...answers, ...given }, now: ctx.now };
  // A word about what they just said (a kind reframe, a cool-off) comes right after their words,
  // before the step's own notes: a long note to copy would otherwise push it out of sight.
  const asides: Aside[] = [];
  if (react && flow.reactToText) {
    const typed = [typeof value === 'string' && spec.kind === 'text' ? value : null, words ?? null];
    for (const t of typed) if (t) asides.push(...flow.reactToText(t, stepCtx));
  }
  asides.push(...(step.after?.(value, stepCtx) ?? []));
  return moveOn(ctx, { ...conv, answers: stepCtx.answers }, step, asides, out);
}

type Held = NonNullable<ConversationState['held']>;

function confirmationOf(ctx: MachineContext, conv: ConversationState, held: Held): Confirmation | null {
  const step = stepOf(flowOf(ctx, conv), held.step);
  return step.confirm?.(held.value, { answers: { ...conv.answers, [held.step]: held.value }, now: ctx.now }) ?? null;
}

function confirmOptions(ctx: MachineContext, conv: ConversationState, held: Held): Choice[] {
  const c = confirmationOf(ctx, conv, held);
  if (!c) return [];
  return [
    { id: choiceIds.confirm('keep'), label: c.labels.keep },
    { id: choiceIds.confirm('change'), label: c.labels.change },
    { id: choiceIds.confirm('later'), label: c.labels.later },
  ];
}

function askConfirm(ctx: MachineContext, conv: ConversationState, held: Held, c: Confirmation, out: Outcome): Outcome {
  const next = { ...conv, pending: 'confirm' as const, held, misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push({
    text: c.text,
    choices: confirmOptions(ctx, next, held),
    promptRef: promptRefOf(next),
    // Typing a new answer is the same as "write a different one".
    expectsText: true,
  });
  return out;
}

function confirmAnswer(ctx: MachineContext, conv: ConversationState, held: Held, choice: ConfirmChoice, out: Outcome): Outcome {
  const c = confirmationOf(ctx, conv, held);
  if (choice === 'keep') return accept(ctx, conv, stepOf(flowOf(ctx, conv), held.step), held.value, false, out);
  if (choice === 'later') {
    out.writes.push({ ...conv, status: 'paused', seq: conv.seq + 1 });
    out.replies.push(info(c?.laterText ?? 'Paused. Send `/debrief` whenever you are ready.'));
    return out;
  }
  const next = { ...conv, misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, c?.changeLead));
  return out;
}

/**
 * A tags question that also takes words: the tags alone ("2, 5" or "prep, rapport"), tag numbers then
 * words ("2, 5 and my portfolio walkthrough"), or words. Words are kept as the person wrote them, with
 * any tags they name also counted, so a sentence is never reduced to a tag or two.
 */
function tagsAndWords(
  spec: Extract<InputSpec, { kind: 'tags' }>,
  text: string,
  now: Date,
): { ok: true; value: { tags: string[]; words: string | null } } | { ok: false; code: string; message: string } {
  const asText = (t: string) => parseInput({ kind: 'text', example: 'my portfolio walkthrough' }, { kind: 'text', text: t }, now);
  const lead = /^\s*(\d+(?:\s*(?:,|&|\band\b|\s)\s*\d+)*)(?!\d)[\s,.;:\u2013\u2014-]*([\s\S]*)$/i.exec(text);
  if (lead && lead[2]!.trim() !== '') {
    const numbers = parseInput(spec, { kind: 'text', text: lead[1]! }, now);
    const rest = asText(lead[2]!.replace(/^(?:and|&)\s+/i, ''));
    if (numbers.ok && rest.ok) return { ok: true, value: { tags: numbers.value as string[], words: rest.value as string } };
  }
  const whole = parseInput(spec, { kind: 'text', text }, now);
  // "none", "nothing really": no tags and nothing to keep.
  if (whole.ok && (whole.value as string[]).length === 0) return { ok: true, value: { tags: [], words: null } };
  if (whole.ok && isTagList(spec.options, text)) return { ok: true, value: { tags: whole.value as string[], words: null } };
  const all = asText(text);
  if (!all.ok) return all;
  return { ok: true, value: { tags: whole.ok ? (whole.value as string[]) : [], words: all.value as string } };
}

/** Whether text is only a list of tags (numbers, labels or their synonyms), with nothing else said. */
function isTagList(options: readonly { id: string; label: string; synonyms?: readonly string[] }[], text: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N} ]+/gu, ' ').replace(/\s+/g, ' ').trim();
  const names = new Set(options.flatMap((o) => [o.id, o.label, ...(o.synonyms ?? [])].map(norm)));
  const parts = text.split(/\s*(?:,|;|&|\band\b|\n)\s*/i).map(norm).filter((p) => p !== '');
  return parts.length > 0 && parts.every((p) => /^[\d ]+$/.test(p) || names.has(p) || names.has(p.replace(/^(?:my|the|a|some) /, '')));
}

function labelsFor(step: AnyStep, value: unknown, answers: Record<string, unknown>, now: Date): string[] {
  const spec = inputOf(step, { answers, now });
  const options =
    spec.kind === 'choice' || spec.kind === 'tags'
      ? spec.options
      : spec.kind === 'date'
        ? dateShortcuts(spec.direction)
        : spec.kind === 'yesno'
          ? yesNoOptions
          : [];
  const values = Array.isArray(value) ? value : [value];
  // A yes/no answer is stored as a boolean; its label is the word, never "false".
  const idOf = (v: unknown) => (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  return values.map((v) => options.find((o) => o.id === idOf(v))?.label ?? idOf(v));
}

function miss(ctx: MachineContext, conv: ConversationState, step: AnyStep, message: string, out: Outcome, doubt = false): Outcome {
  const next = { ...conv, misses: conv.misses + (doubt ? 0 : 1) };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next, message));
  if (next.misses >= 3 && !doubt) {
    const choices: Choice[] = [];
    if (step.optional) choices.push({ id: choiceIds.control('skip'), label: 'Skip this one' });
    choices.push({ id: choiceIds.control('pause'), label: 'Pause for now' }, { id: choiceIds.control('retry'), label: 'Try again' });
    // The question stays answerable above; this offers a way round it.
    out.replies.push({
      text: `This one seems to be getting in the way. ${
        step.optional ? 'We can skip it, or pause' : 'We can pause'
      } and come back later, or have another go.`,
      choices,
      promptRef: promptRefOf(next),
      expectsText: true,
    });
  }
  return out;
}

function moveOn(ctx: MachineContext, conv: ConversationState, step: AnyStep, asides: Aside[], out: Outcome): Outcome {
  const flow = flowOf(ctx, conv);
  out.replies.push(...asides.map(asReply));
  const trail = [...conv.trail, step.id];
  const nextId = step.next(conv.answers);
  if (nextId === null) {
    const done = { ...conv, trail, status: 'completed' as const, misses: 0, pending: null, seq: conv.seq + 1 };
    out.writes.push(done);
    const completion = flow.complete(pathAnswers(flow, done), { now: ctx.now, ...(ctx.platform ? { platform: ctx.platform } : {}) });
    if (completion.card) out.replies.push({ text: completion.card.title, card: completion.card, expectsText: false });
    out.replies.push(...completion.closing.map(asReply), ...(completion.offers ?? []));
    out.completion = { conversationId: done.id, completion };
    if (completion.chain) return start(ctx, completion.chain, out);
    return out;
  }
  const next = { ...conv, trail, step: nextId, misses: 0, seq: conv.seq + 1 };
  out.writes.push(next);
  out.replies.push(prompt(ctx, next));
  return out;
}

/** Only the answers on the path actually taken: `back` and a new branch leave others behind. */
export function pathAnswers(flow: AnyFlow, conv: ConversationState): Record<string, unknown> {
  const filled = new Set(Object.values(flow.steps as Record<string, AnyStep>).flatMap((st) => st.fills ?? []));
  const isStep = (key: string) => key in flow.steps || filled.has(key);
  const seeded = Object.entries(conv.answers).filter(([key]) => !isStep(key));
  const answered = conv.trail
    .flatMap((id) => [id, ...(stepOf(flow, id).fills ?? [])])
    .filter((id) => id in conv.answers)
    .map((id) => [id, conv.answers[id]] as const);
  return Object.fromEntries([...seeded, ...answered]);
}

/** Walks the flow from its first step over the trail; a consistent state ends at its own step. */
export function replayStep(flow: AnyFlow, conv: Pick<ConversationState, 'answers' | 'trail'>): string | null {
  let step: string | null = flow.first;
  for (const id of conv.trail) {
    if (id !== step) return `<diverged at ${id}>`;
    step = stepOf(flow, id).next(conv.answers);
  }
  return step;
}

export function prompt(ctx: MachineContext, conv: ConversationState, lead?: string): Reply {
  const flow = flowOf(ctx, conv);
  const step = stepOf(flow, conv.step);
  const question = step.prompt({ answers: conv.answers, now: ctx.now });
  const spec = inputOf(step, { answers: conv.answers, now: ctx.now });
  let choices: Choice[] = [];
  let multi = false;
  let expectsText = true;
  let hint = '';
  switch (spec.kind) {
    case 'choice':
      choices = spec.options.map(({ id, label }) => ({ id, label }));
      break;
    case 'tags':
      choices = spec.options.map(({ id, label }) => ({ id, label }));
      multi = true;
      hint = spec.textAnswer
        ? '\n_Pick any that fit, or type numbers and words, like "1, 3 and my portfolio walkthrough"._'
        : '\n_Pick any that fit; you can type several, like "1, 3"._';
      break;
    case 'scale':
      choices = Array.from({ length: spec.max - spec.min + 1 }, (_, i) => ({
        id: String(spec.min + i),
        label: String(spec.min + i),
      }));
      hint = `\n_${spec.min} = ${spec.lowLabel}, ${spec.max} = ${spec.highLabel}_`;
      break;
    case 'yesno':
      choices = yesNoOptions.map(({ id, label }) => ({ id, label }));
      break;
    case 'date':
      choices = dateShortcuts(spec.direction);
      hint = `\n_Or type it, e.g. "${spec.direction === 'past' ? 'last Tuesday' : 'in two weeks'}" or "${spec.example}"._`;
      break;
    case 'text':
      expectsText = true;
      break;
  }
  if (spec.kind === 'choice' || spec.kind === 'tags' || spec.kind === 'scale' || spec.kind === 'yesno')
    expectsText = true; // typed numbers and labels are accepted too
  if (step.optional) choices.push({ id: choiceIds.control('skip'), label: 'Skip' });
  const previous = conv.answers[step.id];
  const alongside = (spec.kind === 'tags' && spec.textAnswer ? [conv.answers[spec.textAnswer]] : []).filter((v): v is string => typeof v === 'string');
  const said = previous !== undefined && previous !== null ? [...labelsFor(step, previous, conv.answers, ctx.now), ...alongside] : [];
  const reminder = said.length > 0 ? `\n_Before, you said: ${said.join(', ')}_` : '';
  return {
    text: `${lead ? `${lead}\n\n` : ''}${question}${hint}${reminder}`,
    ...(choices.length > 0 ? { choices } : {}),
    ...(multi ? { multi } : {}),
    promptRef: promptRefOf(conv),
    expectsText,
  };
}
