import { sql } from 'kysely';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Reply, TurnInput, TurnResult } from '../../src/engine/types.js';
import { freshDatabase, silentLogger } from './fresh-db.js';

/**
 * The real engine on a real database of the test's own, with a clock the test moves. `as(user)` gives
 * a little client that remembers the last question, so tests read like a conversation.
 */
export async function engineHarness(env: Record<string, string> = {}) {
  const database = await freshDatabase();
  let now = new Date('2026-11-27T12:00:00Z');
  const app: App = await createApp(loadConfig(env), silentLogger, { database, clock: () => now });
  let seq = 0;

  function as(userId: string, platform = 'test', workspaceId = 'T1') {
    let last: TurnResult | undefined;
    const send = async (input: TurnInput, eventId = `ev-${++seq}`) => {
      last = await app.engine.handle({ platform, workspaceId, userId, eventId, input });
      return last;
    };
    const lastPrompt = (): Reply | undefined => [...(last?.replies ?? [])].reverse().find((r) => r.promptRef);
    return {
      actor: { platform, workspaceId, userId },
      send,
      start: () => send({ kind: 'command', args: '' }),
      command: (args: string) => send({ kind: 'command', args }),
      text: (text: string, eventId?: string) => send({ kind: 'text', text }, eventId),
      /** Clicks a choice of the latest question, by id or by label. */
      click: (idOrLabel: string | string[], eventId?: string) => {
        const prompt = lastPrompt();
        if (!prompt?.promptRef) throw new Error('no question to click on');
        const wanted = Array.isArray(idOrLabel) ? idOrLabel : [idOrLabel];
        const ids = wanted.map((w) => prompt.choices?.find((c) => c.id === w || c.label === w)?.id ?? w);
        return send({ kind: 'choice', promptRef: prompt.promptRef, choiceIds: ids }, eventId);
      },
      get last() {
        return last;
      },
      lastPrompt,
      /** All reply texts of the latest turn, joined: what the person just read. */
      read: () => (last?.replies ?? []).map((r) => [r.text, r.copyable ?? '', ...(r.card?.fields.map((f) => `${f.label}: ${f.value}`) ?? [])].join('\n')).join('\n---\n'),
    };
  }

  return {
    app,
    db: database.db,
    as,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
    setNow: (at: Date) => {
      now = at;
    },
    now: () => now,
    close: () => app.close(),
  };
}

export type Harness = Awaited<ReturnType<typeof engineHarness>>;
export type Person = ReturnType<Harness['as']>;

export async function memberRows(h: Harness, person: Person) {
  const member = await h.db
    .selectFrom('members')
    .selectAll()
    .where('platform', '=', person.actor.platform)
    .where('workspace_id', '=', person.actor.workspaceId)
    .where('user_id', '=', person.actor.userId)
    .executeTakeFirstOrThrow();
  const conversations = await h.db.selectFrom('conversations').selectAll().where('member_id', '=', member.id).orderBy('created_at').orderBy(sql`ended_at nulls last`).execute();
  const answers = await h.db
    .selectFrom('answers')
    .selectAll()
    .where('conversation_id', 'in', conversations.length ? conversations.map((c) => c.id) : ['00000000-0000-0000-0000-000000000000'])
    .orderBy('id')
    .execute();
  const debriefs = await h.db.selectFrom('debriefs').selectAll().where('member_id', '=', member.id).execute();
  const actionItems = await h.db.selectFrom('action_items').selectAll().where('member_id', '=', member.id).execute();
  return { member, conversations, answers, debriefs, actionItems };
}
