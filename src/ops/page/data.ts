/**
 * What the coverage page shows, read for every register at once with a few aggregate queries: days by
 * month and state over the whole history (with the newest done day), the chosen year's days, the
 * last runs, and the facts of `status` (deltas, re-verification, bulk import); where days are
 * missing, one month's rows to name the oldest.
 * Unlike `status`, nothing here counts certificates (seconds on a full mirror) or walks the
 * `sync_lag` calendar: the page, often behind a monitoring probe, must answer at once. Fixed SQL
 * only: the one thing a visitor chooses is the year, parsed to a number first.
 */
import type { Queryable } from '../../db/client.js';
import { documentsBacklogSize } from '../../db/documents.js';
import { addDays, daysBetween } from '../../days.js';
import { verdictFor } from '../status.js';
import type { CellState, DayCell } from './calendar.js';
import type { MonthSummary, RecentRun, RegisterCoverage } from './page.js';

const STATE = (status: string, source: string): CellState =>
  (status === 'done' ? (source === 'bulk' ? 'bulk' : 'api') : status) as CellState;

const FIRSTS_SQL = `
  SELECT r.register, (SELECT min(day) FROM sync_checkpoint c WHERE c.register = r.register)::text AS first
  FROM unnest($1::text[]) AS r(register)`;

// Month by month through the (register, day) key: a range read a month, so no date arithmetic per
// row (on the embedded database that alone would be most of the page's time).
const MONTHS_SQL = `
  SELECT r.register, to_char(m.month, 'YYYY-MM') AS month, x.status, x.source, x.n, x.last::text AS last, x."notServed",
         x."neverVerified"::text AS "neverVerified", x."oldestVerified"
  FROM unnest($1::text[]) AS r(register)
  CROSS JOIN generate_series($2::date, $3::date, interval '1 month') AS m(month)
  CROSS JOIN LATERAL (
    SELECT status, source, count(*)::int AS n, max(day) AS last, coalesce(sum(not_served), 0)::int AS "notServed",
           min(day) FILTER (WHERE verified_at IS NULL) AS "neverVerified", min(verified_at) AS "oldestVerified"
    FROM sync_checkpoint c
    WHERE c.register = r.register AND c.day >= m.month::date AND c.day < (m.month + interval '1 month')::date AND c.day <= $3::date
    GROUP BY status, source) AS x`;

const DAYS_SQL = `
  SELECT register, day::text AS day, status, source, stored_count AS stored, expected_count AS expected, not_served AS "notServed"
  FROM sync_checkpoint WHERE register = ANY($1::text[]) AND day BETWEEN $2::date AND $3::date ORDER BY register, day`;

const RUNS_SQL = `
  SELECT r.register, x.id, x.kind, x.outcome, x."startedAt", x."finishedAt", x.rows, x."daysDone", x.requests
  FROM unnest($1::text[]) AS r(register)
  CROSS JOIN LATERAL (
    SELECT id, kind, outcome, started_at AS "startedAt", finished_at AS "finishedAt", rows_upserted AS rows, days_done AS "daysDone", requests
    FROM sync_runs WHERE register = r.register ORDER BY id DESC LIMIT $2) x
  ORDER BY r.register, x.id DESC`;

const FACTS_SQL = `
  SELECT r.register,
         (SELECT max(day)::text FROM delta_checkpoint d WHERE d.register = r.register) AS delta,
         (SELECT json_build_object('status', status, 'finishedAt', finished_at, 'fileDate', last_updated, 'cutoffDay', cutoff_day::text)
          FROM bulk_imports b WHERE b.register = r.register AND status <> 'running' ORDER BY id DESC LIMIT 1) AS bulk
  FROM unnest($1::text[]) AS r(register)`;

export interface CoverageOptions {
  /** yyyy-MM-dd: the newest day the API can answer for, the calendar's end. */
  yesterday: string;
  /** The calendar's start when a register's checkpoint is empty (SYNC_START_DATE). */
  startDate: string;
  /** The year whose days are drawn; default (or outside the history): yesterday's. */
  year?: number;
  fetchDocuments: boolean;
  runs?: number;
}

type Json<T> = T | string | null;
const json = <T>(value: Json<T>): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string).toISOString());

