/**
 * Bulk-file rows into `certificates` and `recommendation_sets`. A batch of certificates none of which the
 * mirror holds (every batch of a first load) is COPied straight into the table; otherwise that COPY
 * rolls back to a savepoint and the batch is staged and merged. The merge never downgrades: a
 * certificate the API wrote keeps its search-row columns, and a value a fetched document filled is
 * not emptied by the file. After the import, the file's days are handed to the checkpoint as done
 * (source 'bulk').
 */
import { sqlType } from '../registers/sql.js';
import { certificateCopyColumns, recommendationCopyColumns, setFields, type RegisterFile } from '../registers/index.js';
import type { CopyFormat, Queryable } from './client.js';

const UNIQUE_VIOLATION = '23505';

export interface BatchCounts {
  inserted: number;
  updated: number;
  /** 'copy': straight into the table; 'merge': staged and merged. */
  path: 'copy' | 'merge';
}

/** COPY into `table` inside a savepoint; false (and nothing written) when a key already exists. */
async function copyIfNew(tx: Queryable, table: string, columns: readonly string[], copy: Uint8Array, format: CopyFormat): Promise<boolean> {
  await tx.query('SAVEPOINT bulk_copy_new');
  try {
    await tx.copyText(table, columns, copy, format);
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT bulk_copy_new');
    return false;
  }
  await tx.query('RELEASE SAVEPOINT bulk_copy_new');
  return true;
}

/**
 * The staging tables and merges of a register, derived once from its declaration. The staging tables
 * are named per register: a connection that imports one register's file and then another's (the
 * first run seeds each configured register) keeps the first one's temporary tables, with its columns.
 */
function stageSql(file: RegisterFile) {
  const suffix = file.register.replace(/[^a-z]/g, '_');
  const certificateStage = `bulk_stage_${suffix}`;
  const recommendationStage = `recommendation_stage_${suffix}`;
  const columns = certificateCopyColumns(file);
  const typeOf = new Map(file.fields.map((f) => [f.column, sqlType(f.type)]));
  const shared = file.fields.filter((f) => f.shared && f.column !== 'certificate_number').map((f) => f.column);
  const details = file.fields.filter((f) => !f.shared).map((f) => f.column);
  const list = (prefix: string, names: readonly string[]) => names.map((n) => `${prefix}${n}`).join(', ');
  const create = `CREATE TEMP TABLE IF NOT EXISTS ${certificateStage} (${columns
    .map((c) => `${c} ${c === 'bulk_extra' ? 'jsonb' : typeOf.get(c) ?? 'text'}`)
    .join(', ')}) ON COMMIT DELETE ROWS`;
  const merge = `WITH merged AS (
  INSERT INTO certificates AS c (${columns.join(', ')})
  SELECT ${columns.join(', ')} FROM ${certificateStage}
  ON CONFLICT (certificate_number) DO UPDATE SET
    ${shared.map((n) => `${n} = CASE WHEN c.source = 'bulk' THEN excluded.${n} ELSE c.${n} END`).join(',\n    ')},
    ${details.map((n) => `${n} = CASE WHEN c.document_status = 'fetched' THEN coalesce(excluded.${n}, c.${n}) ELSE excluded.${n} END`).join(',\n    ')},
    bulk_extra = excluded.bulk_extra,
    last_changed_at = CASE
      WHEN c.source = 'bulk' AND (${list('c.', shared)}) IS DISTINCT FROM (${list('excluded.', shared)})
      THEN now() ELSE c.last_changed_at END
  -- A row the file holds as it is stays untouched: importing the same file again writes nothing.
  WHERE c.bulk_extra IS DISTINCT FROM excluded.bulk_extra
     OR (${list('c.', details)}) IS DISTINCT FROM (${list('excluded.', details)})
     OR (c.source = 'bulk' AND (${list('c.', shared)}) IS DISTINCT FROM (${list('excluded.', shared)}))
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`;
  const recColumns = recommendationCopyColumns(file);
  const arrayType = new Map(setFields(file).map((f) => [f.column, `${sqlType(f.type)}[]`]));
  const recStageType = (c: string) => (c === 'import_id' ? 'integer' : c === 'items' ? 'smallint[]' : arrayType.get(c) ?? 'text');
  const arrays = ['items', ...setFields(file).map((f) => f.column)];
  const recommendations = {
    columns: recColumns,
    // Binary, arrays as `array_send` writes them (`bulk/recommendation-sets.ts`).
    format: 'binary' as CopyFormat,
    create: `CREATE TEMP TABLE IF NOT EXISTS ${recommendationStage} (${recColumns.map((c) => `${c} ${recStageType(c)}`).join(', ')}) ON COMMIT DELETE ROWS`,
    table: recommendationStage,
    // Sets are replaced whole (below), so nothing of an earlier import can be left beside them.
    stale: null,
    // A set this import began in an earlier batch (its items were split between batches) is continued;
    // one an earlier import wrote is replaced; one a fetched document wrote (source 'api') is kept.
    merge: `WITH merged AS (
  INSERT INTO recommendation_sets AS r (${recColumns.join(', ')})
  SELECT ${recColumns.join(', ')} FROM ${recommendationStage}
  ON CONFLICT (certificate_number) DO UPDATE SET
    ${arrays.map((c) => `${c} = CASE WHEN r.import_id = excluded.import_id THEN r.${c} || excluded.${c} ELSE excluded.${c} END`).join(',\n    ')},
    register = excluded.register, import_id = excluded.import_id
  WHERE r.source = 'bulk'
  RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM merged`,
  };
  const certificates = {
    columns, create, merge, table: certificateStage,
    // Written by the parse workers in the binary format (`bulk/copy-binary.ts`), into columns of the
    // same types as `certificates` (`typeOf`, from the same declaration).
    format: 'binary' as CopyFormat,
    // A certificate the file brings again replaces its recommendations whole, even when the file now
    // has none for it: rows an earlier import wrote go (this import's own, from either worker, stay).
    stale: `DELETE FROM recommendation_sets r USING ${certificateStage} s
  WHERE r.certificate_number = s.certificate_number AND r.source = 'bulk' AND r.import_id IS DISTINCT FROM $1` as string | null,
  };
  return { certificates, recommendations };
}

