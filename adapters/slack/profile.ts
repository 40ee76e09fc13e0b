import type { webApi } from '@slack/bolt';
import type { InboundTurn } from '../../src/app.js';
import type { Logger } from '../../src/log.js';
import { slackErrorSummary } from './send.js';

type WebClient = webApi.WebClient;
type Context = NonNullable<InboundTurn['context']>;

/**
 * What Slack vouches for about a person (users.info, scope users:read): whether they are a workspace
 * admin or owner, and the time zone of their profile. Asked only for the turns that need it (admin
 * and check-in commands), never for ordinary answers. A failure is logged and gives nothing: the
 * command then treats the person as a non-admin, or asks for their time zone.
 */
export async function profileContext(client: WebClient, userId: string, logger: Logger): Promise<Context> {
  const started = performance.now();
  try {
    const res = await client.users.info({ user: userId });
    const u = res.user;
    if (!u) return {};
    return {
      isAdmin: Boolean(u.is_admin || u.is_owner || u.is_primary_owner),
      ...(u.tz ? { timeZone: u.tz } : {}),
    };
  } catch (err) {
    logger.warn(
      { adapter: 'slack', user: userId, err: slackErrorSummary(err), ms: Math.round(performance.now() - started) },
      'slack users.info failed; going on without the profile',
    );
    return {};
  }
}
