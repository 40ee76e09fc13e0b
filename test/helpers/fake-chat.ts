import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeChatMessage {
  to: string;
  key: string;
  index: number;
  text: string;
  buttons: { label: string; value: string }[];
}

/**
 * The platform behind test/fixtures/fake-platform: it streams events to the connected bot as NDJSON
 * (`GET /events`) and keeps the messages the bot posts (`POST /messages`), a repeated key and index
 * once, as Discord does with a nonce.
 */
export async function startFakeChat() {
  const streams = new Set<ServerResponse>();
  const messages: FakeChatMessage[] = [];
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/events') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.flushHeaders();
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'POST' && req.url === '/messages') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const m = JSON.parse(body) as FakeChatMessage;
        if (!messages.some((s) => s.key === m.key && s.index === m.index)) messages.push(m);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    connected: () => streams.size,
    /** Sends one event to every connected bot. */
    push: (event: Record<string, string>) => {
      for (const s of streams) s.write(`${JSON.stringify(event)}\n`);
    },
    close: async () => {
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
