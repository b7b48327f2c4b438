/**
 * Prometheus metrics (prom-client) on a registry of our own. Counters move as work happens; the gauges
 * that describe the mirror (days by status, newest complete day, lag, last run) are read from the
 * database at scrape time, so they are true even for work another process did. Labels stay
 * low-cardinality: never a day, a certificate or a URL.
 */
import client from 'prom-client';
import type { Queryable } from '../db/client.js';

export type Endpoint = 'search' | 'certificate' | 'deltas' | 'files';

const PREFIX = 'epc_sync_';

interface MirrorState {
  up: boolean;
  days: Map<string, number>;
  newest: string | null;
  behind: number | null;
  missing: number;
  run: { started: number; ended: number | null; outcome: string } | null;
  lastSuccess: number | null;
}

export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests = new client.Counter({ name: `${PREFIX}api_requests_total`, help: 'API request attempts by endpoint and HTTP status (0 = no answer)', labelNames: ['endpoint', 'status'], registers: [this.registry] });
  private readonly retries = new client.Counter({ name: `${PREFIX}api_retries_total`, help: 'API attempts that were retried, by reason class', labelNames: ['endpoint', 'reason'], registers: [this.registry] });
  private readonly rateLimited = new client.Counter({ name: `${PREFIX}api_rate_limited_total`, help: 'HTTP 429 answers from the API', registers: [this.registry] });
  private readonly latency = new client.Histogram({ name: `${PREFIX}api_request_duration_seconds`, help: 'API attempt latency', labelNames: ['endpoint'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [this.registry] });
  private readonly rows = new client.Counter({ name: `${PREFIX}rows_upserted_total`, help: 'Certificate rows inserted or changed', labelNames: ['source'], registers: [this.registry] });
  private readonly documents = new client.Counter({ name: `${PREFIX}documents_upserted_total`, help: 'Certificate documents stored', registers: [this.registry] });
  private readonly rejected = new client.Counter({ name: `${PREFIX}rejected_rows_total`, help: 'Rows the API or a bulk file sent that could not be stored', labelNames: ['source'], registers: [this.registry] });
  private readonly queue = new client.Gauge({ name: `${PREFIX}queue_depth`, help: 'Work waiting in the pipeline', labelNames: ['queue'], registers: [this.registry] });
  private readonly runsFinished = new client.Counter({ name: `${PREFIX}runs_total`, help: 'Runs finished, by kind and outcome', labelNames: ['kind', 'outcome'], registers: [this.registry] });

  constructor(private readonly db: Queryable | null, private readonly register: string) {
    const state = () => this.state();
    const gauge = (name: string, help: string, labelNames: string[], set: (g: client.Gauge, s: MirrorState) => void) =>
      new client.Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          set(this, await state());
        },
      });
    gauge('days', 'Days in the checkpoint by status', ['status'], (g, s) => {
      g.reset();
      for (const [status, n] of s.days) g.set({ status }, n);
    });
    gauge('newest_complete_day_timestamp_seconds', 'The newest day marked done, as a unix timestamp (midnight UTC)', [], (g, s) => {
      if (s.newest) g.set(Date.parse(`${s.newest}T00:00:00Z`) / 1000);
    });
    gauge('lag_days', 'Days between the newest complete day and yesterday', [], (g, s) => {
      if (s.behind !== null) g.set(s.behind);
    });
    gauge('missing_days', 'Days up to yesterday that are not done', [], (g, s) => g.set(s.missing));
    gauge('last_run_start_timestamp_seconds', 'When the last run started', [], (g, s) => {
      if (s.run) g.set(s.run.started);
    });
    gauge('last_run_end_timestamp_seconds', 'When the last run ended', [], (g, s) => {
      if (s.run?.ended) g.set(s.run.ended);
    });
    gauge('last_run_duration_seconds', 'How long the last finished run took', [], (g, s) => {
      if (s.run?.ended) g.set(s.run.ended - s.run.started);
    });
    gauge('last_run_outcome', '1 for the outcome of the last run, 0 for the others', ['outcome'], (g, s) => {
      if (!s.run) return;
      for (const outcome of ['running', 'succeeded', 'incomplete', 'failed', 'interrupted']) g.set({ outcome }, s.run.outcome === outcome ? 1 : 0);
    });
    gauge('last_success_timestamp_seconds', 'When the last successful run ended', [], (g, s) => {
      if (s.lastSuccess) g.set(s.lastSuccess);
    });
    gauge('database_up', '1 when the last scrape could read the database', [], (g, s) => g.set(s.up ? 1 : 0));
  }

  private cached: { at: number; value: Promise<MirrorState> } | null = null;

  /** One read of the database per scrape, shared by every gauge (a dead database must not break the scrape). */
  private state(): Promise<MirrorState> {
    if (this.cached && Date.now() - this.cached.at < 500) return this.cached.value;
    const value = this.readState();
    this.cached = { at: Date.now(), value };
    return value;
  }

  private async readState(): Promise<MirrorState> {
    const empty: MirrorState = { up: false, days: new Map(), newest: null, behind: null, missing: 0, run: null, lastSuccess: null };
    if (!this.db) return empty;
    const db = this.db;
    const q = <R extends object>(sql: string) => withTimeout(db.query<R>(sql, [this.register]), 3000);
    try {
      const days = await q<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM sync_checkpoint WHERE register = $1 GROUP BY status`);
      const [lag] = await q<{ newest: string | null; behind: number | null; missing: number }>(
        `SELECT newest_done_day::text AS newest, days_behind AS behind, missing_days AS missing FROM sync_lag WHERE register = $1`,
      );
      const [run] = await q<{ started: number; ended: number | null; outcome: string }>(
        `SELECT extract(epoch FROM started_at)::float8 AS started, extract(epoch FROM finished_at)::float8 AS ended, outcome
         FROM sync_runs WHERE register = $1 ORDER BY id DESC LIMIT 1`,
      );
      const [ok] = await q<{ at: number | null }>(`SELECT extract(epoch FROM max(finished_at))::float8 AS at FROM sync_runs WHERE register = $1 AND outcome = 'succeeded'`);
      return {
        up: true,
        days: new Map(days.map((d) => [d.status, d.n])),
        newest: lag?.newest ?? null,
        behind: lag?.behind ?? null,
        missing: lag?.missing ?? 0,
        run: run ?? null,
        lastSuccess: ok?.at ?? null,
      };
    } catch {
      return empty;
    }
  }

  apiRequest(e: { endpoint: Endpoint; status: number | undefined; durationMs: number; outcome: 'ok' | 'retry' | 'fail'; reason?: string | undefined }): void {
    this.requests.inc({ endpoint: e.endpoint, status: String(e.status ?? 0) });
    this.latency.observe({ endpoint: e.endpoint }, e.durationMs / 1000);
    if (e.status === 429) this.rateLimited.inc();
    if (e.outcome === 'retry') this.retries.inc({ endpoint: e.endpoint, reason: reasonClass(e.reason) });
  }

  rowsUpserted(n: number, source: 'api' | 'bulk' = 'api'): void {
    if (n > 0) this.rows.inc({ source }, n);
  }

  documentsUpserted(n: number): void {
    if (n > 0) this.documents.inc(n);
  }

  rejects(n: number, source: 'api' | 'bulk' = 'api'): void {
    if (n > 0) this.rejected.inc({ source }, n);
  }

  queueDepth(queue: 'store' | 'days_in_flight' | 'requests', n: number): void {
    this.queue.set({ queue }, n);
  }

  runFinished(kind: string, outcome: string): void {
    this.runsFinished.inc({ kind, outcome });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** "HTTP 429", "connection failed (ECONNRESET)"… → a fixed, small set of label values. */
function reasonClass(reason: string | undefined): string {
  if (!reason) return 'unknown';
  if (reason.startsWith('HTTP 429')) return 'rate_limited';
  if (reason.startsWith('HTTP 5')) return 'server_error';
  if (reason.startsWith('connection failed')) return 'connection';
  if (reason.startsWith('timed out')) return 'timeout';
  if (reason.startsWith('unreadable')) return 'bad_body';
  return 'other';
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e as Error);
      },
    );
  });
}
