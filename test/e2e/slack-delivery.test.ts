import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postReplies } from '../../adapters/slack/send.js';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.js';

// Replies the dialogue does not produce yet (files from `export`, very long text) through the real
// Web API client against the fake.
describe('Slack: delivering replies', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;

  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new webApi.WebClient('xoxb-delivery', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  });
  afterAll(async () => fake?.close());

  it('uploads a file into the DM with files.uploadV2, with the reply as its comment', async () => {
    const content = JSON.stringify({ debriefs: [{ company: 'Acme' }] });
    await postReplies(client, 'D0PERSON01', [
      { text: 'Here is everything I keep about you.', expectsText: false, file: { name: 'debrief-export.json', mimeType: 'application/json', base64: Buffer.from(content).toString('base64') } },
    ], 'Ev-file');
    expect(fake.calls.map((c) => c.method)).toEqual(['files.getUploadURLExternal', 'upload', 'files.completeUploadExternal']);
    expect(fake.calls[0]!.params).toMatchObject({ filename: 'debrief-export.json', length: String(Buffer.byteLength(content)) });
    expect(fake.calls[2]!.params).toMatchObject({ channel_id: 'D0PERSON01', initial_comment: 'Here is everything I keep about you.' });
  });

  it('splits text past Block Kit limits over several sections, and keeps replies in order', async () => {
    const long = 'word '.repeat(1500);
    await postReplies(client, 'D0PERSON02', [
      { text: long, expectsText: false },
      { text: 'second', expectsText: false },
    ], 'Ev-long');
    const [first, second] = fake.messages('D0PERSON02');
    const sections = first!.blocks.filter((b) => b.type === 'section') as { text: { text: string } }[];
    expect(sections.length).toBeGreaterThan(1);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(3000);
    expect(sections.map((s) => s.text.text).join('')).toBe(long);
    expect(second!.text).toBe('second');
  });
});
