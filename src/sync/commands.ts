/**
 * The two ways a run is asked for: the incremental sync (frontier → yesterday, plus lookback and
 * re-verification; on an empty mirror, the bulk seed first) and a backfill of an explicit range. Each
 * reads the checkpoint, plans (pure), then hands to `runDays`.
 */
import type { ImportReport } from '../bulk/import.js';
import { seedFromBulkFile, type SeedDeps, type SeedResult } from '../bulk/seed.js';
import { newestQueryableDay } from '../days.js';
import { hasCode } from '../errors.js';
import {
  daysNotDone, doneDays, dropUntouchedDays, leastRecentlyVerifiedDays, newestDoneDay, recentDoneDays, seedPending, untouchedDaysBefore,
} from '../db/checkpoint.js';
import { planBackfill, planSync, syncStart, untouchedBefore } from './plan.js';
import { runDays, type RunDeps, type RunReport } from './run.js';

/** The sync's dependencies; `freeBytes` reads a file system's free space for the seed (tests simulate a short disk). */
export type SyncDeps = RunDeps & Pick<SeedDeps, 'freeBytes'>;

export async function syncOnce(deps: SyncDeps, signal?: AbortSignal, now = new Date()): Promise<RunReport> {
  const { db, config, logger } = deps;
  const { register, startDate, lookbackDays, reverifyDays, timezone } = config.sync;
  const seeded = await seedIfEmpty(deps, signal, now).catch((error: unknown) => {
    if (signal?.aborted && hasCode(error, 'ABORTED')) return { kind: 'interrupted', report: null, runId: null } as const;
    throw error;
  });
  // A seed that failed or was stopped must not turn into a walk of the whole history.
  if (seeded.kind === 'failed' || seeded.kind === 'interrupted') return seedRunReport(seeded.kind, seeded.report, seeded.runId);

  const newest = newestQueryableDay(now, timezone);
  const frontier = await newestDoneDay(db, register);
  const untouched = await untouchedDaysBefore(db, register, startDate);
  await dropUntouched(deps, untouchedBefore(startDate, untouched));
  const from = syncStart(frontier, startDate);
  if (from <= newest) await seedPending(db, register, from, newest);
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
  if (seeded.kind === 'seeded') logger.info({ days: items.length, from: items[0]?.day ?? null, to: newest }, 'walking the days after the bulk file');
  const deltasUpTo = register === 'domestic' ? newest : undefined;
  return runDays(deps, { kind: 'sync', rangeFrom: items[0]?.day ?? null, rangeTo: newest, items, deltasUpTo }, signal);
}

export interface BackfillRange {
  from: string;
  to: string;
  force: boolean;
}

export async function backfill(deps: RunDeps, range: BackfillRange, signal?: AbortSignal): Promise<RunReport> {
  const { db, config } = deps;
  const register = config.sync.register;
  await seedPending(db, register, range.from, range.to);
  const done = range.force ? new Set<string>() : await doneDays(db, register, range.from, range.to);
  const items = planBackfill(range.from, range.to, done, range.force);
  return runDays(deps, { kind: 'backfill', rangeFrom: range.from, rangeTo: range.to, items, skipped: done.size }, signal);
}

/** The bulk seed decides for itself (`decideSeed`) whether this mirror is empty and SYNC_SEED=bulk. */
function seedIfEmpty(deps: SyncDeps, signal: AbortSignal | undefined, now: Date): Promise<SeedResult> {
  return seedFromBulkFile({ db: deps.db, api: deps.api, config: deps.config, logger: deps.logger, metrics: deps.metrics, freeBytes: deps.freeBytes }, { signal, now });
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
async function dropUntouched(deps: SyncDeps, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  try {
    const dropped = await dropUntouchedDays(deps.db, deps.config.sync.register, days);
    if (dropped > 0) deps.logger.info({ dropped, before: deps.config.sync.startDate }, 'days before SYNC_START_DATE that no run had touched were dropped from the checkpoint');
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error;
    deps.logger.warn({ days: days.length, before: deps.config.sync.startDate },
      'days before SYNC_START_DATE that no run touched are not walked, but stay listed as pending: the database role lacks DELETE on sync_checkpoint to drop them');
  }
}
