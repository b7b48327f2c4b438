/**
 * The fake EPB Data API: a real HTTP server on loopback. A request passes the layers the real
 * service has, in its order: the WAF's rate limit (bare 429; counts every request it sees), the CDN's
 * header check (403 text), injected faults, the application's token check (403 JSON), the CDN's
 * response cache, then the endpoint. Unknown paths get an HTML 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BulkFiles, bulkZip, type BulkZipOptions, type PublishedFile } from './bulk.js';
import { ResponseCache } from './cache.js';
import { londonToday } from './days.js';
import { Faults, type Fault, type FaultOptions, type ScriptedFault } from './faults.js';
import { PLACES } from './generate.js';
import { BAD_HEADER, BARE_429, HTML_200, NOT_FOUND_PAGE, UNKNOWN_TOKEN, gatewayError, jsonReply, send, sendTruncated, serverError, type Reply } from './http.js';
import { SlidingWindowLimiter, type RateLimit } from './rate-limit.js';
import { route, type Route } from './router.js';
import { FakeStore, type FakeRegister, type SearchRow } from './store.js';

export type { Route } from './router.js';

/** A valid token (64 alphanumerics) the fake accepts unless told otherwise. */
export const FAKE_TOKEN = 'FakeEpbToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO0'.slice(0, 64);

const WELL_FORMED = /^Bearer [A-Za-z0-9]{64}$/;

export interface FakeApiOptions {
  token?: string;
  host?: string;
  port?: number;
  /** "Today" as the service sees it, yyyy-MM-dd (default: today in Europe/London). */
  today?: () => string;
  /** Default 6000 per 300,000 ms, as the real WAF; false turns it off. */
  rateLimit?: RateLimit | false;
  faults?: FaultOptions;
  /** The CDN cache's lifetime (the real one is 60,000 ms); 0, the default, turns it off. */
  cacheTtlMs?: number;
  /** Default true: tied rows (same day) come back in a different order for each page. */
  unstableOrder?: boolean;
  /** Seeds the tie order. */
  seed?: number;
  /** Days between registration and loading for rows given without createdAt (default 0; see FakeStore). */
  loadDelayDays?: number;
}

export interface RequestRecord {
  /** ms since the epoch (performance.timeOrigin + performance.now()), sub-millisecond precision. */
  time: number;
  method: string;
  path: string;
  /** Each parameter once; repeated parameters (`efficiency_rating[]`) as an array. */
  query: Record<string, string | string[]>;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  /** The injected fault, or null (the WAF's own 429s are not faults: see `limited`). */
  fault: Fault | null;
  faulted: boolean;
  /** Refused by the rate limiter. */
  limited: boolean;
  /** Served from the CDN cache. */
  cached: boolean;
}

