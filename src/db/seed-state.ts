/**
 * What the bulk seed reads (`bulk/seed-plan.ts` decides): has the mirror any stored day or a finished
 * import, and how much room its tables take already.
 */
import type { MirrorState } from '../bulk/seed-plan.js';
import type { Queryable } from './client.js';

/**
 * Rows of the API walk always come with a done or incomplete day (the day and its rows commit
 * together), so the checkpoint answers "has the mirror data" through its status index, without a
 * scan of `certificates`. Rows an interrupted import left have neither: the seed runs again.
 */
export async function readMirrorState(q: Queryable, register: string): Promise<MirrorState> {
  const [row] = await q.query<MirrorState>(
    `SELECT EXISTS (SELECT 1 FROM sync_checkpoint WHERE register = $1 AND status IN ('done', 'incomplete')) AS "hasStoredDay",
            EXISTS (SELECT 1 FROM bulk_imports WHERE register = $1 AND status = 'succeeded') AS "hasSucceededImport"`,
    [register],
  );
  return row ?? { hasStoredDay: false, hasSucceededImport: false };
}

/** Bytes the certificates and recommendations take already (table, TOAST and indexes). */
export async function mirrorBytes(q: Queryable): Promise<number> {
  const [row] = await q.query<{ bytes: number }>(
    `SELECT (pg_total_relation_size('certificates') + pg_total_relation_size('recommendations'))::bigint AS bytes`,
  );
  return Number(row?.bytes ?? 0);
}
