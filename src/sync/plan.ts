/**
 * Which days a run works, decided from the checkpoint by pure functions (so every rule here has a
 * unit test). Days are planned oldest first, so the frontier advances as the run goes.
 */
import { addDays, eachDay } from '../days.js';

/**
 * Why a day is in the plan: a day after the frontier (`new`), an earlier day not done (`retry`), a
 * recent done day probed for late arrivals (`lookback`), an old done day walked again in full
 * (`reverify`), or a day of an explicit range (`backfill`).
 */
export type WorkReason = 'new' | 'retry' | 'lookback' | 'reverify' | 'backfill';

export interface WorkItem {
  day: string;
  /** Walk even if the checkpoint says done (backfill --force, a changed lookback day, a re-verification). */
  force: boolean;
  /** For a lookback day: the total recorded when it was done. The day is re-walked only if the API's differs. */
  lookbackExpected?: number | null;
  reason?: WorkReason;
}

export interface SyncPlanInput {
  /** SYNC_START_DATE: the first day walked on an empty checkpoint, or when raised past the frontier. */
  startDate: string;
  /** Yesterday, as far as the API is concerned. */
  newest: string;
  /** The newest done day, or null on an empty checkpoint. */
  frontier: string | null;
  /** Days the checkpoint holds that are not done (incomplete, failed, pending, running). */
  notDone: readonly string[];
  /**
   * Days the checkpoint holds that no run has learned anything about; those before `startDate` are
   * left out (`untouchedBefore`), so a first run that failed never pins the start.
   */
  untouched?: readonly string[];
  /** The most recent done days (SYNC_LOOKBACK_DAYS of them) with their recorded totals. */
  recentDone: ReadonlyArray<{ day: string; expectedCount: number | null }>;
  /** How many done days to walk again in full (SYNC_REVERIFY_DAYS); 0 or absent: none. */
  reverifyDays?: number;
  /**
   * Done days in the order they are due for re-verification (never verified first, then oldest
   * verification). May hold more than `reverifyDays`: days the sync works anyway are left out first.
   */
  reverifyCandidates?: readonly string[];
}

/**
 * The first day walked as new: the day after the frontier, or SYNC_START_DATE when there is no
 * frontier or it was raised past it (the days between are the operator's to backfill).
 */
export function syncStart(frontier: string | null, startDate: string): string {
  const next = frontier ? addDays(frontier, 1) : null;
  return next && next > startDate ? next : startDate;
}

/**
 * Days a raised SYNC_START_DATE drops from the checkpoint: those before it that no run has learned
 * anything about. Days before it with an outcome or rows (done, failed, incomplete) stay, and are
 * retried as before.
 */
export function untouchedBefore(startDate: string, untouched: readonly string[]): string[] {
  return untouched.filter((day) => day < startDate);
}

/**
 * The incremental sync: every day from `syncStart` up to yesterday, every earlier day the checkpoint
 * holds as not done (but not an untouched one before SYNC_START_DATE), then a cheap re-check of the
 * most recent done days for late arrivals, then full re-walks of the done days verified longest ago
 * (the only way to see an opt-in or a silent UPRN fill: the change feed reports neither).
 */
export function planSync(input: SyncPlanInput): WorkItem[] {
  const from = syncStart(input.frontier, input.startDate);
  const dropped = new Set(untouchedBefore(input.startDate, input.untouched ?? []));
  const walk = new Set(input.notDone.filter((day) => day <= input.newest && !dropped.has(day)));
  for (const day of eachDay(from, input.newest)) walk.add(day);
  // Only days the checkpoint holds as not done lie before the frontier.
  const items: WorkItem[] = [...walk].sort().map((day) => ({ day, force: false, reason: day < from ? 'retry' : 'new' }));
  const lookback: WorkItem[] = input.recentDone
    .filter((d) => !walk.has(d.day) && d.day <= input.newest)
    .sort((a, b) => (a.day < b.day ? -1 : 1))
    .map((d) => ({ day: d.day, force: true, lookbackExpected: d.expectedCount, reason: 'lookback' }));
  const planned = new Set([...walk, ...lookback.map((item) => item.day)]);
  // Last, so an interrupted run has done the new days first; most overdue first among themselves.
  const reverify: WorkItem[] = [...new Set(input.reverifyCandidates ?? [])]
    .filter((day) => !planned.has(day) && day <= input.newest)
    .slice(0, Math.max(0, input.reverifyDays ?? 0))
    .map((day) => ({ day, force: true, reason: 'reverify' }));
  return [...items, ...lookback, ...reverify];
}

/** A backfill: exactly the range; done days are skipped unless forced. */
export function planBackfill(from: string, to: string, done: ReadonlySet<string>, force: boolean): WorkItem[] {
  const items: WorkItem[] = [];
  for (const day of eachDay(from, to)) if (force || !done.has(day)) items.push({ day, force, reason: 'backfill' });
  return items;
}
