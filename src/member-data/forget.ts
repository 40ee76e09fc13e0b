import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { CommandHandler } from '../engine/engine.js';
import { choiceIds, commandPromptRef } from '../engine/ids.js';
import type { Reply } from '../engine/types.js';
import { rewriteTables } from '../db/maintenance.js';
import { countMemberRows, deleteMemberRows, memberTables } from '../db/member-tables.js';
import { deleteMemberFiles } from './member-files.js';

/** A "yes, delete everything" button older than this is refused: the person may have changed their mind. */
export const CONFIRM_WINDOW_MS = 10 * 60_000;

export interface ForgetCounts {
  debriefs: number;
  actionItems: number;
  conversations: number;
  answers: number;
  inboundEvents: number;
  /** Rows of the member tables the reply does not name one by one (check-in slots, queued DMs, servers). */
  other: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

type AskCounts = Omit<ForgetCounts, 'answers' | 'inboundEvents' | 'other'>;

async function countMemberData(trx: Transaction<Database>, memberId: string): Promise<AskCounts> {
  const n = await countMemberRows(trx, memberId, ['debriefs', 'action_items', 'conversations']);
  return { debriefs: n.debriefs, actionItems: n.action_items, conversations: n.conversations };
}

/** Deletes every row about the member, from every member table, in the turn's transaction, and counts what went. */
export async function forgetMember(trx: Transaction<Database>, memberId: string): Promise<ForgetCounts> {
  // The engine records this very turn after the command, with no member once the row is gone.
  const n = await deleteMemberRows(trx, memberId);
  const other = memberTables.filter((e) => !e.exportAs).reduce((sum, e) => sum + n[e.table], 0);
  return {
    debriefs: n.debriefs,
    actionItems: n.action_items,
    conversations: n.conversations,
    answers: n.answers,
    inboundEvents: n.inbound_events,
    other,
  };
}

function askReply(c: AskCounts, now: Date): Reply {
  const what =
    c.debriefs + c.actionItems + c.conversations > 0
      ? `${plural(c.debriefs, 'debrief')}, ${plural(c.actionItems, 'next step')}, ${plural(c.conversations, 'conversation')} with every answer you gave, and the record of your messages`
      : 'the record of your messages (there are no debriefs yet)';
  return {
    text:
      `This deletes everything Debrief holds about you: ${what}. It can't be undone.\n\n` +
      'Would you like a copy first? `/debrief export` sends you one. Otherwise, are you sure? ' +
      '(You can also type `/debrief forget confirm`.)',
    choices: [
      { id: choiceIds.command('forget', 'confirm'), label: 'Yes, delete everything' },
      { id: choiceIds.command('forget', 'keep'), label: 'No, keep my data' },
    ],
    promptRef: commandPromptRef(now),
    expectsText: false,
  };
}

function doneText(c: ForgetCounts): string {
  const parts = [
    plural(c.debriefs, 'debrief'),
    plural(c.actionItems, 'next step'),
    `${plural(c.conversations, 'conversation')} with ${plural(c.answers, 'answer')}`,
    `the record of ${plural(c.inboundEvents, 'message or click', 'messages and clicks')}`,
    ...(c.other ? [plural(c.other, 'other record')] : []),
  ];
  return (
    `Done. I deleted ${parts.join(', ')}, and your member record. Debrief holds nothing about you now.\n\n` +
    "If you come back, you'll start fresh, and you're welcome any time. Good luck with what comes next."
  );
}

/**
 * `/debrief forget`: asks first, with buttons; `forget:confirm` (or typing `/debrief forget confirm`)
 * deletes, `forget:keep` leaves everything as it is. Once the deletion has committed, the files kept
 * for the member go, and the member tables are rewritten so the deleted rows leave the database's
 * files too (see rewriteTables).
 */
export function createForgetCommand(opts: { dataDir: string }): CommandHandler {
  return async ({ trx, actor, memberId, args, now, issuedAt, afterCommit }) => {
    const word = args[0];
    if (word === 'keep') return [{ text: "Good, nothing deleted. Your debriefs are where you left them.", expectsText: false }];
    if (word === 'confirm') {
      if (issuedAt && now.getTime() - issuedAt.getTime() > CONFIRM_WINDOW_MS)
        return [
          {
            text:
              "That button is from a while ago, so to be safe I've deleted nothing. If you still want everything gone, " +
              '`/debrief forget` asks once more.',
            expectsText: false,
          },
        ];
      const counts = await forgetMember(trx, memberId);
      afterCommit(async (db) => {
        await deleteMemberFiles(opts.dataDir, actor);
        await rewriteTables(db, memberTables.map((e) => e.table));
      });
      return [{ text: doneText(counts), expectsText: false }];
    }
    return [askReply(await countMemberData(trx, memberId), now)];
  };
}