export interface FakeApi {
  url: string;
  token: string;
  store: FakeStore;
  /**
   * Certificates search counts in totalRecords and pages (each holds its place in the page's LIMIT)
   * but cuts from the answer: served rows silently dropped, so a day holding one can never be
   * reconciled. A page left with no row is a 404, as every empty page is.
   */
  unlisted: Set<string>;
  requests: RequestRecord[];
  resetRequests(): void;
  setFaults(faults: FaultOptions): void;
  failNext(fault: ScriptedFault): void;
  /** Scripted faults not yet used up. */
  pendingFaults(): number;
  setToday(day: string): void;
  today(): string;
  addRoute(route: Route): void;
  /** The bulk-file endpoints' state: publish a file, shorten the link lifetime, cut downloads. */
  bulk: BulkFiles;
  /**
   * Builds and publishes a register's monthly ZIP (domestic by default) from the store's visible
   * certificates of that register (or `rows`): the export job's layout by default
   * (certificates-YYYY.csv and recommendations-YYYY.csv, years in an order seeded by the fake's seed,
   * the register's own columns), `layout: 'legacy'` for the older one-file domestic shape. A
   * non-domestic file holds the certificates search never serves too (no report: no recommendations).
   * See BulkZipOptions.
   */
  publishBulkFile(options?: {
    register?: FakeRegister; lastUpdated?: string; extraLines?: string[]; rows?: SearchRow[]; extraColumns?: string[]; zip64?: boolean; layout?: BulkZipOptions['layout'];
  }): Promise<PublishedFile>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startFakeApi(options: FakeApiOptions = {}): Promise<FakeApi> {
  const token = options.token ?? FAKE_TOKEN;
  if (!/^[A-Za-z0-9]{64}$/.test(token)) throw new Error('the fake API token must be 64 alphanumerics, as real tokens are');
  let todayOverride: string | null = null;
  const today = () => todayOverride ?? (options.today ?? londonToday)();
  const store = new FakeStore(today, { loadDelayDays: options.loadDelayDays ?? 0 });
  // The real search validates council and constituency names against the ONS lists; the fake knows
  // the generator's places and every name it has been given.
  for (const [council, constituency] of PLACES) {
    store.councils.set(council.toLowerCase(), council);
    store.constituencies.set(constituency.toLowerCase(), constituency);
  }
  const faults = new Faults();
  faults.set(options.faults ?? {});
  const rate = options.rateLimit === undefined ? { limit: 6000, windowMs: 300_000 } : options.rateLimit;
  const limiter = rate ? new SlidingWindowLimiter(rate) : null;
  const cache = new ResponseCache(options.cacheTtlMs ?? 0);
  const extraRoutes: Route[] = [];
  const requests: RequestRecord[] = [];
  const unlisted = new Set<string>();
  const bulk = new BulkFiles();
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const time = performance.timeOrigin + performance.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const record = (status: number, extra: Partial<Pick<RequestRecord, 'fault' | 'limited' | 'cached'>> = {}) => {
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key);
        query[key] = all.length === 1 ? all[0]! : all;
      }
      const fault = extra.fault ?? null;
      requests.push({ time, method, path: url.pathname, query, status, fault, faulted: fault !== null, limited: extra.limited ?? false, cached: extra.cached ?? false });
    };
    const reply = (r: Reply, extra?: Parameters<typeof record>[1]) => {
      record(r.status, extra);
      send(res, r);
    };

    try {
      // The pre-signed download host (S3): its own signature, no bearer token, not behind the API's WAF.
      if (url.pathname.startsWith('/s3/')) {
        bulk.serve(req, res, url);
        record(res.statusCode);
        return;
      }
      const auth = req.headers.authorization ?? '';
      if (limiter && !limiter.hit(`${req.socket.remoteAddress}|${auth}`, time)) return reply(BARE_429, { limited: true });
      if (!WELL_FORMED.test(auth)) return reply(BAD_HEADER);

      const picked = faults.pick({ method, path: url.pathname, query: url.searchParams });
      if (picked.delayMs > 0) await sleep(picked.delayMs);
      switch (picked.fault) {
        case 'status429':
          return reply(BARE_429, { fault: picked.fault });
        case 'status500':
          return reply(serverError('PG::ConnectionBad: injected fault'), { fault: picked.fault });
        case 'status502':
        case 'status503':
        case 'status504':
          return reply(gatewayError(Number(picked.fault.slice(6))), { fault: picked.fault });
        case 'drop':
          record(0, { fault: picked.fault });
          req.socket.destroy();
          return;
        case 'html':
          return reply(HTML_200, { fault: picked.fault });
        default:
      }

      if (auth !== `Bearer ${token}`) return reply(UNKNOWN_TOKEN);
      const key = `${auth}|${method} ${req.url ?? ''}`;
      let answer = cache.get(key, time);
      const cached = answer !== undefined;
      if (!answer) {
        const routed = route(method, url.pathname, url.searchParams, { store, today: today(), url: baseUrl, seed: options.seed ?? 0, unstableOrder: options.unstableOrder ?? true, bulk, extraRoutes, unlisted });
        answer = routed ? jsonReply(routed) : NOT_FOUND_PAGE;
        cache.set(key, answer, time);
      }
      if (picked.fault === 'truncate') {
        if (answer.status === 200) {
          record(200, { fault: 'truncate', cached });
          sendTruncated(res, answer, picked.truncateMode);
          return;
        }
        picked.refund();
      }
      return reply(answer, { cached });
    } catch (error) {
      // What the application does with an unexpected exception: a wrapped 500 carrying the message.
      if (!res.headersSent) reply(serverError((error as Error).message));
      else res.destroy();
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    token,
    store,
    unlisted,
    requests,
    resetRequests: () => void requests.splice(0),
    setFaults: (f) => faults.set(f),
    failNext: (f) => faults.script(f),
    pendingFaults: () => faults.pending,
    setToday: (day) => void (todayOverride = day),
    today,
    addRoute: (r) => void extraRoutes.push(r),
    bulk,
    async publishBulkFile(o = {}) {
      const register = o.register ?? 'domestic';
      const rows = o.rows ?? [...store.visibleBetween('0000-00-00', '9999-99-99', register)];
      const zip = await bulkZip(rows, { seed: options.seed ?? 0, extraLines: o.extraLines, extraColumns: o.extraColumns, zip64: o.zip64, layout: o.layout, register });
      const file = { zip, lastUpdated: o.lastUpdated ?? `${today()}T00:31:19.000+00:00` };
      bulk.files.set(register, file);
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
