/**
 * The two ways a run is asked for: the incremental sync (frontier → yesterday, plus lookback and
 * re-verification; on an empty mirror, the bulk seed first) and a backfill of an explicit range. Each
 * walks the registers in turn (`registers.ts`); for each it reads that register's checkpoint, plans
 * (pure), then hands to `runDays`. The change feed is one for every register: the sync applies it
 * once, after the last register's days.
 */
import type { ImportReport } from '../bulk/import.js';
import type { Config, Register } from '../config/types.js';
import type { Queryable } from '../db/client.js';
import { seedFromBulkFile, type SeedDeps, type SeedResult } from '../bulk/seed.js';
import { refreshCodesIfStale } from '../codes/refresh.js';
import { newestQueryableDay } from '../days.js';
import { hasCode } from '../errors.js';
import {
  daysNotDone, doneDays, dropUntouchedDays, leastRecentlyVerifiedDays, newestDoneDay, recentDoneDays, seedPending, untouchedDaysBefore,
} from '../db/checkpoint.js';
import { planBackfill, planSync, syncStart, untouchedBefore, type WorkItem } from './plan.js';
import { eachRegister, forRegister, type RegistersReport } from './registers.js';
import { runDays, type RunDeps, type RunReport } from './run.js';

/** The sync's dependencies; `freeBytes` reads a file system's free space for the seed (tests simulate a short disk). */
export type SyncDeps = RunDeps & Pick<SeedDeps, 'freeBytes'>;

/** One incremental pass over `registers` (default: every configured register), in turn. */
export async function syncOnce(deps: SyncDeps, signal?: AbortSignal, now = new Date(), registers: readonly Register[] = deps.config.sync.registers): Promise<RegistersReport> {
  const newest = newestQueryableDay(now, deps.config.sync.timezone);
  // SYNC_REQUEST_BUDGET is per sync: the registers after the first get what the earlier ones left.
  let requests = 0;
  return eachRegister(registers, deps.logger, signal, async (register, index) => {
    const last = index === registers.length - 1;
    const report = await syncRegister(forRegister(deps, register), register, {
      signal, now, requestsBefore: requests, deltas: last ? { upTo: newest, registers } : undefined,
    });
    requests += report.counts.requests;
    return report;
  });
}

interface SyncRegisterOptions {
  signal: AbortSignal | undefined;
  now: Date;
  requestsBefore: number;
  deltas: { upTo: string; registers: readonly Register[] } | undefined;
}

async function syncRegister(deps: SyncDeps, register: Register, options: SyncRegisterOptions): Promise<RunReport> {
  const { db, config, logger } = deps;
  const { signal, now } = options;
  const { startDate, timezone } = config.sync;
  const seeded = await seedIfEmpty(deps, register, signal, now).catch((error: unknown) => {
    if (signal?.aborted && hasCode(error, 'ABORTED')) return { kind: 'interrupted', report: null, runId: null } as const;
    throw error;
  });
  // A seed that failed or was stopped must not turn into a walk of the whole history.
  if (seeded.kind === 'failed' || seeded.kind === 'interrupted') {
    if (options.deltas) logger.info('the deltas wait for the next sync: this register\'s bulk seed did not finish');
    return seedRunReport(seeded.kind, seeded.report, seeded.runId);
  }
  await refreshCodesIfStale(deps, signal, now);

  const newest = newestQueryableDay(now, timezone);
  const planned = await readSyncPlan(db, config, register, newest);
  await dropUntouched(deps, register, untouchedBefore(startDate, planned.untouched));
  const from = syncStart(planned.frontier, startDate);
  if (from <= newest) await seedPending(db, register, from, newest);
  const items = planned.items;
  if (seeded.kind === 'seeded') logger.info({ days: items.length, from: items[0]?.day ?? null, to: newest }, 'walking the days after the bulk file');
  return runDays(deps, {
    kind: 'sync', register, rangeFrom: items[0]?.day ?? null, rangeTo: newest, items, deltas: options.deltas, requestsBefore: options.requestsBefore,
  }, signal);
}

export interface SyncPlan {
  items: WorkItem[];
  frontier: string | null;
  /** Pending days no run has learned anything about (those before SYNC_START_DATE are dropped). */
  untouched: string[];
}

