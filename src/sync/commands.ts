/**
 * The two ways a run is asked for: the incremental sync (frontier → yesterday, plus lookback and
 * re-verification) and a backfill of an explicit range. Each reads the checkpoint, plans (pure), then
 * hands to `runDays`.
 */
import { addDays, newestQueryableDay } from '../days.js';
import { daysNotDone, doneDays, leastRecentlyVerifiedDays, newestDoneDay, recentDoneDays, seedPending } from '../db/checkpoint.js';
import { planBackfill, planSync } from './plan.js';
import { runDays, type RunDeps, type RunReport } from './run.js';

export async function syncOnce(deps: RunDeps, signal?: AbortSignal, now = new Date()): Promise<RunReport> {
  const { db, config } = deps;
  const { register, startDate, lookbackDays, reverifyDays, timezone } = config.sync;
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
    reverifyDays,
    // The lookback days may be among the most overdue; the planner leaves them out, so ask for as many more.
    reverifyCandidates: await leastRecentlyVerifiedDays(db, register, newest, reverifyDays > 0 ? reverifyDays + lookbackDays : 0),
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