type Stage = ReturnType<typeof stageSql>['certificates'] | ReturnType<typeof stageSql>['recommendations'];
const stages = new Map<string, ReturnType<typeof stageSql>>();
function stagesFor(file: RegisterFile): ReturnType<typeof stageSql> {
  let stage = stages.get(file.register);
  if (!stage) stages.set(file.register, (stage = stageSql(file)));
  return stage;
}

/**
 * A batch straight into `target` when none of its keys exist there, else staged and merged, then the
 * recommendations an earlier import wrote for its certificates deleted. Must run inside a transaction
 * (the savepoint, and the stage that empties at commit).
 */
async function storeBatch(tx: Queryable, target: string, stage: Stage, importId: number, copy: Uint8Array, rows: number): Promise<BatchCounts> {
  if (await copyIfNew(tx, target, stage.columns, copy, stage.format)) return { inserted: rows, updated: 0, path: 'copy' };
  await tx.query(stage.create);
  await tx.copyText(stage.table, stage.columns, copy, stage.format);
  const [counts] = await tx.query<{ inserted: number; updated: number }>(stage.merge);
  if (stage.stale) await tx.query(stage.stale, [importId]);
  await tx.query(`TRUNCATE ${stage.table}`);
  return { inserted: counts?.inserted ?? 0, updated: counts?.updated ?? 0, path: 'merge' };
}

/** One batch of certificate records (binary COPY, `bulk/copy-binary.ts`, de-duplicated by number). */
export function storeCertificateBatch(tx: Queryable, file: RegisterFile, importId: number, copy: Uint8Array, rows: number): Promise<BatchCounts> {
  return storeBatch(tx, 'certificates', stagesFor(file).certificates, importId, copy, rows);
}

/**
 * One batch of recommendation sets (a row per certificate). A certificate's set is replaced once per
 * import, and continued when this import's items for it were split between batches. A certificate
 * whose set came from its document (source 'api') keeps it.
 */
export function storeRecommendationBatch(tx: Queryable, file: RegisterFile, importId: number, copy: Uint8Array, rows: number): Promise<BatchCounts> {
  return storeBatch(tx, 'recommendation_sets', stagesFor(file).recommendations, importId, copy, rows);
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
  result: {
    status: string; rowsRead: number; rowsImported: number; rowsRejected: number; recommendationsImported: number;
    cutoffDay: string | null; rowsPerSecond: number; newColumns: readonly string[]; error: string | null;
  },
): Promise<void> {
  await q.query(
    `UPDATE bulk_imports SET status = $2, rows_read = $3, rows_imported = $4, rows_rejected = $5, cutoff_day = $6,
       rows_per_second = $7, error = $8, recommendations_imported = $9, new_columns = $10::jsonb, finished_at = now() WHERE id = $1`,
    [id, result.status, result.rowsRead, result.rowsImported, result.rowsRejected, result.cutoffDay, result.rowsPerSecond, result.error,
      result.recommendationsImported, result.newColumns.length > 0 ? JSON.stringify(result.newColumns) : null],
  );
}
