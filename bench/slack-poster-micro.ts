// Warm CPU per chat.postMessage: WebClient over agentFetch vs our poster (agent, and a Pool), against a
// trivial HTTP server in another process: `npx tsx bench/slack-poster-micro.ts [calls]`. Instructions
// per call instead (deterministic, what else runs on the machine does not move it):
// `valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg/out node --import tsx
// bench/slack-poster-micro.ts 1000 --callgrind`, then `grep totals /tmp/cg/out.*` (.1 is the cost of
// switching on; .2 to .10 are the calls of each case below, in order, three times: early rounds can carry
// the optimising compiler's background work, which callgrind counts too).
import { spawn } from 'node:child_process';
import { webApi } from '@slack/bolt';
import { Pool } from 'undici';
import pino from 'pino';
import { agentFetch, keepAliveAgent } from '../adapters/http-agents.js';
import { renderReply } from '../adapters/slack/render.js';
import { slackPoster } from '../adapters/slack/web-poster.js';
const PORT = 38600 + Math.floor(Math.random() * 300);
const server = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>{q.resume();q.on('end',()=>{s.writeHead(200,{'content-type':'application/json'});s.end('{"ok":true,"channel":"D1","ts":"1700000000.000100","message":{"type":"message","text":"x"}}')})}).listen(${PORT},'127.0.0.1',()=>console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => server.stdout!.once('data', r));
const api = `http://127.0.0.1:${PORT}/api/`;
const agent = keepAliveAgent({ timeoutMs: 15000 });
const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => webApi.LogLevel.INFO, setName() {} };
const client = new webApi.WebClient('xoxb-x', { slackApiUrl: api, fetch: agentFetch(agent, 15000) as never, timeout: 0, retryConfig: webApi.retryPolicies.fiveRetriesInFiveMinutes, logger: quiet });
const logger = pino({ level: 'info' });
const poster = slackPoster({ token: 'xoxb-x', apiUrl: api, dispatcher: agent, retry: webApi.retryPolicies.fiveRetriesInFiveMinutes, logger });
const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: 64, headersTimeout: 15000, bodyTimeout: 15000 });
const posterPool = slackPoster({ token: 'xoxb-x', apiUrl: api, dispatcher: pool, retry: webApi.retryPolicies.fiveRetriesInFiveMinutes, logger });
const reply = { text: 'Thanks. What was the *role*? Something like Product designer is fine.', expectsText: true } as never;
const params = () => ({ channel: 'D1', ...renderReply(reply), metadata: { event_type: 'debrief_reply', event_payload: { key: 'EvB000000001', part: 0 } } });
const cases = {
  'WebClient+agentFetch': () => client.chat.postMessage(params()),
  'poster (agent)': () => poster.chat.postMessage(params()),
  'poster (pool)': () => posterPool.chat.postMessage(params()),
};
const N = Number(process.argv[2] ?? 4000);
if (process.argv.includes('--callgrind')) {
  const callgrind = (arg: string) =>
    new Promise<void>((res, rej) => spawn('callgrind_control', [arg, String(process.pid)], { stdio: 'ignore' }).on('exit', (c) => (c === 0 ? res() : rej(new Error(arg)))));
  for (const f of Object.values(cases)) for (let i = 0; i < 2000; i++) await f();
  await callgrind('--instr=on');
  await callgrind('--dump=switching');
  for (let round = 0; round < 3; round++)
    for (const [name, f] of Object.entries(cases)) {
      for (let i = 0; i < N; i++) await f();
      await callgrind(`--dump=${name.replace(/\W+/g, '-')}`);
    }
  server.kill();
  process.exit(0);
}
for (let round = 0; round < 3; round++)
  for (const [name, f] of Object.entries(cases)) {
    for (let i = 0; i < 500; i++) await f();
    const u0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await f();
    const u = process.cpuUsage(u0);
    console.log(`round ${round} ${name.padEnd(22)} user ${(u.user / N).toFixed(1)} us  sys ${(u.system / N).toFixed(1)} us  total ${((u.user + u.system) / N).toFixed(1)} us per call`);
  }
server.kill();
process.exit(0);
