/**
 * Bulk-file rows into `certificates`: COPY a batch into a temporary staging table, then one merge.
 * The merge never downgrades: a row the API wrote (source 'api', possibly with a document) keeps its
 * typed columns and only gains the file's full row; rows from the file itself are refreshed. After the
 * import, the file's days are handed to the checkpoint as done (source 'bulk').
 */
import { CERTIFICATE_COLUMNS, certificateValues, type CertificateRow } from './certificates.js';
import type { Queryable } from './client.js';
import { copyRecord } from './copy-text.js';

const TYPED = CERTIFICATE_COLUMNS.map(([column]) => column);
const STAGE_COLUMNS = ['ordinal', ...TYPED, 'bulk_row'];
const STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS bulk_stage (
  ordinal int, ${CERTIFICATE_COLUMNS.map(([column, type]) => `${column} ${type}`).join(', ')}, bulk_row jsonb
) ON COMMIT DELETE ROWS`;

/** One good file row as a COPY record for the staging table; `ordinal` is its position in the file. */
export function bulkStageRecord(ordinal: number, row: CertificateRow, json: string): string {
  return copyRecord([ordinal, ...certificateValues(row), json]);
}

/**
 * Stages and merges one batch, given as COPY text of `bulkStageRecord`s. Must run inside a transaction
 * (the staging table empties at commit).
 */
export async function mergeBulkBatch(tx: Queryable, register: string, copy: string | Uint8Array): Promise<{ inserted: number; updated: number }> {
  await tx.query(STAGE_SQL);
  await tx.copyText('bulk_stage', STAGE_COLUMNS, copy);
  const fromFile = (column: string) => `${column} = CASE WHEN c.source = 'bulk' THEN excluded.${column} ELSE c.${column} END`;
  const [counts] = await tx.query<{ inserted: number; updated: number }>(
    `WITH merged AS (
       INSERT INTO certificates AS c (register, source, ${TYPED.join(', ')}, bulk_row)
       SELECT DISTINCT ON (certificate_number) $1, 'bulk', ${TYPED.join(', ')}, bulk_row
       FROM bulk_stage ORDER BY certificate_number, ordinal DESC
       ON CONFLICT (certificate_number) DO UPDATE SET
         ${TYPED.filter((c) => c !== 'certificate_number').map(fromFile).join(',\n         ')},
         bulk_row = excluded.bulk_row,
         last_changed_at = CASE
           WHEN c.source = 'bulk' AND (${TYPED.map((c) => `c.${c}`).join(', ')}) IS DISTINCT FROM (${TYPED.map((c) => `excluded.${c}`).join(', ')})
           THEN now() ELSE c.last_changed_at END
       RETURNING (xmax = 0) AS inserted
     )
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`,
    [register],
  );
  return counts ?? { inserted: 0, updated: 0 };
}

/**
 * Marks every day from `from` to `cutoff` done with source 'bulk' and the file's count for it, except
 * days the API walk already did (those keep their own counts) and days another process holds.
 */
export async function handOverDays(
  tx: Queryable,
  register: string,
  from: string,
  cutoff: string,
  counts: ReadonlyMap<string, { stored: number; rejected: number }>,
): Promise<number> {
  const perDay = [...counts].filter(([day]) => day >= from && day <= cutoff).map(([day, c]) => ({ day, ...c }));
  const rows = await tx.query(
    `WITH counts AS (SELECT * FROM json_to_recordset($4::json) AS r(day date, stored int, rejected int))
     INSERT INTO sync_checkpoint AS s (register, day, status, source, expected_count, stored_count, rejected_count, finished_at, updated_at)
     SELECT $1, d::date, 'done', 'bulk', coalesce(c.stored, 0) + coalesce(c.rejected, 0), coalesce(c.stored, 0), coalesce(c.rejected, 0), now(), now()
     FROM generate_series($2::date, $3::date, interval '1 day') AS d LEFT JOIN counts c ON c.day = d::date
     ON CONFLICT (register, day) DO UPDATE SET
       status = 'done', source = 'bulk', expected_count = excluded.expected_count, stored_count = excluded.stored_count,
       rejected_count = excluded.rejected_count, last_error = NULL, finished_at = now(), updated_at = now()
     WHERE (s.status <> 'done' OR s.source = 'bulk')
       AND (s.status <> 'running' OR s.lease_expires_at IS NULL OR s.lease_expires_at < now())
     RETURNING day`,
    [register, from, cutoff, JSON.stringify(perDay)],
  );
  return rows.length;
}

export interface ImportRecord {
  id: number;
  status: string;
  sha256: string;
  lastUpdated: string | null;
}

export async function findImport(q: Queryable, register: string, sha256: string): Promise<ImportRecord | null> {
  const [row] = await q.query<ImportRecord>(
    `SELECT id, status, sha256, last_updated AS "lastUpdated" FROM bulk_imports
     WHERE register = $1 AND sha256 = $2 AND status = 'succeeded' ORDER BY id DESC LIMIT 1`,
    [register, sha256],
  );
  return row ?? null;
}

export async function startImport(
  q: Queryable,
  register: string,
  runId: number,
  file: { name: string; sha256: string; bytes: number; lastUpdated: string | null },
): Promise<number> {
  const [row] = await q.query<{ id: number }>(
    `INSERT INTO bulk_imports (register, run_id, file_name, sha256, bytes, last_updated) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [register, runId, file.name, file.sha256, file.bytes, file.lastUpdated],
  );
  return row!.id;
}

/**
 * Imports still `running` whose run is not (closed as interrupted by `closeAbandonedRuns`, since its
 * heartbeat stopped) belonged to a killed process: close them too, so `bulk_imports` tells the truth.
 * Rows from before migration 0007 have no run; one still `running` is from a process long gone.
 */
export async function closeAbandonedImports(q: Queryable, register: string): Promise<number> {
  const rows = await q.query(
    `UPDATE bulk_imports b SET status = 'interrupted', finished_at = now(),
       error = 'the process stopped without finishing (killed or crashed); run the import again'
     WHERE b.register = $1 AND b.status = 'running'
       AND (b.run_id IS NULL OR EXISTS (SELECT 1 FROM sync_runs r WHERE r.id = b.run_id AND r.outcome <> 'running'))
     RETURNING b.id`,
    [register],
  );
  return rows.length;
}

export async function finishImport(
  q: Queryable,
  id: number,
  result: { status: string; rowsRead: number; rowsImported: number; rowsRejected: number; cutoffDay: string | null; rowsPerSecond: number; error: string | null },
): Promise<void> {
  await q.query(
    `UPDATE bulk_imports SET status = $2, rows_read = $3, rows_imported = $4, rows_rejected = $5, cutoff_day = $6,
       rows_per_second = $7, error = $8, finished_at = now() WHERE id = $1`,
    [id, result.status, result.rowsRead, result.rowsImported, result.rowsRejected, result.cutoffDay, result.rowsPerSecond, result.error],
  );
}
