/** What recent walks of a register cost, for `epc-sync plan` (`sync/estimate.ts`). Reads only. */
import type { WalkCost } from '../sync/estimate.js';
import type { Queryable } from './client.js';

/**
 * The average search requests and certificates of the register's most recent API walks that ended
 * done (a day the bulk file brought cost no request; a lookback probe that found nothing new leaves
 * the day's figures as they were).
 */
export async function recentWalkCost(q: Queryable, register: string, days = 60): Promise<WalkCost> {
  const [row] = await q.query<{ days: number; searchPerDay: number | null; certificatesPerDay: number | null }>(
    `SELECT count(*)::int AS days, avg(requests)::float8 AS "searchPerDay", avg(coalesce(stored_count, 0))::float8 AS "certificatesPerDay"
     FROM (SELECT requests, stored_count FROM sync_checkpoint
           WHERE register = $1 AND status = 'done' AND source = 'api' AND requests > 0
           ORDER BY finished_at DESC NULLS LAST, day DESC LIMIT $2) recent`,
    [register, days],
  );
  return { days: row?.days ?? 0, searchPerDay: Number(row?.searchPerDay ?? 0), certificatesPerDay: Number(row?.certificatesPerDay ?? 0) };
}
