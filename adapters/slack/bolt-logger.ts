import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/log.js';

/**
 * Bolt's and the Web API client's logs, routed into our pino logger. They pass free-form arguments,
 * and at debug level the client logs request bodies (people's answers) and headers, so only string
 * arguments and error class names are kept, and debug is never forwarded.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack' });
  const line = (msg: unknown[]) =>
    msg
      .map((m) => (typeof m === 'string' ? m : m instanceof Error ? `[${m.name}]` : ''))
      .filter(Boolean)
      .join(' ')
      .slice(0, 300);
  let name = 'bolt';
  return {
    debug: () => {},
    info: (...msg: unknown[]) => log.info({ source: name }, line(msg)),
    warn: (...msg: unknown[]) => log.warn({ source: name }, line(msg)),
    error: (...msg: unknown[]) => log.error({ source: name }, line(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: (n: string) => {
      name = n;
    },
  };
}
