import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/types.js';
import { choiceIds, choiceRole } from '../../src/engine/ids.js';
import type { Actor, Reply, TurnResult } from '../../src/engine/types.js';

/** What the walk needs of a person talking to the engine (the engine harness's Person fits). */
export interface Talker {
  actor: Actor;
  start(): Promise<TurnResult>;
  text(text: string): Promise<TurnResult>;
  click(idOrLabel: string | string[]): Promise<TurnResult>;
  lastPrompt(): Reply | undefined;
}

/** The step the person's open conversation is waiting on, as the database has it. */
export async function currentStep(db: Kysely<Database>, p: Talker): Promise<string | undefined> {
  const row = await db
    .selectFrom('conversations')
    .innerJoin('members', 'members.id', 'conversations.member_id')
    .select(['conversations.step'])
    .where('members.platform', '=', p.actor.platform)
    .where('members.workspace_id', '=', p.actor.workspaceId)
    .where('members.user_id', '=', p.actor.userId)
    .where('conversations.status', 'in', ['active', 'paused'])
    .executeTakeFirst();
  return row?.step ?? undefined;
}

/**
 * Starts a debrief with Acme and answers plainly until it waits on `step`. It goes by the stored step,
 * not the wording, so it keeps working as prompts and the order of questions change.
 */
export async function walkToStep(db: Kysely<Database>, p: Talker, step: string, company = 'Acme Ltd'): Promise<void> {
  await p.start();
  for (let turn = 0; turn < 40; turn++) {
    const at = await currentStep(db, p);
    if (at === step) return;
    const prompt = p.lastPrompt();
    const choices = (prompt?.choices ?? []).filter((c) => choiceRole(c.id).role === 'answer');
    if (at === 'company') await p.text(company);
    else if (at === 'role') await p.text('Product designer');
    // The next step can be skipped; a walk past it names one, as most people do.
    else if (at === 'next_step') await p.text('Practise two salary answers');
    else if (prompt?.choices?.some((c) => c.id === choiceIds.control('skip'))) await p.text('skip');
    else if (choices[0]) await p.click(choices[0].id);
    else await p.text('Practise two salary answers');
  }
  throw new Error(`never reached ${step}`);
}
