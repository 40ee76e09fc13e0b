import type { webApi } from '@slack/bolt';
import type { Reply } from '../../src/engine/types.js';
import { escapeMrkdwn, renderReply } from './render.js';

type WebClient = webApi.WebClient;

/** Posts replies in order: one message each, a file as an upload into the same conversation. */
export async function postReplies(client: WebClient, channel: string, replies: readonly Reply[]): Promise<void> {
  for (const reply of replies) {
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
    await client.chat.postMessage({ channel, ...renderReply(reply) });
  }
}

/** Plain text only, so that an apology cannot fail on the blocks that may have made the first post fail. */
export async function postPlain(client: WebClient, channel: string, text: string): Promise<void> {
  await client.chat.postMessage({ channel, text: escapeMrkdwn(text) });
}

/** The DM between the bot and a person (conversations.open is idempotent: the same id every time). */
export async function openDm(client: WebClient, userId: string): Promise<string> {
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
