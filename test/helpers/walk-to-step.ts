import type { Harness, Person } from './engine-harness.js';

/** The step the person's open conversation is waiting on, as the database has it. */
export async function currentStep(h: Harness, p: Person): Promise<string | undefined> {
  const row = await h.db
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
export async function walkToStep(h: Harness, p: Person, step: string, company = 'Acme Ltd'): Promise<void> {
  await p.start();
  for (let turn = 0; turn < 40; turn++) {
    const at = await currentStep(h, p);
    if (at === step) return;
    const prompt = p.lastPrompt();
    const choices = (prompt?.choices ?? []).filter((c) => !c.id.startsWith('cmd:'));
    if (at === 'company') await p.text(company);
    else if (at === 'role') await p.text('Product designer');
    else if (prompt?.choices?.some((c) => c.id === 'cmd:skip')) await p.text('skip');
    else if (choices[0]) await p.click(choices[0].id);
    else await p.text('Practise two salary answers');
  }
  throw new Error(`never reached ${step}`);
}
