import { z } from 'zod';

const ACTION_PREFIX = 'debrief:';

/**
 * The documented shapes of what Slack sends to the request URL (and over Socket Mode), checked before
 * Bolt or any handler sees a request. Objects are loose: Slack adds fields over time, and Bolt and the
 * handlers read more than we check (response_url, container, message blocks). What is checked is
 * what the handlers rely on, so a request that passes cannot reach them with a field missing.
 *
 * Sources: slash commands https://docs.slack.dev/interactivity/implementing-slash-commands,
 * Events API envelopes https://docs.slack.dev/apis/events-api/ (url_verification, app_rate_limited,
 * event_callback), block_actions https://docs.slack.dev/reference/interaction-payloads/block_actions-payload.
 */

/** Slack ids: a capital letter then capitals and digits (U…, W…, T…, E…, C…, D…, G…, B…). */
const slackId = z.string().regex(/^[A-Z][A-Z0-9]{1,40}$/);
const shortText = z.string().min(1).max(500);

export const commandSchema = z.looseObject({
  command: z.literal('/debrief'),
  team_id: slackId,
  user_id: slackId,
  channel_id: slackId,
  trigger_id: shortText,
  text: z.string().max(20_000).optional(),
  response_url: z.url().optional(),
});

export const urlVerificationSchema = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(500),
});

/** Slack stops sending events for a minute when an app gets more than 30,000 in an hour. */
export const appRateLimitedSchema = z.looseObject({
  type: z.literal('app_rate_limited'),
  team_id: slackId,
  minute_rate_limited: z.number().int(),
  api_app_id: slackId.optional(),
});

export const eventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: slackId.optional(),
  api_app_id: slackId.optional(),
  event_id: shortText,
  event: z.looseObject({ type: shortText }),
});

/** The inner events the handlers take; other event types go to Bolt with only the envelope checked. */
export const messageEventSchema = z.looseObject({
  type: z.literal('message'),
  channel: slackId,
  channel_type: z.string().optional(),
  subtype: z.string().optional(),
  user: slackId.optional(),
  bot_id: z.string().optional(),
  text: z.string().max(100_000).optional(),
  team: slackId.optional(),
});

export const appHomeOpenedSchema = z.looseObject({
  type: z.literal('app_home_opened'),
  user: slackId,
  tab: z.string().optional(),
  view: z.looseObject({ team_id: slackId.optional() }).nullish(),
});

export const blockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id: slackId, team_id: slackId.optional() }),
  team: z.looseObject({ id: slackId }).nullish(),
  actions: z
    .array(
      z.looseObject({
        action_id: shortText,
        action_ts: shortText,
        value: z.string().max(2000).optional(),
        text: z.looseObject({ text: z.string() }).optional(),
      }),
    )
    .min(1),
  container: z.looseObject({ type: z.string(), channel_id: slackId.optional(), message_ts: z.string().optional() }).optional(),
  channel: z.looseObject({ id: slackId }).nullish(),
  message: z
    .looseObject({ ts: z.string(), text: z.string().optional(), blocks: z.array(z.looseObject({ type: z.string() })).optional() })
    .optional(),
  state: z
    .looseObject({
      values: z.record(
        z.string(),
        z.record(z.string(), z.looseObject({ selected_options: z.array(z.looseObject({ value: z.string() })).nullish() })),
      ),
    })
    .optional(),
  response_url: z.url().optional(),
});

/** Interactivity we answer with an empty 200 and no work: Slack expects 200, and none of these are ours. */
const OTHER_INTERACTIONS = new Set([
  'view_submission',
  'view_closed',
  'shortcut',
  'message_action',
  'block_suggestion',
  'interactive_message',
  'dialog_submission',
  'dialog_cancellation',
  'workflow_step_edit',
]);

/** What the edge does with a body. */
export type Verdict =
  /** Hand to Bolt. */
  | { kind: 'process'; body: Record<string, unknown> }
  /** Answer here, with nothing run: Slack's URL check, an ssl_check, a notice, an event we do not take. */
  | { kind: 'answer'; status: 200; json?: Record<string, unknown>; note: string; ids?: Record<string, unknown> }
  /** Malformed: refuse with a clear status. `reason` names the first failing field, never its value. */
  | { kind: 'refuse'; status: 400; reason: string };

const refuse = (reason: string): Verdict => ({ kind: 'refuse', status: 400, reason });

/** The path and code of the first issue: enough to debug, nothing of a person's text. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.code}` : 'invalid';
}

/**
 * Judges a parsed body: a slash command's form, an interactivity payload, or an Events API envelope
 * (HTTP or Socket Mode alike). Anything not an object (null, arrays, numbers) is refused.
 */
export function judge(body: unknown): Verdict {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return refuse('body is not an object');
  const b = body as Record<string, unknown>;

  if ('command' in b) {
    const cmd = commandSchema.safeParse(b);
    return cmd.success ? { kind: 'process', body: cmd.data } : refuse(`command ${firstIssue(cmd.error)}`);
  }

  switch (b.type) {
    case 'url_verification': {
      const v = urlVerificationSchema.safeParse(b);
      if (!v.success) return refuse(`url_verification ${firstIssue(v.error)}`);
      return { kind: 'answer', status: 200, json: { challenge: v.data.challenge }, note: 'slack url verification' };
    }
    case 'app_rate_limited': {
      const v = appRateLimitedSchema.safeParse(b);
      if (!v.success) return refuse(`app_rate_limited ${firstIssue(v.error)}`);
      return {
        kind: 'answer',
        status: 200,
        note: 'app_rate_limited',
        ids: { team: v.data.team_id, app: v.data.api_app_id, minute: v.data.minute_rate_limited },
      };
    }
    case 'event_callback': {
      const v = eventCallbackSchema.safeParse(b);
      if (!v.success) return refuse(`event_callback ${firstIssue(v.error)}`);
      const inner = v.data.event.type === 'message' ? messageEventSchema : v.data.event.type === 'app_home_opened' ? appHomeOpenedSchema : undefined;
      if (inner) {
        const e = inner.safeParse(v.data.event);
        // The envelope is Slack's, so a retry would bring the same event back: take it, do nothing.
        if (!e.success)
          return { kind: 'answer', status: 200, note: 'malformed event ignored', ids: { event: v.data.event_id, type: v.data.event.type, reason: firstIssue(e.error) } };
        return { kind: 'process', body: { ...v.data, event: e.data } };
      }
      return { kind: 'process', body: v.data };
    }
    case 'block_actions': {
      const v = blockActionsSchema.safeParse(b);
      if (!v.success) return refuse(`block_actions ${firstIssue(v.error)}`);
      // Every element of ours has an action_id under this prefix; anything else has no listener to ack it.
      if (!v.data.actions[0]!.action_id.startsWith(ACTION_PREFIX)) return { kind: 'answer', status: 200, note: 'interaction not ours', ids: { type: 'block_actions' } };
      return { kind: 'process', body: v.data };
    }
    default:
      if (typeof b.type === 'string' && OTHER_INTERACTIONS.has(b.type))
        return { kind: 'answer', status: 200, note: 'interaction not handled', ids: { type: b.type } };
      return refuse('unknown payload type');
  }
}
