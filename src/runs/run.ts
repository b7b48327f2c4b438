/**
 * One run's life, the same for every command (sync, backfill, documents, bulk import), as pg-boss
 * gives every worker one owner for start, heartbeat and stop:
 *
 *   start ── closes runs and imports whose process died, inserts the `sync_runs` row, metrics
 *     │
 *     ├─ heartbeat (timer): counts and heartbeat_at, plus the caller's own renewals (day leases)
 *     ├─ progress (timer): one log line of counts every 10 s
 *     ├─ stop(error): the run ends early (fatal, or an API host that never answers); `signal` aborts
 *     ├─ fail(error): the run goes on, but its outcome will be failed (the deltas, say)
 *     │
 *   finish ── outcome (`decideOutcome`), the row closed, metrics, the webhook for failed or
 *             incomplete runs, and the one stderr line for a stop the operator must act on
 *
 * `signal` is aborted by shutdown or by `stop`: everything in flight listens to it.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { closeAbandonedImports } from '../db/bulk.js';
import { buildDeferredIndexes } from '../db/deferred-indexes.js';
import { closeAbandonedRuns, finishRun, heartbeatRun, startRun, type RunCounts } from '../db/runs.js';
import { stopsRun, type EpcSyncError } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import type { Notifier } from '../ops/notify.js';
import { tellOperator } from '../operator.js';
import { withDbRetry } from '../sync/db-retry.js';
import { decideOutcome, type FinalOutcome } from './outcome.js';

export type RunKind = 'sync' | 'backfill' | 'documents' | 'bulk';

export interface RunHost {
  db: Db;
  logger: Logger;
  register: string;
  /** Heartbeats come three times a lease; a run silent for three leases is taken for dead. */
  leaseSeconds: number;
  metrics?: Metrics | undefined;
  notifier?: Notifier | undefined;
}

export interface RunStart {
  kind: RunKind;
  rangeFrom: string | null;
  rangeTo: string | null;
  daysPlanned: number;
  /** Extra work on every heartbeat (renewing day leases). */
  onHeartbeat?: () => Promise<unknown>;
  /** Fields for the progress line every 10 s; no progress line without it. */
  progress?: () => Record<string, unknown>;
}

export interface RunReport {
  runId: number;
  outcome: FinalOutcome;
  counts: RunCounts;
  /** Days skipped because they were done (or unchanged on a lookback check). */
  daysSkipped: number;
  /** The error that stopped the run, if one did (403, wrong base URL, API host silent, bad config). */
  fatal: Error | null;
}

const PROGRESS_EVERY_MS = 10_000;

/** Things per second since `since` (a Date.now()), to one decimal: for progress lines. */
export function rate(count: number, since: number): number {
  return Math.round((count / Math.max((Date.now() - since) / 1000, 0.001)) * 10) / 10;
}

export class Run {
  readonly counts: RunCounts;
  daysSkipped = 0;
  private readonly controller = new AbortController();
  private stoppedBy: Error | null = null;
  private failure: Error | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly startedAt = Date.now();
  private readonly unlisten: () => void;
  private finished: Promise<RunReport> | null = null;

  private constructor(
    private readonly host: RunHost,
    private readonly spec: RunStart,
    readonly id: number,
    readonly log: Logger,
    shutdown: AbortSignal | undefined,
  ) {
    this.counts = { daysPlanned: spec.daysPlanned, daysDone: 0, daysIncomplete: 0, daysFailed: 0, rowsUpserted: 0, documentsFetched: 0, requests: 0 };
    const onShutdown = () => this.controller.abort();
    shutdown?.addEventListener('abort', onShutdown, { once: true });
    if (shutdown?.aborted) this.controller.abort();
    this.unlisten = () => shutdown?.removeEventListener('abort', onShutdown);
  }

