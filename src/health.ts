import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Logger } from './log.js';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** `/healthz` answers 200 when the database does, 503 otherwise; `/metrics` is Prometheus text. */
export async function startHealthServer(opts: {
  port: number;
  ping: () => Promise<void>;
  registry: Registry;
  logger: Logger;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/healthz') {
      withTimeout(opts.ping(), 2_000)
        .then(() => {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
        })
        .catch((err: Error) => {
          opts.logger.warn({ err: err.message }, 'health check failed');
          res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"database unreachable"}');
        });
      return;
    }
    if (path === '/metrics') {
      opts.registry
        .metrics()
        .then((body) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(body))
        .catch(() => res.writeHead(500).end());
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, resolve);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : opts.port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
