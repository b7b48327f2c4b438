/**
 * The days of a sync or backfill, from plan to stored: `concurrency` day walkers claim days from the
 * plan, fetch them (the API client's limiter bounds the requests) and hand each finished day to the
 * writers through a bounded queue; a writer commits each day's rows with its checkpoint. The run's
 * life (start, heartbeat, outcome, metrics, the webhook, the operator's line) is `runs/run.ts`'s; the
 * day leases are renewed on its heartbeat. Shutdown (or an error that stops the run) stops claiming,
 * releases days not yet stored, and lets the writers commit what they hold.
 */
import type { Logger } from 'pino';
import type { Config, Register } from '../config/types.js';
import type { Db } from '../db/client.js';
import { claimDay, finishDay, releaseDay, renewLeases, type DayState } from '../db/checkpoint.js';
import { documentsBacklog } from '../db/documents.js';
import { AbortedError, ApiError, hasCode, stopsRun, type EpcSyncError } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import type { Notifier } from '../ops/notify.js';
import { Run, rate, type RunReport } from '../runs/run.js';
import { waitOrStop } from '../wait.js';
import { applyDeltas } from './deltas.js';
import { fetchDocumentsForDay } from './documents.js';
import type { WorkItem } from './plan.js';
import type { EpbApi } from './ports.js';
import { BoundedQueue } from './queue.js';
import { storeDay } from './store.js';
import { walkDay, type DayFetch } from './walk-day.js';

export type { RunReport } from '../runs/run.js';

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
  /** The register whose days these are: its own checkpoint rows, run row and documents backlog. */
  register: Register;
  rangeFrom: string | null;
  rangeTo: string | null;
  items: readonly WorkItem[];
  /** Days the planner already left out because they were done. */
  skipped?: number;
  /** Apply /api/deltas (one feed for every register) up to this day once the days are stored. */
  deltas?: { upTo: string; registers: readonly Register[] };
  /** Requests earlier registers of the same sync spent: SYNC_REQUEST_BUDGET is per sync. */
  requestsBefore?: number;
}

interface Claimed {
  item: WorkItem;
  previous: DayState | null;
  fetch: DayFetch;
}

/** Days of the documents backlog read per sync (newest first): far more than one night can fetch. */
const BACKLOG_DAYS = 5000;

/**
 * Days stored at once. On a server, two: while one day's COPY runs, the other's round trips (claim,
 * checkpoint, commit) are in flight, which kept the database ~10% busier (BENCHMARKS.md). Two days
 * that share a certificate wait on each other's key; a deadlock between them is repeated
 * (`db/transient.ts`). PGlite runs one transaction at a time, so it keeps one.
 */
const writersFor = (db: Db) => (db.dialect === 'postgres' ? 2 : 1);

