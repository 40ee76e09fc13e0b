import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FakeSlack, StoredMessage } from './fake-slack.js';

/**
 * Requests as Slack sends them to the app's request URL: signed with the signing secret
 * (`v0=HMAC-SHA256(secret, "v0:" + ts + ":" + body)`), slash commands as a form, interactions as a
 * form field `payload` of JSON, events as JSON. Payloads start from the documented shapes in
 * test/fixtures/slack/.
 */

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/slack/${name}`, import.meta.url), 'utf8')) as T;

export const fixtures = {
  command: () => fixture<Record<string, string>>('slash-command.json'),
  messageIm: () => fixture<{ team_id: string; event_id: string; event: Record<string, unknown> } & Record<string, unknown>>('event-message-im.json'),
  blockActions: () => fixture<Record<string, unknown>>('block-actions.json'),
  urlVerification: () => fixture<{ challenge: string } & Record<string, unknown>>('url-verification.json'),
  appHomeOpened: () => fixture<{ team_id: string; event_id: string; event: Record<string, unknown> } & Record<string, unknown>>('event-app-home-opened.json'),
};

export function signature(secret: string, raw: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${raw}`).digest('hex')}`,
  };
}

export interface SentRequest {
  status: number;
  body: string;
  /** The id the adapter hands the engine for this request (event_id, command:<trigger>, action:<user>:<ts>). */
  eventId: string;
}

const uid = () => randomBytes(6).toString('hex');
const slackTs = () => `${Math.floor(Date.now() / 1000)}.${String(randomBytes(3).readUIntBE(0, 3) % 1e6).padStart(6, '0')}`;

export class SlackDriver {
  constructor(
    private readonly opts: { eventsUrl: string; secret: string; fake: FakeSlack; teamId: string },
  ) {}

  /** POSTs a raw body; `headers` may override the signature to forge one. */
  async post(raw: string, contentType: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const res = await fetch(this.opts.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...signature(this.opts.secret, raw), ...headers },
      body: raw,
    });
    return { status: res.status, body: await res.text() };
  }

  commandBody(user: string, text: string, channel = 'C0CHANNEL01'): { raw: string; triggerId: string } {
    const triggerId = `${Date.now()}.${uid()}`;
    const form = {
      ...fixtures.command(),
      team_id: this.opts.teamId,
      user_id: user,
      channel_id: channel,
      text,
      trigger_id: triggerId,
      response_url: this.opts.fake.responseUrl(`cmd-${triggerId}`),
    };
    return { raw: new URLSearchParams(form).toString(), triggerId };
  }

  async command(user: string, text = '', channel?: string): Promise<SentRequest> {
    const { raw, triggerId } = this.commandBody(user, text, channel);
    return { ...(await this.post(raw, 'application/x-www-form-urlencoded')), eventId: `command:${triggerId}` };
  }

  /** An Events API `message.im` envelope; pass `eventId` and `headers` to replay one as Slack's retry. */
  eventBody(user: string, text: string, over: { eventId?: string; event?: Record<string, unknown> } = {}) {
    const base = fixtures.messageIm();
    const ts = slackTs();
    const eventId = over.eventId ?? `Ev${uid().toUpperCase()}`;
    const envelope = {
      ...base,
      team_id: this.opts.teamId,
      event_id: eventId,
      event: { ...base.event, user, text, channel: this.opts.fake.dmOf(user), ts, event_ts: ts, team: this.opts.teamId, ...over.event },
    };
    return { raw: JSON.stringify(envelope), eventId };
  }

  async dm(user: string, text: string, over: { eventId?: string; event?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<SentRequest> {
    const { raw, eventId } = this.eventBody(user, text, over);
    return { ...(await this.post(raw, 'application/json', over.headers)), eventId };
  }

  /** An Events API `app_home_opened` envelope: `user` opened the app's Home (or Messages) tab. */
  async appHomeOpened(user: string, tab: 'home' | 'messages' = 'home'): Promise<SentRequest> {
    const base = fixtures.appHomeOpened();
    const ts = slackTs();
    const eventId = `Ev${uid().toUpperCase()}`;
    const envelope = {
      ...base,
      team_id: this.opts.teamId,
      event_id: eventId,
      event: { ...base.event, user, channel: this.opts.fake.dmOf(user), tab, event_ts: ts },
    };
    return { ...(await this.post(JSON.stringify(envelope), 'application/json')), eventId };
  }

  /** A click on a button of the Home tab: a block_actions payload with a view container and no response_url. */
  async clickInHome(user: string, view: { blocks: Record<string, unknown>[] }, label: string): Promise<SentRequest> {
    const base = fixtures.blockActions();
    const element = findElement({ channel: '', ts: '', text: '', blocks: view.blocks }, label);
    if (!element) throw new Error(`no button "${label}" on the Home tab`);
    const actionTs = slackTs();
    const { container: _c, channel: _ch, message: _m, response_url: _r, ...rest } = base;
    const payload = {
      ...rest,
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.opts.teamId },
      team: { id: this.opts.teamId, domain: 'jobseekers' },
      container: { type: 'view', view_id: `V${user}` },
      view: { id: `V${user}`, type: 'home', team_id: this.opts.teamId, blocks: view.blocks },
      actions: [{ action_id: element.action_id, block_id: 'h1', text: element.text, value: element.value, type: 'button', action_ts: actionTs }],
    };
    const raw = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return { ...(await this.post(raw, 'application/x-www-form-urlencoded')), eventId: `action:${user}:${actionTs}` };
  }

  /** A block_actions payload for a click by `user` on the button labelled `label` of `message`. */
  clickBody(user: string, message: StoredMessage, label: string, over: { actionTs?: string; ticked?: string[] } = {}) {
    const base = fixtures.blockActions();
    const element = findElement(message, label);
    if (!element) throw new Error(`no button "${label}" on message ${message.ts}: ${message.text}`);
    const actionTs = over.actionTs ?? slackTs();
    const tags = findElementOfType(message, ['checkboxes', 'multi_static_select']);
    const state: Record<string, unknown> = {};
    if (tags) {
      const options = (tags.options as { text: { text: string }; value: string }[]).filter((o) => (over.ticked ?? []).includes(o.text.text));
      state.tags = { [String(tags.action_id)]: { type: tags.type, selected_options: options } };
    }
    const payload = {
      ...base,
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: this.opts.teamId },
      team: { id: this.opts.teamId, domain: 'jobseekers' },
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
      channel: { id: message.channel, name: message.channel.startsWith('D') ? 'directmessage' : 'channel' },
      message: { ...(base.message as object), ts: message.ts, text: message.text, blocks: message.blocks },
      state: { values: state },
      response_url: this.opts.fake.responseUrl(`act-${uid()}`),
      actions: [{ action_id: element.action_id, block_id: 'b1', text: element.text, value: element.value, type: 'button', action_ts: actionTs }],
    };
    return { raw: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), eventId: `action:${user}:${actionTs}`, payload };
  }

  async click(user: string, message: StoredMessage, label: string, over: { actionTs?: string; ticked?: string[] } = {}): Promise<SentRequest> {
    const { raw, eventId } = this.clickBody(user, message, label, over);
    return { ...(await this.post(raw, 'application/x-www-form-urlencoded')), eventId };
  }
}

type Element = Record<string, unknown> & { type: string; action_id?: string; text?: { text: string }; value?: string };

function elements(message: StoredMessage): Element[] {
  return message.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Element[]);
}

export const findElement = (message: StoredMessage, label: string) =>
  elements(message).find((e) => e.type === 'button' && e.text?.text === label);

const findElementOfType = (message: StoredMessage, types: string[]) => elements(message).find((e) => types.includes(e.type));

/** Every button label on a message, in order. */
export const buttonLabels = (message: StoredMessage) =>
  elements(message).filter((e) => e.type === 'button').map((e) => e.text?.text ?? '');

/** The message's readable text: sections, fields, headers, context and preformatted text. */
export function visibleText(message: { blocks: Record<string, unknown>[]; text?: string }): string {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'actions') return;
    if (typeof n.text === 'string') out.push(n.text);
    for (const key of ['text', 'fields', 'elements']) if (key in n && typeof n[key] !== 'string') walk(n[key]);
  };
  walk(message.blocks);
  return out.join('\n');
}

/** Polls until `check` returns a value that is not undefined/false, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}
