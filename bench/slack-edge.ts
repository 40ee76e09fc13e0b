import { startSlack } from '../adapters/slack/index.js';
import { createApp } from '../src/app.js';
import { platforms } from '../adapters/index.js';
import { loadConfig } from '../src/config.js';
import { startFakeSlack } from '../test/helpers/fake-slack.js';
import { signature } from '../test/helpers/slack-requests.js';
import { arg, benchPostgres, fmt, latencies, report, silent } from './lib.js';

/**
 * Benchmark 2: signed `/debrief` slash commands at a steady rate against the real Bolt HTTP receiver,
 * with the fake Slack Web API behind it: how fast the ack comes back (Slack allows 3 s), and errors.
 */
export async function slackEdgeBench(): Promise<void> {
  const rate = arg('slack-rate', 100);
  const seconds = arg('slack-seconds', 10);
  const secret = 'bench-signing-secret';
  const fake = await startFakeSlack({ teamId: 'TBENCH01' });
  const database = await benchPostgres(10);
  const app = await createApp(
    loadConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: fake.apiUrl }, platforms),
    silent,
    { database },
  );
  const slack = await startSlack(app, [], { port: 0 });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  const total = rate * seconds;
  const acks: number[] = [];
  let errors = 0;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = new URLSearchParams({
      command: '/debrief',
      text: '',
      user_id: `UB${String(i).padStart(7, '0')}`,
      user_name: `bench${i}`,
      channel_id: 'CBENCH001',
      channel_name: 'jobs',
      team_id: 'TBENCH01',
      team_domain: 'bench',
      trigger_id: `trig.${i}.${Date.now()}`,
      response_url: fake.responseUrl(`bench-${i}`),
      api_app_id: 'ABENCH',
    }).toString();
    const t = performance.now();
    inflight.push(
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...signature(secret, body) },
        body,
      }).then(
        async (res) => {
          await res.arrayBuffer();
          acks.push(performance.now() - t);
          if (res.status !== 200) errors++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  const sentFor = (performance.now() - started) / 1000;
  // Let the work after the acks (opening DMs, first questions) finish before closing.
  await app.engine.drain();
  await slack.stop();
  await app.close();
  await fake.close();
  const l = latencies(acks);
  console.log(`\n2. Slack edge: ${total} signed /debrief requests at ${rate}/s (${fmt(sentFor)} s)`);
  report([
    { figure: 'ack p50', value: l.p50, unit: ' ms' },
    { figure: 'ack p99', value: l.p99, unit: ' ms', target: 100, better: 'lower' },
    { figure: 'ack max', value: l.max, unit: ' ms' },
    { figure: 'errors (non-200 or failed)', value: errors, unit: '' },
  ]);
}
