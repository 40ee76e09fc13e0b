import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Reply } from '../../src/engine/types.js';
import { everyRow, insertMember, insertSchedulerRows, seedTwoMembers } from '../fixtures/insights/seed.js';
import { freshDatabase, silentLogger } from '../helpers/fresh-db.js';

const ana = { platform: 'slack', workspaceId: 'T1', userId: 'U-ana' };
const ben = { platform: 'slack', workspaceId: 'T1', userId: 'U-ben' };
let app: App;

beforeEach(async () => {
  const database = await freshDatabase();
  app = await createApp(loadConfig({}), silentLogger, { database, clock: () => new Date('2026-11-27T12:00:00Z') });
});
afterEach(async () => {
  await app.close();
});

const command = (who: typeof ana, args: string, eventId: string) =>
  app.engine.handle({ ...who, eventId, input: { kind: 'command', args } });

function exported(reply: Reply) {
  expect(reply.file).toBeDefined();
  expect(reply.file!.mimeType).toBe('application/json');
  expect(reply.file!.name).toBe('debrief-export-2026-11-27.json');
  const text = Buffer.from(reply.file!.base64, 'base64').toString('utf8');
  return { text, data: JSON.parse(text) as Record<string, unknown[]> & { member: Record<string, unknown>; format: string } };
}

/** A row as it reads once it has been through JSON: dates as ISO strings. */
const asJson = <T>(rows: T): unknown => JSON.parse(JSON.stringify(rows));

describe('/debrief export', () => {
  it("holds every row the database has about the member, and none of anyone else's", async () => {
    const { anaId, benId } = await seedTwoMembers(app, ana, ben);
    const reply = (await command(ana, 'export', 'ana-export')).replies[0]!;
    const { text, data } = exported(reply);
    const db = app.database.db;

    expect(data.format).toBe('debrief-export/1');
    expect(data.member).toEqual(asJson(await db.selectFrom('members').selectAll().where('id', '=', anaId).executeTakeFirstOrThrow()));

    const conversations = await db.selectFrom('conversations').selectAll().where('member_id', '=', anaId).orderBy('created_at').orderBy('id').execute();
    expect(conversations.map((c) => c.status).sort()).toEqual(['completed', 'paused']);
    expect(data.conversations).toEqual(asJson(conversations));
    const answers = await db.selectFrom('answers').selectAll().where('conversation_id', 'in', conversations.map((c) => c.id)).orderBy('id').execute();
    expect(answers.length).toBeGreaterThanOrEqual(17);
    expect(data.answers).toEqual(asJson(answers));
    const debriefs = await db.selectFrom('debriefs').selectAll().where('member_id', '=', anaId).orderBy('created_at').orderBy('id').execute();
    expect(debriefs).toHaveLength(9);
    expect(data.debriefs).toEqual(asJson(debriefs));
    const actionItems = await db.selectFrom('action_items').selectAll().where('member_id', '=', anaId).orderBy('created_at').orderBy('id').execute();
    expect(data.actionItems).toEqual(asJson(actionItems));

    // Every turn Ana took before this one; the export's own record is written after it is made.
    const events = await db.selectFrom('inbound_events').selectAll().where('member_id', '=', anaId).where('event_id', '!=', 'ana-export').orderBy('created_at').orderBy('event_id').execute();
    const exportedEvents = data.inboundEvents as { event_id: string; result: { replies: { file?: Record<string, unknown> }[] } }[];
    expect(exportedEvents.map((e) => e.event_id)).toEqual(events.map((e) => e.event_id));
    // The chart sent earlier is named, not copied in again (each export would otherwise hold the last).
    const chart = exportedEvents.find((e) => e.event_id === 'ana-insights')!.result.replies[0]!.file!;
    expect(chart).toMatchObject({ name: 'debrief-insights-2026-11-27.png', mimeType: 'image/png' });
    expect(chart).not.toHaveProperty('base64');
    const withoutFiles = (e: unknown) => JSON.stringify(e).replace(/"file":\{[^}]*\}/g, '"file":{}');
    expect(exportedEvents.map(withoutFiles)).toEqual(events.map((e) => withoutFiles(asJson(e))));

    // Completeness, seen from the database's side: every row in any table that names Ana, her
    // conversations or her debriefs is in the export, counted one for one.
    const keys = [anaId, ...conversations.map((c) => c.id), ...debriefs.map((d) => d.id)];
    const about = (await everyRow(app.database.db)).filter((r) => keys.some((k) => r.json.includes(k)) && !r.json.includes('"ana-export"'));
    const exportedCount =
      1 + data.conversations!.length + data.answers!.length + data.debriefs!.length + data.actionItems!.length + exportedEvents.length;
    expect(about.length).toBe(exportedCount);
    expect(data).not.toHaveProperty('other');
    expect(text).toContain('ANA-PRIVATE walk-through');

    // Nothing of Ben's: not his id, his platform id, his words, his conversations.
    const benConversations = await db.selectFrom('conversations').select('id').where('member_id', '=', benId).execute();
    for (const secret of [benId, ben.userId, 'BEN-SECRET', 'Zenith', 'Yarrow', 'Xylem', ...benConversations.map((c) => c.id)])
      expect(text).not.toContain(secret);

    expect(reply.text).toBe(
      'Here is everything Debrief holds about you: 9 debriefs, 9 next steps, 2 conversations with ' +
        `${answers.length} answers, and a record of ${events.length} messages and clicks you sent. ` +
        "It's a JSON file, readable in any text editor. It holds your own words, so keep it somewhere private.",
    );
  });

  it('gives a newcomer a file with just their member record', async () => {
    const reply = (await command(ana, 'export', 'first-ever')).replies[0]!;
    const { data } = exported(reply);
    expect(data.member).toMatchObject({ platform: 'slack', workspace_id: 'T1', user_id: 'U-ana' });
    for (const list of ['conversations', 'answers', 'debriefs', 'actionItems', 'inboundEvents']) expect(data[list]).toEqual([]);
    expect(reply.text).toMatch(/^Here is everything Debrief holds about you: 0 debriefs, 0 next steps, 0 conversations with 0 answers/);
  });

  it("puts the scheduler's rows and the member's servers under `other`, none of anyone else's", async () => {
    const db = app.database.db;
    const anaId = await insertMember(db, ana.userId);
    const benId = await insertMember(db, ben.userId);
    await insertSchedulerRows(db, anaId, benId);

    const { data, text } = exported((await command(ana, 'export', 'ana-export')).replies[0]!);
    const other = (data as unknown as { other: Record<string, Record<string, unknown>[]> }).other;
    expect(Object.keys(other).sort()).toEqual(['checkin_runs', 'member_communities']);
    expect(other.checkin_runs!.map((r) => r.slot)).toEqual(['2026-11-20T09:00:00.000Z', '2026-11-27T09:00:00.000Z']);
    expect(other.member_communities!.map((r) => r.community_id)).toEqual(['G-ana']);
    for (const secret of [benId, 'G-ben']) expect(text).not.toContain(secret);
  });
});