/** Days of `month` (yyyy-MM) between `from` and `to`, inclusive. */
function daysIn(month: string, from: string, to: string): number {
  const start = `${month}-01`;
  const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 10);
  const lo = start < from ? from : start;
  const hi = addDays(next, -1) < to ? addDays(next, -1) : to;
  return hi < lo ? 0 : daysBetween(lo, hi) + 1;
}

/** Month summaries from the first to the last day; days with no checkpoint row are `pending` (not walked). */
export function monthSummaries(rows: ReadonlyArray<{ month: string; state: string; n: number }>, firstDay: string, lastDay: string): MonthSummary[] {
  const byMonth = new Map<string, MonthSummary['counts']>();
  for (let m = firstDay.slice(0, 7); m <= lastDay.slice(0, 7); m = nextMonth(m)) byMonth.set(m, {});
  for (const r of rows) {
    const counts = byMonth.get(r.month);
    if (!counts) continue;
    const state = r.state as CellState;
    counts[state] = (counts[state] ?? 0) + Number(r.n);
  }
  return [...byMonth.entries()].map(([month, counts]) => {
    const seen = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
    const unseen = daysIn(month, firstDay, lastDay) - seen;
    if (unseen > 0) counts.pending = (counts.pending ?? 0) + unseen;
    return { month, counts };
  });
}

const byRegister = <T extends { register: string }>(rows: readonly T[], register: string) => rows.filter((r) => r.register === register);

type MonthRow = {
  register: string;
  month: string;
  status: string;
  source: string;
  n: number;
  last: string;
  notServed: number;
  neverVerified: string | null;
  oldestVerified: string | Date | null;
};

/**
 * Where the next re-verification starts, as `status` has it: the oldest done day never verified,
 * else the done day verified longest ago (its day read by that time: one row).
 */
async function oldestVerification(q: Queryable, register: string, months: readonly MonthRow[]): Promise<RegisterCoverage['oldestVerification']> {
  const done = months.filter((m) => m.status === 'done');
  const never = done.map((m) => m.neverVerified).filter((d): d is string => d !== null).sort()[0];
  if (never) return { day: never, verifiedAt: null };
  const oldest = done.map((m) => iso(m.oldestVerified)).filter((t): t is string => t !== null).sort()[0];
  if (!oldest) return null;
  const [row] = await q.query<{ day: string }>(
    // The time came back to the millisecond; the column keeps microseconds.
    `SELECT day::text AS day FROM sync_checkpoint WHERE register = $1 AND status = 'done'
       AND verified_at >= $2::timestamptz AND verified_at < $2::timestamptz + interval '1 millisecond'
     ORDER BY verified_at, day LIMIT 1`,
    [register, oldest],
  );
  return row ? { day: row.day, verifiedAt: oldest } : null;
}

/**
 * The oldest day up to yesterday that is not done, as `sync_missing_days` has it (a day not done, or
 * a day with no row), read from the first month whose done days fall short: a month's rows at most.
 */
async function oldestMissing(q: Queryable, register: string, months: readonly MonthRow[], first: string, lastDay: string): Promise<string | null> {
  const done = new Map<string, number>();
  for (const m of months) if (m.status === 'done') done.set(m.month, (done.get(m.month) ?? 0) + Number(m.n));
  for (let m = first.slice(0, 7); m <= lastDay.slice(0, 7); m = nextMonth(m)) {
    if ((done.get(m) ?? 0) >= daysIn(m, first, lastDay)) continue;
    const from = `${m}-01` < first ? first : `${m}-01`;
    const rows = await q.query<{ day: string; status: string }>(
      `SELECT day::text AS day, status FROM sync_checkpoint WHERE register = $1 AND day BETWEEN $2::date AND $3::date ORDER BY day`,
      [register, from, lastDay < addDays(`${nextMonth(m)}-01`, -1) ? lastDay : addDays(`${nextMonth(m)}-01`, -1)],
    );
    const byDay = new Map(rows.map((r) => [r.day, r.status]));
    for (let day = from; day <= lastDay && day.slice(0, 7) === m; day = addDays(day, 1)) if (byDay.get(day) !== 'done') return day;
  }
  return null;
}

function nextMonth(m: string): string {
  const [y, mo] = [Number(m.slice(0, 4)), Number(m.slice(5, 7))];
  return mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
}

