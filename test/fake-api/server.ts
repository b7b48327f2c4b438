/**
 * The fake EPB Data API: a real HTTP server on loopback. Requests pass the layers the real service
 * has, in its order: the CDN's header check (403 text), an optional 60 s response cache, the WAF's rate
 * limit (bare 429), injected faults, the application's token check (403 JSON), then the endpoint.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Faults, type Fault, type FaultOptions, type ScriptedFault } from './faults.js';
import { BulkFiles, bulkCsv, zipOf, type PublishedFile } from './bulk.js';
import { certificateRoute, deltasRoute } from './documents.js';
import { search, type Answer } from './search.js';
import { FakeStore, type SearchRow } from './store.js';

/** A valid token (64 alphanumerics) the fake accepts unless told otherwise. */
export const FAKE_TOKEN = 'FakeEpbToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO0'.slice(0, 64);

export interface FakeApiOptions {
  token?: string;
  host?: string;
  port?: number;
  /** "Today" as the service sees it, yyyy-MM-dd (default: today in Europe/London). */
  today?: () => string;
  rateLimit?: { limit: number; windowMs: number } | false;
  faults?: FaultOptions;
  cacheTtlMs?: number;
  unstableOrder?: boolean;
  seed?: number;
}

export interface RequestRecord {
  /** ms since the epoch, sub-millisecond precision. */
  time: number;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  fault: Fault | null;
}

/** Extra routes (documents, deltas, bulk files) plug in here. */
export type Route = (path: string, params: URLSearchParams, ctx: { store: FakeStore; today: string; url: string }) => Answer | null;

export interface FakeApi {
  url: string;
  token: string;
  store: FakeStore;
  requests: RequestRecord[];
  resetRequests(): void;
  setFaults(faults: FaultOptions): void;
  failNext(fault: ScriptedFault): void;
  setToday(day: string): void;
  addRoute(route: Route): void;
  /** The bulk-file endpoints' state: publish a file, shorten the link lifetime, cut downloads. */
  bulk: BulkFiles;
  /** Builds and publishes the monthly ZIP from the store's visible rows (plus raw extra lines). */
  publishBulkFile(options?: { lastUpdated?: string; extraLines?: string[]; rows?: SearchRow[] }): Promise<PublishedFile>;
  close(): Promise<void>;
}

const londonToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const token = options.token ?? FAKE_TOKEN;
  let todayOverride: string | null = null;
  const today = () => todayOverride ?? (options.today ?? londonToday)();
  const store = new FakeStore(today);
  const faults = new Faults();
  faults.set(options.faults ?? {});
  const rate = options.rateLimit === undefined ? { limit: 6000, windowMs: 300_000 } : options.rateLimit;
  const windows = new Map<string, number[]>();
  const cache = new Map<string, { expires: number; answer: Answer }>();
  const routes: Route[] = [];
  const requests: RequestRecord[] = [];
  const bulk = new BulkFiles();
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const time = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    // The pre-signed download host (S3): its own signature, no bearer token, not behind the API's WAF.
    if (url.pathname.startsWith('/s3/')) {
      requests.push({ time, method: req.method ?? 'GET', path: url.pathname, query: {}, status: 0, fault: null });
      bulk.serve(req, res, url);
      return;
    }
    const record = (status: number, fault: Fault | null = null) => {
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? all[0]! : all;
      }
      requests.push({ time, method: req.method ?? 'GET', path: url.pathname, query, status, fault });
    };
    const auth = req.headers.authorization ?? '';

    // CDN: the header's shape.
    if (!/^Bearer [A-Za-z0-9]{64}$/.test(auth)) {
      record(403);
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Access denied. Bad authentication header.');
      return;
    }
    const cacheKey = `${auth}|${req.url}`;
    const cached = options.cacheTtlMs ? cache.get(cacheKey) : undefined;
    if (cached && cached.expires > Date.now()) {
      record(cached.answer.status);
      sendJson(res, cached.answer);
      return;
    }
    // WAF: requests per window per client IP + Authorization header.
    if (rate) {
      const key = `${req.socket.remoteAddress}|${auth}`;
      const log = (windows.get(key) ?? []).filter((t) => t > time - rate.windowMs);
      log.push(time);
      windows.set(key, log);
      if (log.length > rate.limit) {
        record(429);
        res.writeHead(429).end();
        return;
      }
    }
    const fault = faults.pick(url.pathname);
    if (faults.delayMs > 0) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (fault === 'status429') {
      record(429, fault);
      res.writeHead(429).end();
      return;
    }
    if (fault === 'status500') {
      record(500, fault);
      sendJson(res, { status: 500, body: { data: { errors: [{ code: 'PG::ConnectionBad: injected fault' }] } } });
      return;
    }
    if (fault === 'drop') {
      record(0, fault);
      req.socket.destroy();
      return;
    }
    if (fault === 'html') {
      record(200, fault);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><h1>Service temporarily unavailable</h1></body></html>');
      return;
    }
    // Application: the token itself.
    if (auth !== `Bearer ${token}`) {
      record(403);
      sendJson(res, { status: 403, body: { errors: [{ code: 'UNAUTHORISED', title: 'You are not authenticated' }] } });
      return;
    }
    const answer = route(url.pathname, url.searchParams);
    if (!answer) {
      record(404);
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body><h1>Page not found</h1></body></html>');
      return;
    }
    if (fault === 'truncate' && answer.status === 200) {
      record(200, fault);
      const text = JSON.stringify(answer.body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.write(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      setTimeout(() => res.destroy(), 5);
      return;
    }
    if (options.cacheTtlMs) cache.set(cacheKey, { expires: Date.now() + options.cacheTtlMs, answer });
    record(answer.status);
    sendJson(res, answer);
  };

  const route = (path: string, params: URLSearchParams): Answer | null => {
    const searchMatch = /^\/api\/(domestic|non-domestic|display)\/search$/.exec(path);
    if (searchMatch) return search(params, { store, today: today(), seed: options.seed ?? 0, unstableOrder: options.unstableOrder ?? true });
    if (path === '/api/certificate') return certificateRoute(params, store);
    if (path === '/api/files/domestic/csv/info') return bulk.info();
    if (path === '/api/files/domestic/csv') return bulk.file ? { status: 302, body: null, location: bulk.signedUrl(baseUrl) } : bulk.info();
    if (path === '/api/deltas') return deltasRoute(params, store, today());
    for (const r of routes) {
      const answer = r(path, params, { store, today: today(), url: baseUrl });
      if (answer) return answer;
    }
    return null;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) sendJson(res, { status: 500, body: { data: { errors: [{ code: error.message }] } } });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  baseUrl = `http://${address.address}:${address.port}`;

  return {
    url: baseUrl,
    token,
    store,
    requests,
    resetRequests: () => void requests.splice(0),
    setFaults: (f) => faults.set(f),
    failNext: (f) => faults.script(f),
    setToday: (day) => void (todayOverride = day),
    addRoute: (r) => void routes.push(r),
    bulk,
    async publishBulkFile(o = {}) {
      const rows = o.rows ?? [...store.visibleBetween('0000-00-00', '9999-99-99')];
      const zip = await zipOf('certificates.csv', bulkCsv(rows, o.extraLines));
      bulk.file = { zip, lastUpdated: o.lastUpdated ?? `${today()}T00:31:19.000+00:00` };
      return bulk.file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, answer: Answer): void {
  if (answer.location) {
    res.writeHead(answer.status, { location: answer.location }).end();
    return;
  }
  const text = JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
