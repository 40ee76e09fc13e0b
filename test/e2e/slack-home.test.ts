import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_LABEL } from '../../adapters/slack/home-view.js';
import { memberHome } from '../../src/home/member-home.js';
import { TEAM_ID, startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { buttonLabels, visibleText, waitFor } from '../helpers/slack-requests.js';

/** The App Home tab: a member opens it and sees their open next steps and last debriefs. */

const USER = 'U0HOMEUSER1';
const NEIGHBOUR = 'U0NEIGHBOR1';
const NEWCOMER = 'U0NEWCOMER1';

describe('Slack: the App Home tab', () => {
  let h: SlackHarness;

  async function seed(userId: string, debriefs: { company: string; role: string; outcome: string; date: string | null; at: string; step?: string; due?: string | null; status?: 'open' | 'done' | 'dropped' }[]) {
    const memberId = randomUUID();
    await h.database.db.insertInto('members').values({ id: memberId, platform: 'slack', workspace_id: TEAM_ID, user_id: userId, time_zone: 'UTC' }).execute();
    for (const d of debriefs) {
      const id = randomUUID();
      await h.database.db
        .insertInto('debriefs')
        .values({
          id,
          member_id: memberId,
          company: d.company,
          role: d.role,
          stage: 'panel',
          interview_date: d.date,
          outcome: d.outcome,
          strength_tags: JSON.stringify([]),
          growth_tags: JSON.stringify([]),
          created_at: d.at,
        })
        .execute();
      if (d.step)
        await h.database.db
          .insertInto('action_items')
          .values({ id: randomUUID(), member_id: memberId, debrief_id: id, text: d.step, due_date: d.due ?? null, status: d.status ?? 'open', created_at: d.at })
          .execute();
    }
  }

  beforeAll(async () => {
    h = await startSlackHarness();
    await seed(USER, [
      { company: 'Globex', role: 'Analyst', outcome: 'offer', date: '2026-09-01', at: '2026-09-02T10:00:00Z', step: 'Negotiate the start date', status: 'done' },
      { company: 'Initech', role: 'Engineer', outcome: 'waiting', date: null, at: '2026-10-05T10:00:00Z', step: 'Send a follow-up note', due: '2026-10-12' },
      { company: 'A&B <Labs>', role: 'Designer', outcome: 'rejected', date: '2026-11-20', at: '2026-11-21T10:00:00Z', step: 'Practise salary answers', due: null },
    ]);
    await seed(NEIGHBOUR, [{ company: 'Umbrella', role: 'Chemist', outcome: 'rejected', date: '2026-11-01', at: '2026-11-02T10:00:00Z', step: 'Ask Umbrella for feedback' }]);
  });
  afterAll(async () => h?.close());

  it('memberHome reads open items (soonest due first) and recent debriefs (newest first) for one member', async () => {
    const home = await memberHome(h.database.db, { platform: 'slack', workspaceId: TEAM_ID, userId: USER });
    expect(home.openItems).toEqual([
      { text: 'Send a follow-up note', due: '2026-10-12' },
      { text: 'Practise salary answers', due: null },
    ]);
    expect(home.recent).toEqual([
      { company: 'A&B <Labs>', role: 'Designer', outcome: 'a no', date: '2026-11-20' },
      { company: 'Initech', role: 'Engineer', outcome: 'still waiting', date: '2026-10-05' },
      { company: 'Globex', role: 'Analyst', outcome: 'an offer', date: '2026-09-01' },
    ]);
    expect(await memberHome(h.database.db, { platform: 'slack', workspaceId: TEAM_ID, userId: 'U0NOBODY001' })).toEqual({ openItems: [], recent: [] });
  });

  it('opening the Home tab publishes the member\'s open next steps and last debriefs, and nobody else\'s', async () => {
    const sent = await h.driver.appHomeOpened(USER);
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
    const view = h.fake.homeView(USER)!;
    expect(view.type).toBe('home');
    const text = visibleText(view);
    expect(text).toContain('Send a follow-up note _(by 2026-10-12)_');
    expect(text).toContain('Practise salary answers');
    expect(text).not.toContain('Negotiate the start date'); // done, so not open
    expect(text).toContain('*A&amp;B &lt;Labs&gt;*, Designer: a no (2026-11-20)');
    expect(text).toContain('*Initech*, Engineer: still waiting (2026-10-05)');
    expect(text).toContain('*Globex*, Analyst: an offer (2026-09-01)');
    expect(text).not.toContain('Umbrella');
    expect(buttonLabels({ channel: '', ts: '', text: '', blocks: view.blocks })).toEqual([START_LABEL]);
    expect(h.fake.succeeded('views.publish').filter((c) => c.params.user_id === USER)).toHaveLength(1);
  });

  it('a newcomer sees an empty but friendly Home; the Messages tab publishes nothing', async () => {
    const messages = await h.driver.appHomeOpened(NEWCOMER, 'messages');
    expect(messages.status).toBe(200);
    const home = await h.driver.appHomeOpened(NEWCOMER);
    await h.settled(home.eventId);
    expect(h.fake.succeeded('views.publish').filter((c) => c.params.user_id === NEWCOMER)).toHaveLength(1);
    const text = visibleText(h.fake.homeView(NEWCOMER)!);
    expect(text).toContain('No open next steps');
    expect(text).toContain('No debriefs yet');
  });

  it('"Start a debrief" on the Home tab starts one in the DM', async () => {
    const view = h.fake.homeView(NEWCOMER)!;
    const sent = await h.driver.clickInHome(NEWCOMER, view, START_LABEL);
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });
    await waitFor('the first question in the DM', () => h.fake.messages(h.fake.dmOf(NEWCOMER)).find((m) => visibleText(m).includes('Which company')));
    expect(h.fake.succeeded('conversations.open').some((c) => c.params.users === NEWCOMER)).toBe(true);
  });
});
