import { choiceRole, commandWords, isCommandPrompt, type Reply } from '../../src/app.js';
import { choiceLayout } from '../render-common.js';

/** The engine's light markup (*bold*, _italic_, `code`) as terminal text, with colour on a TTY. */
function markup(text: string, color: boolean): string {
  const bold = color ? '\x1b[1m$1\x1b[22m' : '$1';
  const dim = color ? '\x1b[2m$1\x1b[22m' : '$1';
  return text
    .replace(/\*([^*\n]+)\*/g, bold)
    .replace(/(?<![\w])_([^_\n]+)_(?![\w])/g, dim)
    .replace(/`([^`\n]+)`/g, '$1');
}

/**
 * Breaks a line at spaces so no word is cut by the terminal's own wrapping; a single word longer than
 * the width (a long link) is left whole rather than broken.
 */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const out: string[] = [];
  let current = '';
  for (const word of line.split(/ +/)) {
    if (current !== '' && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  out.push(current);
  return out;
}

/**
 * Renders replies as plain lines: choices numbered, commands named, cards as label/value rows. `width`
 * is the terminal's (process.stdout.columns); a note to copy is wrapped to it.
 */
export function renderReply(reply: Reply, color: boolean, width = 80): string {
  const lines: string[] = [markup(reply.text, color)];
  if (reply.card) {
    const width = Math.max(...reply.card.fields.map((f) => f.label.length));
    lines.splice(0, 1, markup(`*${reply.card.title}*`, color));
    for (const f of reply.card.fields) lines.push(`  ${f.label.padEnd(width)}  ${f.value}`);
  }
  const choices = reply.choices ?? [];
  // A command's buttons (forget's confirmation, turning on check-ins) are commands to type here.
  if (isCommandPrompt(reply.promptRef)) {
    for (const c of choices) lines.push(`  • ${c.label}: type /debrief ${commandWords(c.id)}`);
    return withCopyable(lines, reply, width);
  }
  const { answers = [], controls = [] } = choiceLayout(reply) ?? {};
  // A 1-5 scale reads better on one line than as five numbered rows of its own numbers.
  if (answers.length > 0 && answers.every((c, i) => c.label === String(i + 1))) lines.push(`  ${answers.map((c) => c.label).join('  ')}`);
  else answers.forEach((c, i) => lines.push(`  ${i + 1}) ${c.label}`));
  // Typing is itself the retry here, so "try again" is not offered as a word.
  const words = controls.flatMap((c) => {
    const r = choiceRole(c.id);
    return r.role === 'control' && r.word !== 'retry' ? [r.word] : [];
  });
  if (words.length > 0) lines.push(markup(`_(or type ${words.join(' / ')})_`, color));
  return withCopyable(lines, reply, width);
}

/**
 * A note to copy is printed as its own plain lines between blank ones: no gutter or indent that a
 * mouse selection would pick up, and wrapped at word boundaries, since the terminal would otherwise
 * break words in the middle.
 */
function withCopyable(lines: string[], reply: Reply, width: number): string {
  if (reply.copyable) {
    lines.push('');
    for (const l of reply.copyable.split('\n')) lines.push(...wrap(l, Math.max(20, width)));
  }
  return lines.join('\n');
}