/**
 * What an incremental sync of `register` would walk, read from the checkpoint without changing it:
 * the sync runs it, and `epc-sync plan` prints it.
 */
export async function readSyncPlan(db: Queryable, config: Config, register: Register, newest: string): Promise<SyncPlan> {
  const { startDate, lookbackDays, reverifyDays } = config.sync;
  const frontier = await newestDoneDay(db, register);
  const untouched = await untouchedDaysBefore(db, register, startDate);
  const items = planSync({
    startDate,
    newest,
    frontier,
    notDone: await daysNotDone(db, register, '0001-01-01', newest),
    untouched,
    recentDone: await recentDoneDays(db, register, newest, lookbackDays),
    reverifyDays,
    // The lookback days may be among the most overdue; the planner leaves them out, so ask for as many more.
    reverifyCandidates: await leastRecentlyVerifiedDays(db, register, newest, reverifyDays > 0 ? reverifyDays + lookbackDays : 0),
  });
  return { items, frontier, untouched };
}

/** What a backfill of `range` would walk: the range's days, less those done unless forced. */
export async function readBackfillPlan(db: Queryable, register: Register, range: BackfillRange): Promise<{ items: WorkItem[]; skipped: number }> {
  const done = range.force ? new Set<string>() : await doneDays(db, register, range.from, range.to);
  return { items: planBackfill(range.from, range.to, done, range.force), skipped: done.size };
}

export interface BackfillRange {
  from: string;
  to: string;
  force: boolean;
}

/** The range for `registers` (default: every configured register), in turn. */
export async function backfill(deps: RunDeps, range: BackfillRange, signal?: AbortSignal, registers: readonly Register[] = deps.config.sync.registers): Promise<RegistersReport> {
  return eachRegister(registers, deps.logger, signal, (register) => backfillRegister(forRegister(deps, register), register, range, signal));
}

async function backfillRegister(deps: RunDeps, register: Register, range: BackfillRange, signal?: AbortSignal): Promise<RunReport> {
  const { db } = deps;
  await seedPending(db, register, range.from, range.to);
  const { items, skipped } = await readBackfillPlan(db, register, range);
  return runDays(deps, { kind: 'backfill', register, rangeFrom: range.from, rangeTo: range.to, items, skipped }, signal);
}

/** The bulk seed decides for itself (`decideSeed`) whether this register's mirror is empty and SYNC_SEED=bulk. */
function seedIfEmpty(deps: SyncDeps, register: Register, signal: AbortSignal | undefined, now: Date): Promise<SeedResult> {
  return seedFromBulkFile({ db: deps.db, api: deps.api, config: deps.config, register, logger: deps.logger, metrics: deps.metrics, freeBytes: deps.freeBytes }, { signal, now });
}

/** The sync's report when its seed stopped it (`report` null: in the download, before the import's run began). */
function seedRunReport(outcome: 'failed' | 'interrupted', report: ImportReport | null, runId: number | null): RunReport {
  return {
    runId: runId ?? 0,
    outcome,
    counts: { daysPlanned: 0, daysDone: 0, daysIncomplete: 0, daysFailed: 0, rowsUpserted: report?.rowsImported ?? 0, documentsFetched: 0, requests: 0 },
    daysSkipped: 0,
    fatal: null,
  };
}

/**
 * A raised SYNC_START_DATE drops the days before it that no run touched, so `status` and
 * `sync_missing_days` start at it. A role without DELETE on the checkpoint only leaves them listed:
 * the planner skips them either way.
 */
async function dropUntouched(deps: SyncDeps, register: Register, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  try {
    const dropped = await dropUntouchedDays(deps.db, register, days);
    if (dropped > 0) deps.logger.info({ dropped, before: deps.config.sync.startDate }, 'days before SYNC_START_DATE that no run had touched were dropped from the checkpoint');
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error;
    deps.logger.warn({ days: days.length, before: deps.config.sync.startDate },
      'days before SYNC_START_DATE that no run touched are not walked, but stay listed as pending: the database role lacks DELETE on sync_checkpoint to drop them');
  }
}
