/**
 * Certificate documents beside their search rows. Documents are a backlog with its own truth,
 * whichever run stopped: a certificate is due one when the API walk stored it and none was tried yet
 * (`document_status` 'due'), when a 404 or a failure was recorded for it, or when its search row
 * changed after its document was fetched. Search-row upserts never touch these columns, so a later
 * summary can never wipe a fetched document.
 *
 * The bulk file carries every detail of the certificates it holds, so a certificate it seeded
 * (`document_status` NULL) is not due: that would be a document request for every certificate of
 * the register, ~27 million. `documents --from --to` asks for those explicitly. A certificate flagged
 * removed or missing is not due: the API no longer serves it.
 *
 * A fetched document also fills the typed detail columns it carries (floor area, costs,
 * descriptions…: the paths are declared once in `registers/domestic.ts`) and replaces the
 * certificate's recommendations with its `suggested_improvements`. A value the document lacks keeps
 * what the bulk file (or an earlier document) stored; a 404 or a failure changes none of them.
 */
import { DOMESTIC_DETAIL_FIELDS } from '../registers/domestic.js';
import { documentValueSql } from '../registers/sql.js';
import type { Queryable } from './client.js';

export interface DocumentResult {
  certificateNumber: string;
  status: 'fetched' | 'not_found' | 'failed';
  document: unknown;
  error: string | null;
}

/** Which certificates the backlog holds; `seeded` also counts those the bulk file seeded (`documents`). */
export interface DueScope {
  seeded: boolean;
}

// Exactly the predicate of the partial index `certificates_documents_retry_idx`, so the planner uses it.
const BACKLOG = `document_status IS NOT NULL AND (document_status <> 'fetched' OR document_fetched_at < last_changed_at)`;

function due(scope: DueScope): string {
  const owed = scope.seeded ? `(${BACKLOG}) OR document_status IS NULL` : BACKLOG;
  return `removed_at IS NULL AND missing_since IS NULL AND (${owed})`;
}

/** Certificates of one registration day that need their document fetched. */
export async function documentsDue(q: Queryable, register: string, day: string, scope: DueScope = { seeded: false }): Promise<string[]> {
  const rows = await q.query<{ n: string }>(
    `SELECT certificate_number AS n FROM certificates
     WHERE register = $1 AND registration_date = $2 AND ${due(scope)}
     ORDER BY certificate_number`,
    [register, day],
  );
  return rows.map((r) => r.n);
}

export interface BacklogDay {
  day: string;
  due: number;
}

/** The backlog by registration day, newest first: what a sync drains within its request budget. */
export async function documentsBacklog(q: Queryable, register: string, limit: number): Promise<BacklogDay[]> {
  return q.query<BacklogDay>(
    `SELECT registration_date::text AS day, count(*)::int AS due FROM certificates
     WHERE register = $1 AND ${due({ seeded: false })}
     GROUP BY registration_date ORDER BY registration_date DESC LIMIT $2`,
    [register, limit],
  );
}

export interface BacklogSize {
  due: number;
  /** Due for more than a day: what `status` calls a problem while FETCH_DOCUMENTS is on. */
  overdue: number;
}

export async function documentsBacklogSize(q: Queryable, register: string): Promise<BacklogSize> {
  const [row] = await q.query<BacklogSize>(
    `SELECT count(*)::int AS due, count(*) FILTER (WHERE last_changed_at < now() - interval '1 day')::int AS overdue
     FROM certificates WHERE register = $1 AND ${due({ seeded: false })}`,
    [register],
  );
  return row ?? { due: 0, overdue: 0 };
}

/**
 * `column = coalesce(<the document's value>, c.column)` for every detail column the document carries,
 * derived once from the declaration. `r.document` is NULL unless the fetch succeeded, so a 404 or a
 * failure keeps every value.
 */
const DETAIL_SETS = DOMESTIC_DETAIL_FIELDS.flatMap((field) => {
  const value = documentValueSql(field, 'r.document');
  return value ? [`${field.column} = coalesce(${value}, c.${field.column})`] : [];
}).join(',\n       ');

/**
 * The improvements of the batch's fetched documents, one row per `sequence` (the first wins if a
 * document repeats one; an item without a readable sequence has no place on the certificate and is
 * skipped). A document carries codes (`improvement_number`) where the file carries texts; only a
 * custom improvement (`improvement_texts`) has its own summary and description.
 */
