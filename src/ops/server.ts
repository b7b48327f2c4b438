/**
 * The operations endpoint: `/` (the coverage page, `ops/page/`), `/metrics` (Prometheus text
 * format), `/healthz` (200 while the scheduler runs and the database answers `SELECT 1` in time; 503
 * naming what is wrong otherwise) and `/status.json` (what `status --json` prints). It reads state only, with fixed queries, and
 * never drives a sync. The port is the caller's business (METRICS_PORT).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Queryable } from '../db/client.js';
import { ConfigError } from '../errors.js';
import type { Metrics } from './metrics.js';
import { withTimeout } from './state-queries.js';

export interface OpsServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Interface to bind; default all of them (a container's probes and scrapes come from outside). */
  host?: string;
  metrics: Pick<Metrics, 'text' | 'contentType'>;
  db: Pick<Queryable, 'query'>;
  isSchedulerRunning: () => boolean;
  logger: Logger;
  /** How long `/healthz` waits for `SELECT 1` (default 2 s). Keep it below the probes' timeoutSeconds (5 s in deploy/). */
  healthTimeoutMs?: number;
  /** What `status --json` prints, for `/status.json` (fixed queries; nothing a request sends is run). */
  status?: () => Promise<unknown>;
  /** The coverage page for `/` (`?year=YYYY` picks the calendar's year; nothing else a request sends is read). */
  page?: (year: number | undefined) => Promise<string>;
}

export interface OpsServer {
  /** http://host:port of the listening server (loopback when bound to every interface). */
  url: string;
  port: number;
  /** Stops listening and drops open connections. Safe to call more than once. */
  close(): Promise<void>;
}

export type Health = { ok: true } | { ok: false; reason: string };

/** Both checks always run, so a 503 names every cause at once. */
export async function checkHealth(
  db: Pick<Queryable, 'query'>,
  isSchedulerRunning: () => boolean,
  timeoutMs = 2000,
): Promise<Health> {
  const reasons: string[] = [];
  let scheduling = false;
  try {
    scheduling = isSchedulerRunning();
  } catch {
    scheduling = false;
  }
  if (!scheduling) reasons.push('scheduler stopped');
  try {
    await withTimeout(db.query('SELECT 1'), timeoutMs);
  } catch (error) {
    reasons.push(`database unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  return reasons.length === 0 ? { ok: true } : { ok: false, reason: reasons.join('; ') };
}

export async function startOpsServer(o: OpsServerOptions): Promise<OpsServer> {
  const log = o.logger.child({ component: 'ops-server' });
  let lastHealth: Health | null = null;

  // Log changes of health, not every probe: the kubelet asks every few seconds.
  const noteHealth = (h: Health) => {
    const changed = lastHealth === null ? !h.ok : lastHealth.ok !== h.ok || (!h.ok && !lastHealth.ok && h.reason !== lastHealth.reason);
    if (changed) {
      if (h.ok) log.info('healthy again');
      else log.warn({ reason: h.reason }, 'unhealthy: /healthz answers 503');
    }
    lastHealth = h;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const [path, search] = (req.url ?? '/').split('?') as [string, string | undefined];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, req, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { allow: 'GET, HEAD' });
      return;
    }
    if (path === '/metrics') {
      try {
        send(res, req, 200, o.metrics.contentType, await o.metrics.text());
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'metrics scrape failed');
        send(res, req, 500, 'text/plain; charset=utf-8', `metrics failed: ${(error as Error).message}\n`);
      }
      return;
    }
    if (path === '/healthz') {
      const h = await checkHealth(o.db, o.isSchedulerRunning, o.healthTimeoutMs);
      noteHealth(h);
      const body = h.ok ? { status: 'ok' } : { status: 'unavailable', reason: h.reason };
      send(res, req, h.ok ? 200 : 503, 'application/json', JSON.stringify(body));
      return;
    }
    if (path === '/status.json' && o.status) {
      try {
        send(res, req, 200, 'application/json', JSON.stringify(await o.status()));
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'status failed');
        send(res, req, 500, 'text/plain; charset=utf-8', `status failed: ${(error as Error).message}\n`);
      }
      return;
    }
    if (path === '/' && o.page) {
      const year = /^\d{4}$/.exec(new URLSearchParams(search ?? '').get('year') ?? '')?.[0];
      try {
        send(res, req, 200, 'text/html; charset=utf-8', await o.page(year === undefined ? undefined : Number(year)));
      } catch (error) {
        log.warn({ err: { message: (error as Error).message } }, 'coverage page failed');
        send(res, req, 500, 'text/plain; charset=utf-8', `coverage page failed: ${(error as Error).message}\n`);
      }
      return;
    }
    send(res, req, 404, 'text/plain; charset=utf-8', 'not found: try /, /metrics, /healthz or /status.json\n');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error({ err: { message: (error as Error).message } }, 'ops request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // A scraper that hangs up mid-answer must not take the daemon down.
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'is in use by another process' : `cannot be listened on (${error.code ?? error.message})`;
      reject(new ConfigError(`METRICS_PORT ${o.port} ${why}: set METRICS_PORT to a free port, or 0 to serve no /metrics`, { cause: error }));
    };
    server.once('error', refuse);
    server.listen(o.port, o.host ?? '0.0.0.0', () => {
      server.off('error', refuse);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err: { message: err.message } }, 'ops server error'));

  const address = server.address() as AddressInfo;
  const url = `http://${urlHost(address)}:${address.port}`;
  log.info({ port: address.port, host: address.address }, 'the ops endpoints (/, /metrics, /healthz, /status.json) are listening');

  let closing: Promise<void> | null = null;
  return {
    url,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (a scraper's) would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, req: IncomingMessage, status: number, type: string, body: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A URL host for the bound address: loopback stands in for "every interface". */
function urlHost(a: AddressInfo): string {
  if (a.address === '0.0.0.0') return '127.0.0.1';
  if (a.address === '::') return '[::1]';
  return a.family === 'IPv6' ? `[${a.address}]` : a.address;
}
