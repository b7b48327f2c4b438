/** The `sync_runs` table: one row per run, from start to outcome, with a heartbeat while it works. */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Queryable } from './client.js';
import { orm } from './orm.js';
import { syncRuns, type RunOutcome } from './schema.js';

export interface RunStart {
  register: string;
  kind: string;
  rangeFrom: string | null;
  rangeTo: string | null;
  host: string;
  pid: number;
}

export interface RunCounts {
  daysPlanned: number;
  daysDone: number;
  daysIncomplete: number;
  daysFailed: number;
  rowsUpserted: number;
  documentsFetched: number;
  requests: number;
}

export async function startRun(q: Queryable, run: RunStart): Promise<number> {
  const [row] = await orm(q).insert(syncRuns).values(run).returning({ id: syncRuns.id });
  if (!row) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export async function heartbeatRun(q: Queryable, id: number, counts: RunCounts): Promise<void> {
  await orm(q)
    .update(syncRuns)
    .set({ ...counts, heartbeatAt: sql`now()` })
    .where(eq(syncRuns.id, id));
}

export async function finishRun(
  q: Queryable,
  id: number,
  outcome: Exclude<RunOutcome, 'running'>,
  counts: RunCounts,
  error: string | null,
): Promise<void> {
  await orm(q)
    .update(syncRuns)
    .set({ ...counts, outcome, error, finishedAt: sql`now()`, heartbeatAt: sql`now()` })
    .where(eq(syncRuns.id, id));
}

/**
 * Runs still marked `running` whose heartbeat stopped long ago belonged to a process that was killed:
 * close them as `interrupted` so status and the views tell the truth.
 */
export async function closeAbandonedRuns(q: Queryable, register: string, staleSeconds: number): Promise<number> {
  const rows = await orm(q)
    .update(syncRuns)
    .set({ outcome: 'interrupted', finishedAt: sql`now()`, error: 'the process stopped without finishing (killed or crashed)' })
    .where(
      and(
        eq(syncRuns.register, register),
        eq(syncRuns.outcome, 'running'),
        lt(syncRuns.heartbeatAt, sql`now() - make_interval(secs => ${staleSeconds})`),
      ),
    )
    .returning({ id: syncRuns.id });
  return rows.length;
}
