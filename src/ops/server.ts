/**
 * The daemon's operations endpoint: `/metrics` (Prometheus text) and `/healthz` (200 while the
 * scheduler runs and the database answers; 503 with the reason otherwise). Reads state only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Queryable } from '../db/client.js';
import { withTimeout, type Metrics } from './metrics.js';

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  port: number;
  host?: string;
  metrics: Metrics;
  db: Queryable;
  isSchedulerRunning: () => boolean;
  logger: Logger;
}

export async function health(db: Queryable, isSchedulerRunning: () => boolean): Promise<{ ok: boolean; reason?: string }> {
  if (!isSchedulerRunning()) return { ok: false, reason: 'scheduler stopped' };
  try {
    await withTimeout(db.query('SELECT 1'), 2000);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `database unreachable: ${(error as Error).message}` };
  }
}

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      o.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': o.metrics.registry.contentType }).end(text),
        (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error.message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      void health(o.db, o.isSchedulerRunning).then((h) => {
        const body = h.ok ? { status: 'ok' } : { status: 'unavailable', reason: h.reason };
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '0.0.0.0', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  o.logger.info({ port }, 'metrics and health endpoint listening');
  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
