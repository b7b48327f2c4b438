/**
 * The SQL behind the database-derived gauges of /metrics. Kept apart from the metric definitions so
 * the queries can be read (and tuned) in one place. Everything here only reads: a scrape must never
 * change the mirror.
 */
import { documentsBacklogSize } from '../db/documents.js';
import type { Queryable } from '../db/client.js';

export interface LastRun {
  kind: string;
  outcome: string;
  /** Unix seconds. */
  startedAt: number;
  finishedAt: number | null;
  /** When a run of this kind last ended `succeeded` (unix seconds), if one ever did. */
  lastSuccessAt: number | null;
}

export interface MirrorState {
  /** Checkpoint days by status; statuses with no day are absent (the caller fills in zeros). */
  daysByStatus: Map<string, number>;
  /** yyyy-MM-dd, the newest day marked done. */
  newestDoneDay: string | null;
  /** Days between the newest done day and yesterday (Europe/London), from the `sync_lag` view. */
  daysBehind: number | null;
  /** Days up to yesterday that are not done, from the `sync_missing_days` view (through `sync_lag`). */
  missingDays: number;
  /** The newest run of each kind. */
  lastRuns: LastRun[];
  /** Certificates due a document (`db/documents.ts`), and those due for more than a day. */
  documentsDue: number;
  documentsOverdue: number;
}

const DAYS_SQL = `SELECT register, status, count(*)::int AS n FROM sync_checkpoint WHERE register = ANY($1::text[]) GROUP BY register, status`;

const LAG_SQL = `SELECT register, newest_done_day::text AS newest, days_behind::int AS behind, missing_days::int AS missing
                 FROM sync_lag WHERE register = ANY($1::text[])`;

// The newest run of each kind, and the end of the last successful one of that kind. Epoch seconds as
// float8 so both drivers hand back plain numbers.
const RUNS_SQL = `
  SELECT l.register, l.kind, l.outcome, l.started, l.finished, s.at AS last_success
  FROM (SELECT DISTINCT ON (register, kind) register, kind, outcome,
               extract(epoch FROM started_at)::float8 AS started,
               extract(epoch FROM finished_at)::float8 AS finished
        FROM sync_runs WHERE register = ANY($1::text[])
        ORDER BY register, kind, id DESC) l
  LEFT JOIN (SELECT register, kind, extract(epoch FROM max(finished_at))::float8 AS at
             FROM sync_runs WHERE register = ANY($1::text[]) AND outcome = 'succeeded'
             GROUP BY register, kind) s USING (register, kind)`;

/**
 * One consistent-enough read of each register's state: three statements for all of them, then the
 * documents backlog of each, run one after another.
 */
export async function readMirrorStates(q: Queryable, registers: readonly string[]): Promise<Map<string, MirrorState>> {
  // Sequential on purpose: PGlite has one connection anyway, and on a pool a scrape should take one
  // connection, not three, away from the sync.
  const list = [...registers];
  const days = await q.query<{ register: string; status: string; n: number }>(DAYS_SQL, [list]);
  const lags = await q.query<{ register: string; newest: string | null; behind: number | null; missing: number | null }>(LAG_SQL, [list]);
  const runs = await q.query<{ register: string; kind: string; outcome: string; started: number; finished: number | null; last_success: number | null }>(
    RUNS_SQL,
    [list],
  );
  const states = new Map<string, MirrorState>();
  for (const register of list) {
    const documents = await documentsBacklogSize(q, register);
    const lag = lags.find((l) => l.register === register);
    states.set(register, {
      documentsDue: documents.due,
      documentsOverdue: documents.overdue,
      daysByStatus: new Map(days.filter((d) => d.register === register).map((d) => [d.status, Number(d.n)])),
      newestDoneDay: lag?.newest ?? null,
      daysBehind: lag?.behind ?? null,
      missingDays: Number(lag?.missing ?? 0),
      lastRuns: runs.filter((r) => r.register === register).map((r) => ({
        kind: r.kind,
        outcome: r.outcome,
        startedAt: Number(r.started),
        finishedAt: r.finished === null ? null : Number(r.finished),
        lastSuccessAt: r.last_success === null ? null : Number(r.last_success),
      })),
    });
  }
  return states;
}

/** Rejects after `ms` so a dead database turns into an error the caller reports, not a hung scrape. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = 'the database'): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