export async function runDays(deps: RunDeps, spec: RunSpec, shutdown?: AbortSignal): Promise<RunReport> {
  const { db, config } = deps;
  const { register } = spec;
  const queue = new BoundedQueue<Claimed>(2);
  let inFlight = 0;
  let owner = '';
  // Known once the backlog has been read; progress lines report it from then on.
  let documentsDue: number | null = null;
  const started = Date.now();
  const run = await Run.start(
    { db, logger: deps.logger, register, leaseSeconds: config.sync.leaseSeconds, metrics: deps.metrics, notifier: deps.notifier },
    {
      kind: spec.kind, rangeFrom: spec.rangeFrom, rangeTo: spec.rangeTo, daysPlanned: spec.items.length,
      onHeartbeat: () => renewLeases(db, owner, config.sync.leaseSeconds),
      progress: () => ({
        daysInFlight: inFlight, storeQueue: queue.depth,
        documentsPerSecond: rate(run.counts.documentsFetched, started), ...(documentsDue === null ? {} : { documentsDue }),
      }),
    },
    shutdown,
  );
  owner = run.owner;
  run.daysSkipped = spec.skipped ?? 0;
  const { counts, log } = run;
  const depths = setInterval(() => {
    deps.metrics?.queueDepth('store', queue.depth);
    deps.metrics?.queueDepth('days_in_flight', inFlight);
  }, 1000);

  /** Claim, fetch and hand over one day. Returns 'busy' when another process holds it. */
  const work = async (item: WorkItem): Promise<'busy' | 'handled'> => {
    if (item.lookbackExpected !== undefined && (await unchangedSince(deps.api, register, item, run))) {
      run.daysSkipped += 1;
      return 'handled';
    }
    const claim = await run.db(`claiming ${item.day}`, () =>
      claimDay(db, { register, day: item.day, owner, runId: run.id, leaseSeconds: config.sync.leaseSeconds, force: item.force }));
    if (claim.kind === 'done') {
      run.daysSkipped += 1;
      return 'handled';
    }
    if (claim.kind === 'busy') return 'busy';
    inFlight += 1;
    try {
      const fetch = await walkDay(
        deps.api,
        { register, day: item.day, pageSize: config.api.pageSize, reconcileAttempts: config.sync.reconcileAttempts },
        run.signal,
      );
      counts.requests += fetch.requests;
      await queue.push({ item, previous: claim.previous, fetch });
    } catch (error) {
      await settleFailedDay(item.day, claim.previous?.status ?? null, error as Error);
    } finally {
      inFlight -= 1;
    }
    return 'handled';
  };

  const release = (day: string, previous: DayState['status'] | null) =>
    run.db(`releasing ${day}`, () => releaseDay(db, { register, day }, owner, previous)).catch((error: Error) =>
      // The lease runs out by itself: the day is walked again by the next run.
      log.warn({ day, err: describe(error) }, 'could not give the day back; its lease will run out'));

  const settleFailedDay = async (day: string, previous: DayState['status'] | null, error: Error) => {
    if (stopsRun(error)) run.stop(error);
    if (stopsRun(error) || run.signal.aborted || error instanceof AbortedError || hasCode(error, 'API_DAY_NOT_OVER')) {
      // Stopping, or the API's clock says the day has not ended yet: give the day back untouched.
      await release(day, previous);
      return;
    }
    counts.daysFailed += 1;
    log.error({ day, err: describe(error) }, 'day failed; the next run retries it');
    await run.db(`recording ${day} as failed`, () =>
      finishDay(db, {
        register, day, owner, status: 'failed', expectedCount: null, storedCount: null, rejectedCount: 0,
        pages: 0, requests: 0, error: describe(error).message,
      })).catch((err: Error) => log.warn({ day, err: describe(err) }, 'could not record the failure; its lease will run out'));
  };

  const documentsFor = async (day: string) => {
    try {
      const docs = await fetchDocumentsForDay({ db, api: deps.api, logger: log, register }, day, run.signal);
      counts.documentsFetched += docs.fetched;
      deps.metrics?.documentsUpserted(docs.fetched);
      counts.requests += docs.requests;
    } catch (error) {
      if (stopsRun(error)) run.stop(error as Error);
      else if (!run.signal.aborted) log.error({ day, err: describe(error as Error) }, 'fetching documents failed; the next run retries them');
    }
  };

  const store = async ({ fetch, previous, item }: Claimed) => {
    const started = Date.now();
    try {
      // The whole day's transaction is repeated after an outage: it is an idempotent upsert.
      const result = await run.db(`storing ${fetch.day}`, () => storeDay(db, { register, owner, runId: run.id, fetch }));
      counts.rowsUpserted += result.inserted + result.changed;
      deps.metrics?.rowsUpserted(result.inserted + result.changed);
      deps.metrics?.rejects(fetch.rejects.length);
      if (result.status === 'done') counts.daysDone += 1;
      else counts.daysIncomplete += 1;
      const line = {
        day: fetch.day, status: result.status, expected: fetch.expected, stored: fetch.rows.length,
        rejected: fetch.rejects.length, inserted: result.inserted, changed: result.changed,
        pages: fetch.pages, requests: fetch.requests, storeMs: Date.now() - started, reason: item.reason, missing: result.missing,
      };
      if (fetch.strays.length > 0) {
        log.warn({ day: fetch.day, strays: fetch.strays.length, theirDays: [...new Set(fetch.strays.map((r) => r.registrationDate))].slice(0, 5) },
          'the API answered rows of other days for this day: stored under their own days, not counted here');
      }
      if (result.status === 'done') log.info(line, 'day stored');
      else log.warn({ ...line, shortfall: fetch.shortfall, stoppedAt: fetch.stoppedAt }, 'day incomplete: rows still missing after reconciliation');
      if (config.sync.fetchDocuments && !run.signal.aborted) await documentsFor(fetch.day);
    } catch (error) {
      if (run.signal.aborted) {
        log.warn({ day: fetch.day, err: describe(error as Error) }, 'day not stored: shutting down; the next run walks it again');
      } else {
        counts.daysFailed += 1;
        log.error({ day: fetch.day, err: describe(error as Error) }, 'storing day failed; the next run retries it');
      }
      if ((error as EpcSyncError).code !== 'LEASE_LOST') await release(fetch.day, previous?.status ?? null);
    }
  };

  /**
   * Every certificate still due a document, whichever run left it (a run stopped mid-documents, a
   * 404, a failure), newest day first, until the run's requests reach SYNC_REQUEST_BUDGET.
   */
  const drainBacklog = async () => {
    const budget = config.sync.requestBudget > 0 ? config.sync.requestBudget : Number.POSITIVE_INFINITY;
    const backlog = await run.db('reading the documents backlog', () => documentsBacklog(db, register, BACKLOG_DAYS));
    documentsDue = backlog.reduce((n, d) => n + d.due, 0);
    if (documentsDue > 0) log.info({ documentsDue, days: backlog.length }, 'documents due');
    for (const { day, due } of backlog) {
      if (run.signal.aborted) break;
      if ((spec.requestsBefore ?? 0) + counts.requests >= budget) {
        log.info({ documentsDue, requests: counts.requests, requestsBefore: spec.requestsBefore, budget }, 'request budget spent (SYNC_REQUEST_BUDGET): the next sync goes on with the documents due');
        break;
      }
      const before = counts.documentsFetched;
      await documentsFor(day);
      documentsDue -= Math.min(due, counts.documentsFetched - before);
    }
  };

  const writeDays = async () => {
    for await (const claimed of queue) await store(claimed);
  };
  const writers = Promise.all(Array.from({ length: writersFor(db) }, writeDays));

  const walk = async (items: Iterator<WorkItem>, busy: WorkItem[]) => {
    const one = async () => {
      for (let next = items.next(); !next.done && !run.signal.aborted; next = items.next()) {
        try {
          if ((await work(next.value)) === 'busy') busy.push(next.value);
        } catch (error) {
          // Errors outside a claimed day (a lookback probe, the claim itself).
          if (run.signal.aborted) break;
          if (stopsRun(error) || !(error instanceof ApiError)) run.stop(error as Error);
          else {
            counts.daysFailed += 1;
            log.error({ day: next.value.day, err: describe(error) }, 'could not check day');
          }
        }
      }
    };
    await Promise.all(Array.from({ length: config.api.concurrency }, one));
  };

  try {
    try {
      let pending: WorkItem[] = [];
      await walk(spec.items[Symbol.iterator](), pending);
      // Days another process held: wait for it to finish them or for its lease to run out.
      const deadline = Date.now() + config.sync.leaseSeconds * 3000;
      while (pending.length > 0 && !run.signal.aborted && Date.now() < deadline) {
        log.info({ days: pending.length }, 'waiting for days leased by another process');
        if (await waitOrStop(Math.min(config.sync.leaseSeconds * 500, 5000), run.signal)) break;
        const again = pending;
        pending = [];
        await walk(again[Symbol.iterator](), pending);
      }
      if (pending.length > 0 && !run.signal.aborted) {
        counts.daysIncomplete += pending.length;
        log.warn({ days: pending.map((p) => p.day) }, 'days still held by another process; not done by this run');
      }
    } finally {
      queue.close();
      await writers;
    }
    if (spec.kind === 'sync' && config.sync.fetchDocuments && !run.signal.aborted) await drainBacklog();
    if (spec.deltas && config.sync.followDeltas && !run.signal.aborted) await followDeltas(deps, run, spec.deltas);
  } catch (error) {
    // Only the database can get here (every API error is settled per day): the run ends failed.
    if (!run.signal.aborted) run.stop(error as Error);
  } finally {
    clearInterval(depths);
  }
  return run.finish();
}

