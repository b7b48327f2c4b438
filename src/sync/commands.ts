/**
 * The two ways a run is asked for: the incremental sync (frontier → yesterday, plus lookback) and a
 * backfill of an explicit range. Each reads the checkpoint, plans (pure), then hands to `runDays`.
 */
import { addDays, newestQueryableDay } from '../days.js';
import { daysNotDone, doneDays, newestDoneDay, recentDoneDays, seedPending } from '../db/checkpoint.js';
import { hostname } from 'node:os';
import { daysWithDocumentsDue } from '../db/documents.js';
import { finishRun, startRun, type RunCounts } from '../db/runs.js';
import { isFatal } from '../errors.js';
import { fetchDocumentsForDay } from './documents.js';
import { planBackfill, planSync } from './plan.js';
import { runDays, type RunDeps, type RunReport } from './run.js';

export async function syncOnce(deps: RunDeps, signal?: AbortSignal, now = new Date()): Promise<RunReport> {
  const { db, config } = deps;
  const { register, startDate, lookbackDays, timezone } = config.sync;
  const newest = newestQueryableDay(now, timezone);
  const frontier = await newestDoneDay(db, register);
  const seedFrom = frontier ? addDays(frontier, 1) : startDate;
  if (seedFrom <= newest) await seedPending(db, register, seedFrom, newest);
  const items = planSync({
    startDate,
    newest,
    frontier,
    notDone: await daysNotDone(db, register, '0001-01-01', newest),
    recentDone: await recentDoneDays(db, register, newest, lookbackDays),
  });
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

/**
 * `documents --from --to`: fills in documents for certificates already stored (a summary-only history
 * completed later). Progress is kept per certificate, so an interrupted pass resumes where it stopped.
 */
export async function documentsBackfill(deps: RunDeps, range: { from: string; to: string }, signal?: AbortSignal): Promise<RunReport> {
  const { db, api, config, logger } = deps;
  const register = config.sync.register;
  const days = await daysWithDocumentsDue(db, register, range.from, range.to);
  const runId = await startRun(db, { register, kind: 'documents', rangeFrom: range.from, rangeTo: range.to, host: hostname(), pid: process.pid });
  const counts: RunCounts = { daysPlanned: days.length, daysDone: 0, daysIncomplete: 0, daysFailed: 0, rowsUpserted: 0, documentsFetched: 0, requests: 0 };
  const log = logger.child({ run: runId, kind: 'documents' });
  log.info({ days: days.length, from: range.from, to: range.to }, 'documents run started');
  let fatal: Error | null = null;
  for (const day of days) {
    if (signal?.aborted) break;
    try {
      const report = await fetchDocumentsForDay({ db, api, logger: log, register }, day, signal);
      counts.documentsFetched += report.fetched;
      counts.requests += report.fetched + report.notFound + report.failed;
      if (report.missing === 0) counts.daysDone += 1;
      else counts.daysIncomplete += 1;
    } catch (error) {
      if (isFatal(error)) {
        fatal = error as Error;
        break;
      }
      if (signal?.aborted) break;
      counts.daysFailed += 1;
      log.error({ day, err: { message: (error as Error).message } }, 'documents for this day failed; rerun to retry');
    }
  }
  const outcome = fatal || counts.daysFailed > 0 ? 'failed' : signal?.aborted ? 'interrupted' : counts.daysIncomplete > 0 ? 'incomplete' : 'succeeded';
  await finishRun(db, runId, outcome, counts, fatal?.message ?? null);
  log.info({ outcome, ...counts }, 'run finished');
  return { runId, outcome, counts, daysSkipped: 0, fatal };
}
