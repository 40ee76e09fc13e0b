import type { Transaction } from 'kysely';
import { memberRows, memberTables, type ExportKey } from '../db/member-tables.js';
import type { Database } from '../db/types.js';
import type { CommandHandler } from '../engine/engine.js';

export const EXPORT_FORMAT = 'debrief-export/1';

/**
 * Every row the database holds about one member, from every table in the member table list, keyed as
 * the export names them: tables without a key of their own under `other`, when they hold any.
 */
export async function memberData(trx: Transaction<Database>, memberId: string) {
  const rows = await memberRows(trx, memberId);
  const named: Partial<Record<ExportKey, Record<string, unknown>[]>> = {};
  const other: Record<string, Record<string, unknown>[]> = {};
  for (const e of memberTables) {
    const r = rows.get(e.table) ?? [];
    if (e.exportAs) named[e.exportAs] = r;
    else if (r.length) other[e.table] = r;
  }
  const list = (key: ExportKey) => named[key] ?? [];
  return {
    member: list('member')[0],
    conversations: list('conversations'),
    answers: list('answers'),
    debriefs: list('debriefs'),
    actionItems: list('actionItems'),
    inboundEvents: list('inboundEvents'),
    other,
  };
}

/**
 * A stored turn result keeps the replies as given, files included: an earlier export or chart would
 * otherwise come back inside every later export, each one larger than the last. The file is named,
 * its content left out.
 */
function withoutFileBodies(result: unknown): unknown {
  const r = result as { replies?: { file?: { name: string; mimeType: string; base64: string } }[] };
  if (!Array.isArray(r?.replies)) return result;
  return {
    ...r,
    replies: r.replies.map((reply) =>
      reply?.file
        ? {
            ...reply,
            file: {
              name: reply.file.name,
              mimeType: reply.file.mimeType,
              omitted: `a file you were sent (${Math.floor((reply.file.base64.length * 3) / 4)} bytes); not repeated here`,
            },
          }
        : reply,
    ),
  };
}

const json = (value: unknown) =>
  // answers.id is a bigserial; pg hands it over as a string, but a bigint must not break the export.
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `/debrief export`: all of the member's data as a JSON file, for them alone. */
export const exportCommand: CommandHandler = async ({ trx, memberId, now }) => {
  const data = await memberData(trx, memberId);
  const document = {
    format: EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    member: data.member ?? null,
    conversations: data.conversations,
    answers: data.answers,
    debriefs: data.debriefs,
    actionItems: data.actionItems,
    inboundEvents: data.inboundEvents.map((e) => ({ ...e, result: withoutFileBodies(e['result']) })),
    ...(Object.keys(data.other).length ? { other: data.other } : {}),
  };
  const body = Buffer.from(json(document), 'utf8');
  const text =
    `Here is everything Debrief holds about you: ${plural(data.debriefs.length, 'debrief')}, ` +
    `${plural(data.actionItems.length, 'next step')}, ${plural(data.conversations.length, 'conversation')} ` +
    `with ${plural(data.answers.length, 'answer')}, and a record of ${plural(data.inboundEvents.length, 'message or click', 'messages and clicks')} you sent. ` +
    "It's a JSON file, readable in any text editor. It holds your own words, so keep it somewhere private.";
  return [
    {
      text,
      expectsText: false,
      file: { name: `debrief-export-${now.toISOString().slice(0, 10)}.json`, mimeType: 'application/json', base64: body.toString('base64') },
    },
  ];
};
