/**
 * Prometheus metrics on a registry of our own (not prom-client's global one), so tests and several
 * instances in one process never collide. Counters move as work happens in this process; the gauges
 * that describe the mirror (days by status, newest complete day, lag, last runs) are read from the
 * database at scrape time, so they are true even for work another process did, and they survive a
 * restart. Every metric is prefixed `epc_sync_`.
 *
 * Labels stay low-cardinality: never a day, a certificate number, a URL or a query string. Every label
 * value below comes from a fixed set or is checked against one before it is used.
 */
import client from 'prom-client';
import type { Queryable } from '../db/client.js';
import { DAY_STATUSES, RUN_OUTCOMES } from '../db/schema.js';
import { readMirrorStates, withTimeout, type MirrorState } from './state-queries.js';

export const PREFIX = 'epc_sync_';

export const ENDPOINTS = ['search', 'certificate', 'deltas', 'files', 'codes'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** Retry reasons are classified into these; the free-text reason never becomes a label. */
export const RETRY_REASONS = ['rate_limited', 'server_error', 'connection', 'timeout', 'bad_body', 'other'] as const;
export type RetryReason = (typeof RETRY_REASONS)[number];

export const QUEUES = ['store', 'days_in_flight'] as const;
export type QueueName = (typeof QUEUES)[number];

export type RowSource = 'api' | 'bulk';

/** One API attempt, as the API client's `onEvent` reports it (`AttemptEvent` is assignable to this). */
export interface ApiAttempt {
  endpoint: Endpoint;
  /** HTTP status; undefined (exposed as "0") when no answer came back. */
  status: number | undefined;
  durationMs: number;
  /** 'retry': this attempt failed and will be retried; 'fail': the request gave up. */
  outcome?: 'ok' | 'retry' | 'fail';
  reason?: string | undefined;
  /** The failure's class, as the client classified it (never parsed from `reason`'s text). */
  failure?: string | undefined;
}

export interface RunFinishedInfo {
  kind: string;
  outcome: string;
  durationMs?: number | undefined;
}

export interface MetricsOptions {
  /** Budget for the whole database read of one scrape. */
  stateTimeoutMs?: number;
  /** Node process metrics (CPU, memory, event loop), prefixed too. Default on. */
  defaultMetrics?: boolean;
  /** FETCH_DOCUMENTS: only then is a document due for more than a day overdue (default on). */
  fetchDocuments?: boolean;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
// A run is minutes (nightly sync) to days (a first backfill from 2007).
const RUN_BUCKETS = [30, 60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400, 259_200];

export class Metrics {
  readonly registry = new client.Registry();
  private readonly requests: client.Counter<'endpoint' | 'status'>;
  private readonly retries: client.Counter<'endpoint' | 'reason'>;
  private readonly rateLimited: client.Counter<'endpoint'>;
  private readonly failedRequests: client.Counter<'endpoint'>;
  private readonly latency: client.Histogram<'endpoint'>;
  private readonly rows: client.Counter<'source'>;
  private readonly documents: client.Counter;
  private readonly rejected: client.Counter<'source'>;
  private readonly queue: client.Gauge<'queue'>;
  private readonly runsStarted: client.Counter<'kind'>;
  private readonly runsFinished: client.Counter<'kind' | 'outcome'>;
  private readonly runsInProgress: client.Gauge<'kind'>;
  private readonly runDuration: client.Histogram<'kind'>;
  private readonly inProgress = new Map<string, number>();
  private readonly stateTimeoutMs: number;
  private readonly fetchDocuments: boolean;
  private inflight: Promise<States | Error> | null = null;
  private pendingRead: Promise<States> | null = null;
  private readonly kept: readonly string[];

  /** `kept`: the mirror's register or registers (EPC_REGISTERS); the state gauges carry a series per register. */
  constructor(
    private readonly db: Queryable | null,
    kept: string | readonly string[],
    options: MetricsOptions = {},
  ) {
    this.kept = typeof kept === 'string' ? [kept] : [...new Set(kept)];
    this.stateTimeoutMs = options.stateTimeoutMs ?? 2000;
    this.fetchDocuments = options.fetchDocuments ?? true;
    const registers = [this.registry];
    const name = (n: string) => `${PREFIX}${n}`;

    this.requests = new client.Counter({ name: name('api_requests_total'), help: 'API request attempts by endpoint and HTTP status (0: no answer)', labelNames: ['endpoint', 'status'], registers });
    this.retries = new client.Counter({ name: name('api_retries_total'), help: 'API attempts that failed and were retried, by endpoint and reason class', labelNames: ['endpoint', 'reason'], registers });
    this.rateLimited = new client.Counter({ name: name('api_rate_limited_total'), help: 'HTTP 429 answers from the API', labelNames: ['endpoint'], registers });
    this.failedRequests = new client.Counter({ name: name('api_failed_requests_total'), help: 'API requests given up on (not retryable, or out of retries)', labelNames: ['endpoint'], registers });
    this.latency = new client.Histogram({ name: name('api_request_duration_seconds'), help: 'API attempt latency', labelNames: ['endpoint'], buckets: LATENCY_BUCKETS, registers });
    this.rows = new client.Counter({ name: name('rows_upserted_total'), help: 'Certificate rows inserted or changed, by source', labelNames: ['source'], registers });
    this.documents = new client.Counter({ name: name('documents_upserted_total'), help: 'Certificate documents stored', registers });
    this.rejected = new client.Counter({ name: name('rejected_rows_total'), help: 'Rows the API or a bulk file sent that could not be stored, by source', labelNames: ['source'], registers });
    this.queue = new client.Gauge({ name: name('queue_depth'), help: 'Work waiting inside the pipeline, by queue', labelNames: ['queue'], registers });
    this.runsStarted = new client.Counter({ name: name('runs_started_total'), help: 'Runs started by this process, by kind', labelNames: ['kind'], registers });
    this.runsFinished = new client.Counter({ name: name('runs_finished_total'), help: 'Runs finished by this process, by kind and outcome', labelNames: ['kind', 'outcome'], registers });
    this.runsInProgress = new client.Gauge({ name: name('runs_in_progress'), help: 'Runs going in this process, by kind', labelNames: ['kind'], registers });
    this.runDuration = new client.Histogram({ name: name('run_duration_seconds'), help: 'How long runs of this process took, by kind', labelNames: ['kind'], buckets: RUN_BUCKETS, registers });

    this.defineStateGauges();
    if (options.defaultMetrics ?? true) client.collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
  }

  /** Content type of `text()`: Prometheus text format 0.0.4. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The scrape: every metric in Prometheus text format (reads the database for the state gauges). */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** One API attempt. Counts the request, its latency, a 429, a retry (outcome 'retry') and a give-up (outcome 'fail'). */
  apiRequest(e: ApiAttempt): void {
    const endpoint = endpointLabel(e.endpoint);
    this.requests.inc({ endpoint, status: statusLabel(e.status) });
    if (Number.isFinite(e.durationMs) && e.durationMs >= 0) this.latency.observe({ endpoint }, e.durationMs / 1000);
    if (e.status === 429) this.rateLimited.inc({ endpoint });
    if (e.outcome === 'retry') this.retries.inc({ endpoint, reason: retryReason(e.failure) });
    if (e.outcome === 'fail') this.failedRequests.inc({ endpoint });
  }

  rowsUpserted(n: number, source: RowSource = 'api'): void {
    if (n > 0) this.rows.inc({ source: sourceLabel(source) }, n);
  }

  documentsUpserted(n: number): void {
    if (n > 0) this.documents.inc(n);
  }

  rejects(n: number, source: RowSource = 'api'): void {
    if (n > 0) this.rejected.inc({ source: sourceLabel(source) }, n);
  }

  queueDepth(name: QueueName, n: number): void {
    if ((QUEUES as readonly string[]).includes(name) && Number.isFinite(n)) this.queue.set({ queue: name }, Math.max(0, n));
  }

  runStarted(kind: string): void {
    const k = kindLabel(kind);
    this.runsStarted.inc({ kind: k });
    this.inProgress.set(k, (this.inProgress.get(k) ?? 0) + 1);
    this.runsInProgress.set({ kind: k }, this.inProgress.get(k) ?? 0);
  }

  /** A run ended (pair it with `runStarted`). */
  runFinished(info: RunFinishedInfo): void {
    const kind = kindLabel(info.kind);
    const outcome = (RUN_OUTCOMES as readonly string[]).includes(info.outcome) ? info.outcome : 'other';
    this.runsFinished.inc({ kind, outcome });
    if (info.durationMs !== undefined && Number.isFinite(info.durationMs) && info.durationMs >= 0) {
      this.runDuration.observe({ kind }, info.durationMs / 1000);
    }
    // Never below zero: a caller that reports the end but not the start must not show -1 runs going.
    const going = Math.max(0, (this.inProgress.get(kind) ?? 0) - 1);
    this.inProgress.set(kind, going);
    this.runsInProgress.set({ kind }, going);
  }

  /**
   * The gauges read from the database. Every one of them shares one read per scrape (prom-client
   * calls all the collect functions at once); a failed or slow read clears them and sets
   * `database_up` to 0, so a scrape reports a dead database instead of stale numbers or a hang.
   */
  private defineStateGauges(): void {
    const registers = [this.registry];
    const read = () => this.readState();
    // Every state gauge carries `register` (one of three values), a series per register the mirror
    // keeps: the views are per register, and a labelled gauge can be absent when its value is
    // unknown, where an unlabelled one would read 0 (a lag of 0 would mean "up to date").
    const gauge = <L extends string>(n: string, help: string, labelNames: readonly L[], set: (g: Setter<L>, s: MirrorState) => void) =>
      new client.Gauge<L | 'register'>({
        name: `${PREFIX}${n}`,
        help,
        labelNames: ['register', ...labelNames],
        registers,
        async collect() {
          const states = await read();
          this.reset();
          if (states instanceof Error) return;
          for (const [name, state] of states) {
            const register = REGISTER_PATTERN.test(name) ? name : 'other';
            set((labels, value) => this.set({ register, ...labels } as Partial<Record<L | 'register', string>>, value), state);
          }
        },
      });

    gauge('days', 'Checkpoint days by status', ['status'], (set, s) => {
      for (const status of DAY_STATUSES) set({ status }, s.daysByStatus.get(status) ?? 0);
    });
    gauge('newest_complete_day_timestamp_seconds', 'The newest day marked done, as a unix timestamp (its midnight UTC)', [], (set, s) => {
      if (s.newestDoneDay) set({}, Date.parse(`${s.newestDoneDay}T00:00:00Z`) / 1000);
    });
    gauge('lag_days', 'Days between the newest complete day and yesterday (Europe/London); absent when no day is done', [], (set, s) => {
      if (s.daysBehind !== null) set({}, s.daysBehind);
    });
    gauge('missing_days', 'Days up to yesterday that are not done', [], (set, s) => set({}, s.missingDays));
    gauge('documents_due', 'Certificates due a document (none yet, a 404 or failure to retry, or changed since)', [], (set, s) => set({}, s.documentsDue));
    gauge('documents_overdue', 'Certificates due a document for more than a day (absent with FETCH_DOCUMENTS=false)', [], (set, s) => {
      if (this.fetchDocuments) set({}, s.documentsOverdue);
    });
    gauge('last_run_start_timestamp_seconds', 'When the newest run of each kind started', ['kind'], (set, s) => {
      for (const r of runsOf(s)) set({ kind: r.kind }, r.startedAt);
    });
    gauge('last_run_end_timestamp_seconds', 'When the newest run of each kind ended (absent while it runs)', ['kind'], (set, s) => {
      for (const r of runsOf(s)) if (r.finishedAt !== null) set({ kind: r.kind }, r.finishedAt);
    });
    gauge('last_run_duration_seconds', 'How long the newest run of each kind took (absent while it runs)', ['kind'], (set, s) => {
      for (const r of runsOf(s)) if (r.finishedAt !== null) set({ kind: r.kind }, Math.max(0, Math.round((r.finishedAt - r.startedAt) * 1000) / 1000));
    });
    gauge('last_run_outcome', 'Outcome of the newest run of each kind: 1 for its outcome, 0 for the others', ['kind', 'outcome'], (set, s) => {
      for (const r of runsOf(s)) for (const outcome of RUN_OUTCOMES) set({ kind: r.kind, outcome }, r.outcome === outcome ? 1 : 0);
    });
    gauge('last_success_timestamp_seconds', 'When a run of each kind last ended succeeded', ['kind'], (set, s) => {
      for (const r of runsOf(s)) if (r.lastSuccessAt !== null) set({ kind: r.kind }, r.lastSuccessAt);
    });
    new client.Gauge({
      name: `${PREFIX}database_up`,
      help: '1 when this scrape could read the mirror state from the database in time, 0 otherwise',
      registers,
      async collect() {
        this.set((await read()) instanceof Error ? 0 : 1);
      },
    });
  }

  /** Single-flight: the collect functions of one scrape share one database read. */
  private readState(): Promise<States | Error> {
    if (this.inflight) return this.inflight;
    const db = this.db;
    if (!db) return Promise.resolve(new Error('no database'));
    // A read an earlier scrape gave up on may still be going (a stuck database): wait on that one
    // again instead of piling another query onto the database every scrape.
    this.pendingRead ??= readMirrorStates(db, this.kept).finally(() => {
      this.pendingRead = null;
    });
    this.inflight = withTimeout(this.pendingRead, this.stateTimeoutMs)
      .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}

/** Kinds come from the code (sync, backfill, …); anything odd in the table is left out, never a label. */
function runsOf(s: MirrorState) {
  return s.lastRuns.filter((r) => KIND_PATTERN.test(r.kind)).slice(0, MAX_KINDS);
}

const KIND_PATTERN = /^[a-z][a-z_-]{0,31}$/;
const MAX_KINDS = 10;
const REGISTER_PATTERN = /^[a-z][a-z-]{0,31}$/;

type States = Map<string, MirrorState>;

/** Sets one series of a state gauge (the `register` label is added for the caller). */
type Setter<L extends string> = (labels: Partial<Record<L, string>>, value: number) => void;

function kindLabel(kind: string): string {
  return KIND_PATTERN.test(kind) ? kind : 'other';
}

function endpointLabel(endpoint: string): string {
  return (ENDPOINTS as readonly string[]).includes(endpoint) ? endpoint : 'other';
}

function sourceLabel(source: string): string {
  return source === 'bulk' ? 'bulk' : 'api';
}

/** An HTTP status code, or "0" for no answer (or anything that is not a status code). */
function statusLabel(status: number | undefined): string {
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : '0';
}

/** The client's failure class, or 'other' for anything this registry has no label for. */
export function retryReason(failure: string | undefined): RetryReason {
  return (RETRY_REASONS as readonly string[]).includes(failure ?? '') ? (failure as RetryReason) : 'other';
}
