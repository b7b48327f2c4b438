/**
 * Which days a run works, decided from the checkpoint by pure functions (so every rule here has a
 * unit test). Days are planned oldest first, so the frontier advances as the run goes.
 */
import { addDays, eachDay } from '../days.js';

export interface WorkItem {
  day: string;
  /** Walk even if the checkpoint says done (backfill --force, a changed lookback day). */
  force: boolean;
  /** For a lookback day: the total recorded when it was done. The day is re-walked only if the API's differs. */
  lookbackExpected?: number | null;
}

export interface SyncPlanInput {
  startDate: string;
  /** Yesterday, as far as the API is concerned. */
  newest: string;
  /** The newest done day, or null on an empty checkpoint. */
  frontier: string | null;
  /** Days the checkpoint holds that are not done (incomplete, failed, pending, running). */
  notDone: readonly string[];
  /** The most recent done days (SYNC_LOOKBACK_DAYS of them) with their recorded totals. */
  recentDone: ReadonlyArray<{ day: string; expectedCount: number | null }>;
}

/**
 * The incremental sync: every day after the frontier up to yesterday (from SYNC_START_DATE on an empty
 * checkpoint), every earlier day the checkpoint holds as not done, then a cheap re-check of the most
 * recent done days for late arrivals.
 */
export function planSync(input: SyncPlanInput): WorkItem[] {
  const from = input.frontier ? addDays(input.frontier, 1) : input.startDate;
  const walk = new Set(input.notDone.filter((day) => day <= input.newest));
  for (const day of eachDay(from, input.newest)) walk.add(day);
  const items: WorkItem[] = [...walk].sort().map((day) => ({ day, force: false }));
  const lookback = input.recentDone
    .filter((d) => !walk.has(d.day) && d.day <= input.newest)
    .sort((a, b) => (a.day < b.day ? -1 : 1))
    .map((d) => ({ day: d.day, force: true, lookbackExpected: d.expectedCount }));
  return [...items, ...lookback];
}

/** A backfill: exactly the range; done days are skipped unless forced. */
export function planBackfill(from: string, to: string, done: ReadonlySet<string>, force: boolean): WorkItem[] {
  const items: WorkItem[] = [];
  for (const day of eachDay(from, to)) if (force || !done.has(day)) items.push({ day, force });
  return items;
}