  static async start(host: RunHost, spec: RunStart, shutdown?: AbortSignal): Promise<Run> {
    const { db, register } = host;
    const retry = { logger: host.logger, target: db.target, signal: shutdown };
    await withDbRetry('closing abandoned runs', async () => {
      await closeAbandonedRuns(db, register, host.leaseSeconds * 3);
      await closeAbandonedImports(db, register);
    }, retry);
    // Indexes a killed first load dropped (`db/deferred-indexes.ts`) are built before anything else runs.
    const built = await withDbRetry('building deferred indexes', () => buildDeferredIndexes(db), retry);
    if (built.length > 0) host.logger.info({ indexes: built }, 'built the indexes an interrupted bulk import had deferred');
    const id = await withDbRetry('starting the run', () => startRun(db, {
      register, kind: spec.kind, rangeFrom: spec.rangeFrom, rangeTo: spec.rangeTo, host: hostname(), pid: process.pid,
    }), retry);
    const run = new Run(host, spec, id, host.logger.child({ run: id, kind: spec.kind }), shutdown);
    run.begin();
    return run;
  }

  /** Aborted by shutdown or by `stop`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The owner name day leases are taken under. */
  get owner(): string {
    return `${hostname()}:${process.pid}:${this.id}`;
  }

  get fatal(): Error | null {
    return this.stoppedBy;
  }

  /** A database operation of this run, waited out through an outage (a shutdown ends the wait). */
  db<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return withDbRetry(what, fn, { logger: this.log, target: this.host.db.target, signal: this.signal });
  }

  /** Ends the run early: nothing more is claimed, what is in flight is given back. The first error wins. */
  stop(error: Error): void {
    this.stoppedBy ??= error;
    this.controller.abort();
  }

  /** The run goes on, but ends failed. */
  fail(error: Error): void {
    this.failure ??= error;
  }

  finish(): Promise<RunReport> {
    this.finished ??= this.close();
    return this.finished;
  }

  private begin(): void {
    const { db } = this.host;
    this.timers.push(setInterval(() => {
      void Promise.all([heartbeatRun(db, this.id, this.counts), this.spec.onHeartbeat?.()]).catch((err: Error) =>
        this.log.warn({ err: { message: err.message } }, 'could not record the heartbeat; will retry'),
      );
    }, Math.max(500, (this.host.leaseSeconds * 1000) / 3)));
    const progress = this.spec.progress;
    if (progress) this.timers.push(setInterval(() => this.log.info({ ...this.counts, daysSkipped: this.daysSkipped, ...progress() }, 'progress'), PROGRESS_EVERY_MS));
    this.host.metrics?.runStarted(this.spec.kind);
    this.log.info({ days: this.spec.daysPlanned, from: this.spec.rangeFrom, to: this.spec.rangeTo }, 'run started');
  }

  private async close(): Promise<RunReport> {
    for (const timer of this.timers) clearInterval(timer);
    this.unlisten();
    const outcome = decideOutcome({
      stoppedBy: this.stoppedBy,
      interrupted: this.signal.aborted,
      daysFailed: this.counts.daysFailed,
      failure: this.failure,
      daysIncomplete: this.counts.daysIncomplete,
    });
    const error = this.stoppedBy ?? this.failure;
    try {
      // Not `this.db`: the run's signal is aborted by now, and one attempt is still worth making.
      await withDbRetry('finishing the run', () => finishRun(this.host.db, this.id, outcome, this.counts, error?.message ?? null), {
        logger: this.log, target: this.host.db.target, signal: this.signal.aborted ? this.signal : undefined,
      });
    } catch (err) {
      // The row stays `running`; the next run closes it as abandoned once its heartbeat is old.
      this.log.error({ err: { message: (err as Error).message } }, 'could not record the run\'s outcome');
    }
    if (this.stoppedBy && stopsRun(this.stoppedBy)) {
      this.log.error({ err: { name: this.stoppedBy.name, code: (this.stoppedBy as EpcSyncError).code, message: this.stoppedBy.message } }, 'run stopped');
      tellOperator(this.stoppedBy.message);
    }
    this.log.info({ outcome, ...this.counts, daysSkipped: this.daysSkipped }, 'run finished');
    this.host.metrics?.runFinished({ kind: this.spec.kind, outcome, durationMs: Date.now() - this.startedAt });
    if (outcome === 'failed' || outcome === 'incomplete') {
      await this.host.notifier?.runFailed({ runId: this.id, kind: this.spec.kind, outcome, error: error?.message ?? null, register: this.host.register });
    }
    return { runId: this.id, outcome, counts: { ...this.counts }, daysSkipped: this.daysSkipped, fatal: this.stoppedBy };
  }
}