const IMPROVEMENTS = `
  SELECT DISTINCT ON (d.certificate_number, epc_value_integer(e.item ->> 'sequence'))
         d.certificate_number,
         epc_value_integer(e.item ->> 'sequence') AS item,
         nullif(e.item #>> '{improvement_details,improvement_number}', '') AS improvement_id,
         nullif(e.item #>> '{improvement_details,improvement_texts,improvement_summary}', '') AS summary,
         nullif(e.item #>> '{improvement_details,improvement_texts,improvement_description}', '') AS description,
         nullif(e.item ->> 'indicative_cost', '') AS indicative_cost
  FROM input AS d
  CROSS JOIN LATERAL jsonb_array_elements(
    CASE WHEN jsonb_typeof(d.document -> 'suggested_improvements') = 'array' THEN d.document -> 'suggested_improvements' END
  ) WITH ORDINALITY AS e(item, n)
  WHERE d.status = 'fetched' AND jsonb_typeof(e.item) = 'object' AND epc_value_integer(e.item ->> 'sequence') IS NOT NULL
  ORDER BY d.certificate_number, epc_value_integer(e.item ->> 'sequence'), e.n`;

/**
 * Stores a batch of fetched documents (and failures) in one statement, so a batch is stored whole or
 * not at all. For each fetched document: its recommendations replace the certificate's (rows of any
 * source; a document without improvements removes only those an earlier document sent, and leaves
 * the file's), then the certificate takes the document, its status and the detail values it carries.
 */
export async function storeDocuments(q: Queryable, results: readonly DocumentResult[]): Promise<void> {
  if (results.length === 0) return;
  // One result per certificate (the last), so no row is written twice by one statement.
  const latest = [...new Map(results.map((r) => [r.certificateNumber, r])).values()];
  await q.query(
    `WITH input AS (
       SELECT r."certificateNumber" AS certificate_number, r.status, r.error,
              CASE WHEN r.status = 'fetched' THEN r.document END AS document
       FROM json_to_recordset($1::json) AS r("certificateNumber" text, status text, document jsonb, error text)
     ),
     improvements AS (${IMPROVEMENTS}
     ),
     stale AS (
       DELETE FROM recommendations AS rec USING input AS d
       WHERE d.status = 'fetched' AND rec.certificate_number = d.certificate_number
         AND (rec.source = 'api' OR EXISTS (SELECT 1 FROM improvements i WHERE i.certificate_number = rec.certificate_number))
         AND NOT EXISTS (SELECT 1 FROM improvements i WHERE i.certificate_number = rec.certificate_number AND i.item = rec.item)
     ),
     stored AS (
       INSERT INTO recommendations AS rec (certificate_number, item, register, source, improvement_id, summary, description, indicative_cost, import_id)
       SELECT i.certificate_number, i.item, c.register, 'api', i.improvement_id, i.summary, i.description, i.indicative_cost, NULL
       FROM improvements AS i JOIN certificates AS c ON c.certificate_number = i.certificate_number
       ON CONFLICT (certificate_number, item) DO UPDATE SET
         register = excluded.register, source = excluded.source, improvement_id = excluded.improvement_id, summary = excluded.summary,
         description = excluded.description, indicative_cost = excluded.indicative_cost, import_id = excluded.import_id
       WHERE (rec.register, rec.source, rec.improvement_id, rec.summary, rec.description, rec.indicative_cost, rec.import_id)
         IS DISTINCT FROM (excluded.register, excluded.source, excluded.improvement_id, excluded.summary, excluded.description,
                           excluded.indicative_cost, excluded.import_id)
     )
     UPDATE certificates AS c SET
       document = CASE WHEN r.status = 'fetched' THEN r.document ELSE c.document END,
       document_status = CASE WHEN r.status = 'fetched' OR c.document IS NULL THEN r.status ELSE c.document_status END,
       document_error = r.error,
       document_fetched_at = CASE WHEN r.status = 'fetched' THEN now() ELSE c.document_fetched_at END,
       ${DETAIL_SETS}
     FROM input AS r
     WHERE c.certificate_number = r.certificate_number`,
    [JSON.stringify(latest)],
  );
}

/** How many certificates of the day still lack a current document: recorded on the day's checkpoint. */
export async function recordDocumentsMissing(q: Queryable, register: string, day: string): Promise<number> {
  const [row] = await q.query<{ missing: number }>(
    `UPDATE sync_checkpoint SET documents_missing = (
       SELECT count(*)::int FROM certificates
       WHERE register = $1 AND registration_date = $2 AND ${due({ seeded: false })}
     ), updated_at = now()
     WHERE register = $1 AND day = $2
     RETURNING documents_missing AS missing`,
    [register, day],
  );
  return row?.missing ?? 0;
}

/** Days of a range with certificates due a document, the bulk file's included, oldest first (`documents`). */
export async function daysWithDocumentsDue(q: Queryable, register: string, from: string, to: string): Promise<BacklogDay[]> {
  return q.query<BacklogDay>(
    `SELECT registration_date::text AS day, count(*)::int AS due FROM certificates
     WHERE register = $1 AND registration_date BETWEEN $2 AND $3 AND ${due({ seeded: true })}
     GROUP BY registration_date ORDER BY registration_date`,
    [register, from, to],
  );
}
