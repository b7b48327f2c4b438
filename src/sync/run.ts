/**
 * A run from start to outcome: `concurrency` day walkers claim days from the plan, fetch them (the API
 * client's limiter bounds the requests) and hand each finished day to the writers through a bounded
 * queue; a writer commits each day's rows with its checkpoint. Leases and the run's heartbeat are
 * renewed on a timer. Shutdown (the signal) stops claiming, releases days not yet stored, lets the
 * writers commit what they hold, and closes the run as `interrupted`.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import type { Db } from '../db/client.js';
import { claimDay, finishDay, releaseDay, renewLeases, type DayState } from '../db/checkpoint.js';
import { closeAbandonedImports } from '../db/bulk.js';
import { closeAbandonedRuns, finishRun, heartbeatRun, startRun, type RunCounts } from '../db/runs.js';
import type { RunOutcome } from '../db/schema.js';
import { ApiError, EpcSyncError, isFatal } from '../errors.js';
import type { WorkItem } from './plan.js';
import type { EpbApi } from './ports.js';
import { BoundedQueue } from './queue.js';
import { storeDay } from './store.js';
import { applyDeltas } from './deltas.js';
import { fetchDocumentsForDay } from './documents.js';
import { daysMissingDocuments } from '../db/documents.js';
import { walkDay, type DayFetch } from './walk-day.js';
import { withDbRetry } from './db-retry.js';
import type { Metrics } from '../ops/metrics.js';
import type { Notifier } from '../ops/notify.js';

export interface RunDeps {
  db: Db;
  api: EpbApi;
  config: Config;
  logger: Logger;
  /** Optional: counters for /metrics and a webhook for failures. */
  metrics?: Metrics;
  notifier?: Notifier;
}

export interface RunSpec {
  kind: 'sync' | 'backfill';
  rangeFrom: string | null;
  rangeTo: string | null;
  items: readonly WorkItem[];
  /** Days the planner already left out because they were done. */
  skipped?: number;
  /** Apply /api/deltas up to this day once the days are stored (the incremental sync). */
  deltasUpTo?: string;
}

export interface RunReport {
  runId: number;
  outcome: Exclude<RunOutcome, 'running'>;
  counts: RunCounts;
  /** Days skipped because they were done (or unchanged on a lookback check). */
  daysSkipped: number;
  /** The error that stopped the run, if one did (403, bad configuration, the database gone). */
  fatal: Error | null;
}

interface Claimed {
  item: WorkItem;
  previous: DayState | null;
  fetch: DayFetch;
}

const PROGRESS_EVERY_MS = 10_000;

/**
 * Days stored at once. On a server, two: while one day's COPY runs, the other's round trips (claim,
 * checkpoint, commit) are in flight, which kept the database ~10% busier (BENCHMARKS.md). Two days
 * that share a certificate wait on each other's key; a deadlock between them is repeated
 * (`db/transient.ts`). PGlite runs one transaction at a time, so it keeps one.
 */
const writersFor = (db: Db) => (db.dialect === 'postgres' ? 2 : 1);