/** A lookback day: one 1-row request; true when the API's total is still the one recorded. */
async function unchangedSince(api: EpbApi, register: Register, item: WorkItem, run: Run): Promise<boolean> {
  run.counts.requests += 1;
  const probe = await api.searchDay({ register, day: item.day, page: 1, pageSize: 1 }, run.signal);
  const total = probe.kind === 'empty' ? 0 : probe.totalRecords;
  if (total === item.lookbackExpected) return true;
  run.log.info({ day: item.day, recorded: item.lookbackExpected, now: total }, 'late arrivals: re-walking day');
  return false;
}

async function followDeltas(deps: RunDeps, run: Run, { upTo, registers }: NonNullable<RunSpec['deltas']>): Promise<void> {
  try {
    const deltas = await applyDeltas({ db: deps.db, api: deps.api, logger: run.log, registers, lookbackDays: deps.config.sync.lookbackDays }, upTo, run.signal);
    run.log.info(deltas, 'deltas up to date');
  } catch (error) {
    if (stopsRun(error)) run.stop(error as Error);
    else if (!run.signal.aborted) {
      run.fail(error as Error);
      run.log.error({ err: describe(error as Error) }, 'applying deltas failed; the next sync continues from the last day applied');
    }
  }
}

function describe(error: Error): { name: string; code?: string; message: string } {
  return { name: error.name, code: (error as EpcSyncError).code, message: error.message };
}
