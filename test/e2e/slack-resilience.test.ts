import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_APOLOGY, ENGINE_APOLOGY } from '../../adapters/slack/handlers.js';
import { escapeMrkdwn } from '../../adapters/slack/render.js';
import { startSlackHarness, type SlackHarness } from '../helpers/slack-app.js';
import { visibleText, waitFor } from '../helpers/slack-requests.js';

const USER = 'U0PERSON01';

describe('Slack: Web API rate limits and outages', () => {
  let h: SlackHarness;
  let dm: string;

  beforeAll(async () => {
    h = await startSlackHarness();
    dm = h.fake.dmOf(USER);
  });
  afterAll(async () => h?.close());

  const texts = () => h.fake.messages(dm).map((m) => m.text);
  const count = (fragment: string) => texts().filter((t) => t.includes(fragment)).length;

  it('waits out a 429 with Retry-After and then delivers the reply, once', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'rate-limited', retryAfterSeconds: 1 });
    const started = Date.now();
    const sent = await h.driver.command(USER, '');
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivered' });

    const attempts = h.fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(attempts[0]).toMatchObject({ status: 429 });
    expect(attempts[1]).toMatchObject({ status: 200, ok: true });
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(count("Let's debrief")).toBe(1);
    expect(count('Which company')).toBe(1);
  });

  it('survives an outage (HTTP 503, then dropped connections), loses no answer, and works again after', async () => {
    h.fake.setOutage({ kind: 'http', status: 503 });
    const during = await h.driver.dm(USER, 'Initech');
    expect(during.status).toBe(200); // Bolt acks events itself; the outage only hits our replies
    expect(await h.settled(during.eventId)).toMatchObject({ outcome: 'delivery-failed' });

    h.fake.setOutage({ kind: 'drop' });
    const dropped = await h.driver.command(USER, 'help');
    expect(dropped.status).toBe(200);
    expect(await h.settled(dropped.eventId)).toMatchObject({ outcome: 'delivery-failed' });
    expect(h.fake.calls.filter((c) => c.status === 0).length).toBeGreaterThan(0);

    h.fake.setOutage(null);
    // The answer typed during the outage was saved: the debrief resumes with it.
    const back = await h.driver.command(USER, '');
    expect(await h.settled(back.eventId)).toMatchObject({ outcome: 'delivered' });
    const resume = await waitFor('the resume prompt', () => h.fake.messages(dm).find((m) => visibleText(m).includes('continue your debrief for Initech')));
    expect(resume).toBeDefined();

    const cont = await h.driver.click(USER, resume, 'Continue');
    expect(await h.settled(cont.eventId)).toMatchObject({ outcome: 'delivered' });
    await waitFor('the next question', () => count('And the role at Initech?') === 1);
  });

  it('apologises when Slack refuses a reply for a reason other than a rate limit', async () => {
    h.fake.failNext('chat.postMessage', { kind: 'slack-error', error: 'invalid_blocks' });
    const sent = await h.driver.dm(USER, 'Engineer');
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'delivery-failed' });
    expect(texts().at(-1)).toBe(escapeMrkdwn(DELIVERY_APOLOGY));
    const apology = h.fake.succeeded('chat.postMessage').at(-1)!;
    expect(apology.params.blocks).toBeUndefined();
  });

  it('apologises, logging ids only, when the engine cannot save (database down), and keeps running', async () => {
    await h.app.database.close();
    const sent = await h.driver.dm(USER, 'Final round');
    expect(sent.status).toBe(200);
    expect(await h.settled(sent.eventId)).toMatchObject({ outcome: 'engine-failed' });
    expect(texts().at(-1)).toBe(escapeMrkdwn(ENGINE_APOLOGY));
    const failure = h.logs.find((l) => l.includes('turn failed in the engine'));
    expect(failure).toContain(sent.eventId);
    expect(h.logs.join('')).not.toContain('Final round');

    // The HTTP endpoint is still up.
    expect((await h.driver.dm(USER, 'again')).status).toBe(200);
  });
});