export async function runDays(deps: RunDeps, spec: RunSpec, signal?: AbortSignal): Promise<RunReport> {
  const { db, api, config, logger } = deps;
  const register = config.sync.register;
  const leaseSeconds = config.sync.leaseSeconds;

  const retrying = <T>(what: string, fn: () => Promise<T>) => withDbRetry(what, fn, logger, signal);
  await retrying('closing abandoned runs', async () => {
    await closeAbandonedRuns(db, register, leaseSeconds * 3);
    await closeAbandonedImports(db, register);
  });
  const runId = await retrying('starting the run', () => startRun(db, {
    register,
    kind: spec.kind,
    rangeFrom: spec.rangeFrom,
    rangeTo: spec.rangeTo,
    host: hostname(),
    pid: process.pid,
  }));
  const owner = `${hostname()}:${process.pid}:${runId}`;
  const log = logger.child({ run: runId, kind: spec.kind });
  const counts: RunCounts = { daysPlanned: spec.items.length, daysDone: 0, daysIncomplete: 0, daysFailed: 0, rowsUpserted: 0, documentsFetched: 0, requests: 0 };
  let daysSkipped = spec.skipped ?? 0;
  let fatal: Error | null = null;
  let deltaError: Error | null = null;

  // One controller for everything in flight: aborted by shutdown or by a fatal error.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  const stopWith = (error: Error) => {
    fatal ??= error;
    stop.abort();
  };

  const queue = new BoundedQueue<Claimed>(2);
  let inFlight = 0;
  const heartbeat = setInterval(() => {
    void Promise.all([renewLeases(db, owner, leaseSeconds), heartbeatRun(db, runId, counts)]).catch((err: Error) =>
      log.warn({ err: { message: err.message } }, 'could not renew leases; will retry'),
    );
  }, Math.max(500, (leaseSeconds * 1000) / 3));
  const progress = setInterval(
    () => log.info({ ...counts, daysSkipped, daysInFlight: inFlight, storeQueue: queue.depth }, 'progress'),
    PROGRESS_EVERY_MS,
  );
  const depths = setInterval(() => {
    deps.metrics?.queueDepth('store', queue.depth);
    deps.metrics?.queueDepth('days_in_flight', inFlight);
  }, 1000);

  const runStartedAt = Date.now();
  deps.metrics?.runStarted(spec.kind);
  log.info({ days: spec.items.length, from: spec.rangeFrom, to: spec.rangeTo }, 'run started');

  /** Claim, fetch and hand over one day. Returns 'busy' when another process holds it. */
  const work = async (item: WorkItem): Promise<'busy' | 'handled'> => {
    const key = { register, day: item.day };
    if (item.lookbackExpected !== undefined) {
      counts.requests += 1;
      const probe = await api.searchDay({ register, day: item.day, page: 1, pageSize: 1 }, stop.signal);
      const total = probe.kind === 'empty' ? 0 : probe.totalRecords;
      if (total === item.lookbackExpected) {
        daysSkipped += 1;
        return 'handled';
      }
      log.info({ day: item.day, recorded: item.lookbackExpected, now: total }, 'late arrivals: re-walking day');
    }
    const claim = await retrying(`claiming ${item.day}`, () => claimDay(db, { ...key, owner, runId, leaseSeconds, force: item.force }));
    if (claim.kind === 'done') {
      daysSkipped += 1;
      return 'handled';
    }
    if (claim.kind === 'busy') return 'busy';
    inFlight += 1;
    try {
      const fetch = await walkDay(
        api,
        { register, day: item.day, pageSize: config.api.pageSize, reconcileAttempts: config.sync.reconcileAttempts },
        stop.signal,
      );
      counts.requests += fetch.requests;
      await queue.push({ item, previous: claim.previous, fetch });
    } catch (error) {
      await settleFailedDay(item, claim.previous?.status ?? null, error as Error);
    } finally {
      inFlight -= 1;
    }
    return 'handled';
  };

  const settleFailedDay = async (item: WorkItem, previous: DayState['status'] | null, error: Error) => {
    const key = { register, day: item.day };
    if (isFatal(error)) {
      stopWith(error);
      await retrying(`releasing ${item.day}`, () => releaseDay(db, key, owner, previous));
    } else if (stop.signal.aborted || isTodayRefusal(error)) {
      // Shutdown, or the API's clock says the day has not ended yet: give the day back untouched.
      await retrying(`releasing ${item.day}`, () => releaseDay(db, key, owner, previous));
    } else {
      counts.daysFailed += 1;
      log.error({ day: item.day, err: describe(error) }, 'day failed; the next run retries it');
      await retrying(`recording ${item.day} as failed`, () =>
        finishDay(db, {
          ...key, owner, status: 'failed', expectedCount: null, storedCount: null, rejectedCount: 0,
          pages: 0, requests: 0, error: describe(error).message,
        }),
      );
    }
  };

  const documentsFor = async (day: string) => {
    try {
      const docs = await fetchDocumentsForDay({ db, api, logger: log, register }, day, stop.signal);
      counts.documentsFetched += docs.fetched;
      deps.metrics?.documentsUpserted(docs.fetched);
      counts.requests += docs.fetched + docs.notFound + docs.failed;
    } catch (error) {
      if (isFatal(error)) stopWith(error as Error);
      else if (!stop.signal.aborted) log.error({ day, err: describe(error as Error) }, 'fetching documents failed; the next run retries them');
    }
  };

  const writeDays = async () => {
    for await (const claimed of queue) {
      const { fetch } = claimed;
      const started = Date.now();
      try {
        // The whole day's transaction is repeated after an outage: it is an idempotent upsert.
        const result = await withDbRetry(`storing ${fetch.day}`, () => storeDay(db, { register, owner, runId, fetch }), log);
        counts.rowsUpserted += result.inserted + result.changed;
        deps.metrics?.rowsUpserted(result.inserted + result.changed);
        deps.metrics?.rejects(fetch.rejects.length);
        if (result.status === 'done') counts.daysDone += 1;
        else counts.daysIncomplete += 1;
        const line = {
          day: fetch.day, status: result.status, expected: fetch.expected, stored: fetch.rows.length,
          rejected: fetch.rejects.length, inserted: result.inserted, changed: result.changed,
          pages: fetch.pages, requests: fetch.requests, storeMs: Date.now() - started,
        };
        if (result.status === 'done') log.info(line, 'day stored');
        else log.warn({ ...line, shortfall: fetch.shortfall }, 'day incomplete: rows still missing after reconciliation');
        if (config.sync.fetchDocuments && !stop.signal.aborted) await documentsFor(fetch.day);
      } catch (error) {
        counts.daysFailed += 1;
        log.error({ day: fetch.day, err: describe(error as Error) }, 'storing day failed; the next run retries it');
        if ((error as EpcSyncError).code !== 'LEASE_LOST') {
          await releaseDay(db, { register, day: fetch.day }, owner, claimed.previous?.status ?? null).catch(() => undefined);
        }
      }
    }
  };
  const writers = Promise.all(Array.from({ length: writersFor(db) }, writeDays));

  const walkers = async (items: Iterator<WorkItem>, busy: WorkItem[]) => {
    const one = async () => {
      for (let next = items.next(); !next.done && !stop.signal.aborted; next = items.next()) {
        try {
          if ((await work(next.value)) === 'busy') busy.push(next.value);
        } catch (error) {
          // Errors outside a claimed day (a lookback probe, the claim itself).
          if (stop.signal.aborted) break;
          if (isFatal(error) || !(error instanceof ApiError)) stopWith(error as Error);
          else {
            counts.daysFailed += 1;
            log.error({ day: next.value.day, err: describe(error) }, 'could not check day');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: config.api.concurrency }, one));
  };

  const followDeltas = async (upTo: string) => {
    try {
      const deltas = await applyDeltas({ db, api, logger: log, register, lookbackDays: config.sync.lookbackDays }, upTo, stop.signal);
      log.info(deltas, 'deltas up to date');
    } catch (error) {
      if (isFatal(error)) stopWith(error as Error);
      else if (!stop.signal.aborted) {
        deltaError = error as Error;
        log.error({ err: describe(deltaError) }, 'applying deltas failed; the next sync continues from the last day applied');
      }
    }
  };

  try {
    try {
      let pending: WorkItem[] = [];
      await walkers(spec.items[Symbol.iterator](), pending);
      // Days another process held: wait for it to finish them or for its lease to run out.
      const deadline = Date.now() + leaseSeconds * 3000;
      while (pending.length > 0 && !stop.signal.aborted && Date.now() < deadline) {
        log.info({ days: pending.length }, 'waiting for days leased by another process');
        await sleep(Math.min(leaseSeconds * 500, 5000), stop.signal);
        const again = pending;
        pending = [];
        await walkers(again[Symbol.iterator](), pending);
      }
      if (pending.length > 0 && !stop.signal.aborted) {
        counts.daysIncomplete += pending.length;
        log.warn({ days: pending.map((p) => p.day) }, 'days still held by another process; not done by this run');
      }
    } finally {
      queue.close();
      await writers;
    }
    if (spec.kind === 'sync' && config.sync.fetchDocuments) {
      // Documents that failed or were not found last time, on days that are otherwise done.
      for (const day of await daysMissingDocuments(db, register, 1000)) {
        if (stop.signal.aborted) break;
        await documentsFor(day);
      }
    }
    if (spec.deltasUpTo && config.sync.followDeltas && !stop.signal.aborted) await followDeltas(spec.deltasUpTo);
  } finally {
    clearInterval(heartbeat);
    clearInterval(progress);
    clearInterval(depths);
    signal?.removeEventListener('abort', onAbort);
  }

  const outcome: RunReport['outcome'] = fatal
    ? 'failed'
    : stop.signal.aborted
      ? 'interrupted'
      : counts.daysFailed > 0 || deltaError
        ? 'failed'
        : counts.daysIncomplete > 0
          ? 'incomplete'
          : 'succeeded';
  const failure = (fatal ?? deltaError) as Error | null;
  await withDbRetry('finishing the run', () => finishRun(db, runId, outcome, counts, failure?.message ?? null), log);
  log.info({ outcome, ...counts, daysSkipped }, 'run finished');
  deps.metrics?.runFinished({ kind: spec.kind, outcome, durationMs: Date.now() - runStartedAt });
  if (outcome === 'failed' || outcome === 'incomplete') {
    await deps.notifier?.runFailed({ runId, kind: spec.kind, outcome, error: failure?.message ?? null, register });
  }
  return { runId, outcome, counts, daysSkipped, fatal };
}

function isTodayRefusal(error: Error): boolean {
  return error instanceof ApiError && error.code === 'API_BAD_REQUEST' && /cannot include today/i.test(error.message);
}

function describe(error: Error): { name: string; code?: string; message: string } {
  return { name: error.name, code: (error as EpcSyncError).code, message: error.message };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
