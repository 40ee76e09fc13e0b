import type { webApi } from '@slack/bolt';
import type { Reply } from '../../src/app.js';
import { escapeMrkdwn, renderReply } from './render.js';
import type { HotCalls } from './web-poster.js';

type WebClient = webApi.WebClient;

/** What posting replies needs: the hot calls (a turn's poster, or a WebClient) and file uploads. */
export type ReplyCalls = HotCalls & Pick<WebClient, 'filesUploadV2'>;

/** The metadata event type of a turn's replies; its payload names the turn (`key`) and the part. */
export const REPLY_EVENT = 'debrief_reply';
/** How far back a resend looks for parts already posted: the newest messages of the conversation. */
const HISTORY_LIMIT = 100;

/**
 * Posts replies in order: one message each, a file as an upload into the same conversation. Each
 * message carries the turn's key in its metadata (no extra call), so a resend can tell what is there.
 */
export async function postReplies(client: ReplyCalls, channel: string, replies: readonly Reply[], key: string, skip?: ReadonlySet<number>): Promise<void> {
  for (const [part, reply] of replies.entries()) {
    if (skip?.has(part)) continue;
    if (reply.file) {
      // files.uploadV2 = files.getUploadURLExternal, an upload to the URL it returns, then
      // files.completeUploadExternal, which shares the file into the DM with the reply's text.
      await client.filesUploadV2({
        channel_id: channel,
        file: Buffer.from(reply.file.base64, 'base64'),
        filename: reply.file.name,
        title: reply.file.name,
        initial_comment: reply.text,
      });
      continue;
    }
    await client.chat.postMessage({ channel, ...renderReply(reply), metadata: { event_type: REPLY_EVENT, event_payload: { key, part } } });
  }
}

/**
 * Posts a turn's replies again after a crash, in the person's DM: the parts that reached Slack before
 * (found by their metadata) are not posted twice. A file's content is not kept, so its words go alone.
 */
export async function resendReplies(client: WebClient, userId: string, replies: readonly Reply[], key: string): Promise<void> {
  const channel = await openDm(client, userId);
  const posted = await alreadyPosted(client, channel, REPLY_EVENT, key);
  const plain = replies.map((r) => (r.file ? { text: r.text, expectsText: r.expectsText } : r));
  await postReplies(client, channel, plain, key, new Set(posted.keys()));
}

/** Messages of the conversation carrying this metadata key, by part number -> ts. */
export async function alreadyPosted(client: WebClient, channel: string, eventType: string, key: string): Promise<Map<number, string>> {
  const res = await client.conversations.history({ channel, limit: HISTORY_LIMIT, include_all_metadata: true });
  const found = new Map<number, string>();
  for (const msg of res.messages ?? []) {
    const meta = msg.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown } } | undefined;
    if (meta?.event_type !== eventType || meta.event_payload?.key !== key || !msg.ts) continue;
    const part = typeof meta.event_payload.part === 'number' ? meta.event_payload.part : Number(meta.event_payload.part ?? 0);
    if (!found.has(part)) found.set(part, msg.ts);
  }
  return found;
}

/** Plain text only, so that an apology cannot fail on the blocks that may have made the first post fail. */
export async function postPlain(client: HotCalls, channel: string, text: string): Promise<void> {
  await client.chat.postMessage({ channel, text: escapeMrkdwn(text) });
}

/** The DM between the bot and a person (conversations.open is idempotent: the same id every time). */
export async function openDm(client: HotCalls, userId: string): Promise<string> {
  const res = await client.conversations.open({ users: userId });
  const id = res.channel?.id;
  if (!id) throw new Error('conversations.open returned no channel');
  return id;
}

/** A Web API error as codes only: its message or data can quote the request. */
export function slackErrorSummary(err: unknown): { type: string; code?: string; error?: string; status?: number } {
  const e = err as { name?: string; code?: string; data?: { error?: unknown }; statusCode?: number };
  return {
    type: e?.name ?? typeof err,
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    ...(typeof e?.data?.error === 'string' ? { error: e.data.error } : {}),
    ...(typeof e?.statusCode === 'number' ? { status: e.statusCode } : {}),
  };
}
