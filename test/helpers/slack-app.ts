import { Writable } from 'node:stream';
import pino from 'pino';
import type { RunningSlack, SlackStartOptions } from '../../adapters/slack/index.js';
import { startSlack } from '../../adapters/slack/index.js';
import type { TurnReport } from '../../adapters/slack/handlers.js';
import { createApp, type App } from '../../src/app.js';
import { platforms } from '../../adapters/index.js';
import { loadConfig } from '../../src/config.js';
import { startFakeSlack, type FakeSlack } from './fake-slack.js';
import { freshDatabase, type TestDatabase } from './fresh-db.js';
import { SlackDriver, waitFor } from './slack-requests.js';

export const SIGNING_SECRET = 'e2e-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-1111-2222-e2etoken';
export const TEAM_ID = 'T0TEST0001';

/** Fast Web API retries, so outage tests take milliseconds, not Slack's minutes. */
export const FAST_RETRIES = { retries: 2, factor: 1, minTimeout: 20, maxTimeout: 50 };

export interface SlackHarness {
  fake: FakeSlack;
  app: App;
  database: TestDatabase;
  slack: RunningSlack;
  driver: SlackDriver;
  reports: TurnReport[];
  /** Every JSON log line the app wrote. */
  logs: string[];
  /** Waits until the adapter has finished the work for this event id (Web API calls included); with
   *  `deliveries`, until it has finished that many deliveries of it, and returns the last. */
  settled(eventId: string, deliveries?: number): Promise<TurnReport>;
  close(): Promise<void>;
}

/** The real app (engine, database, Bolt over HTTP on a free port) against a loopback fake Slack. */
export async function startSlackHarness(opts: Pick<SlackStartOptions, 'retryConfig'> = {}): Promise<SlackHarness> {
  const fake = await startFakeSlack({ teamId: TEAM_ID });
  const database = await freshDatabase();
  const logs: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
  }, platforms);
  const app = await createApp(config, logger, { database });
  const reports: TurnReport[] = [];
  const slack = await startSlack(app, [], {
    port: 0,
    retryConfig: opts.retryConfig ?? FAST_RETRIES,
    observe: (r) => reports.push(r),
  });
  const driver = new SlackDriver({ eventsUrl: `http://127.0.0.1:${slack.port}/slack/events`, secret: SIGNING_SECRET, fake, teamId: TEAM_ID });
  return {
    fake,
    app,
    database,
    slack,
    driver,
    reports,
    logs,
    settled: (eventId, deliveries = 1) =>
      waitFor(`${deliveries} deliveries of ${eventId}`, () => {
        const mine = reports.filter((r) => r.eventId === eventId);
        return mine.length >= deliveries ? mine[deliveries - 1] : undefined;
      }),
    close: async () => {
      await slack.stop();
      await app.close().catch(() => {});
      await fake.close();
    },
  };
}