/** Every register's coverage, in the order given. */
export async function readCoverage(q: Queryable, registers: readonly string[], o: CoverageOptions): Promise<RegisterCoverage[]> {
  const lastDay = o.yesterday;
  const lastYear = Number(lastDay.slice(0, 4));
  const firsts = new Map((await q.query<{ register: string; first: string | null }>(FIRSTS_SQL, [registers])).map((r) => [r.register, r.first]));
  // From SYNC_START_DATE when the checkpoint starts later: the days between are holes to show.
  const firstDayOf = (register: string) => {
    const first = firsts.get(register);
    return first && first < o.startDate ? first : o.startDate;
  };
  const earliest = registers.map(firstDayOf).sort()[0] ?? o.startDate;
  const year = o.year !== undefined && o.year >= Number(earliest.slice(0, 4)) && o.year <= lastYear ? o.year : lastYear;
  const monthRows = earliest <= lastDay ? await q.query<MonthRow>(MONTHS_SQL, [registers, `${earliest.slice(0, 7)}-01`, lastDay]) : [];
  const dayRows = await q.query<{ register: string; day: string; status: string; source: string; stored: number | null; expected: number | null; notServed: number | null }>(
    DAYS_SQL,
    [registers, `${year}-01-01`, `${year}-12-31`],
  );
  const runRows = await q.query<RecentRun & { register: string }>(RUNS_SQL, [registers, o.runs ?? 8]);
  const factRows = await q.query<{
    register: string;
    delta: string | null;
    bulk: Json<{ status: string; finishedAt: string | null; fileDate: string | null; cutoffDay: string | null }>;
  }>(FACTS_SQL, [registers]);

  const out: RegisterCoverage[] = [];
  for (const register of registers) {
    const first = firsts.get(register) ?? null;
    const firstDay = firstDayOf(register);
    const months = byRegister(monthRows, register);
    const count = (status: string) => months.filter((r) => r.status === status).reduce((a, r) => a + Number(r.n), 0);
    const done = count('done');
    const newestDoneDay = months.filter((r) => r.status === 'done').reduce<string | null>((a, r) => (a === null || r.last > a ? r.last : a), null);
    // As `sync_missing_days` counts them: every day from the first checkpoint day to yesterday not done.
    const missingDays = first && first <= lastDay ? daysBetween(first, lastDay) + 1 - done : 0;
    const runs = byRegister(runRows, register).map(({ register: _, ...r }) => ({
      ...r,
      startedAt: iso(r.startedAt)!,
      finishedAt: iso(r.finishedAt),
      rows: Number(r.rows),
      daysDone: Number(r.daysDone),
      requests: Number(r.requests),
    }));
    const facts = factRows.find((f) => f.register === register);
    const { verdict, healthy } = verdictFor({
      newestDoneDay,
      days: { done, incomplete: count('incomplete'), failed: count('failed'), pending: count('pending') + count('running') },
      missingDays,
      oldestMissingDay: first && missingDays > 0 ? await oldestMissing(q, register, months, first, lastDay) : null,
      fetchDocuments: o.fetchDocuments,
      documentsDue: await documentsBacklogSize(q, register),
      lastRun: runs[0] ? { id: runs[0].id, outcome: runs[0].outcome } : null,
    });
    const bulk = json(facts?.bulk ?? null);
    out.push({
      register,
      verdict,
      healthy,
      firstDay,
      lastDay,
      newestDoneDay,
      daysBehind: newestDoneDay ? daysBetween(newestDoneDay, lastDay) : null,
      deltaFrontier: facts?.delta ?? null,
      lastBulkImport: bulk ? { ...bulk, finishedAt: iso(bulk.finishedAt) } : null,
      oldestVerification: await oldestVerification(q, register, months),
      notServed: months.reduce((a, r) => a + Number(r.notServed), 0),
      months: monthSummaries(months.map((r) => ({ month: r.month, state: STATE(r.status, r.source), n: r.n })), firstDay, lastDay),
      year,
      days: new Map(
        byRegister(dayRows, register).map((d) => [d.day, { state: STATE(d.status, d.source), stored: d.stored, expected: d.expected, notServed: d.notServed } satisfies DayCell]),
      ),
      runs,
    });
  }
  return out;
}
