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
 * A fetched document also fills the typed detail columns it carries (floor area, costs, ratings,
 * descriptions…: the paths are declared once per register in `registers/`) and replaces the
 * certificate's recommendations with its `suggested_improvements` (domestic) or with the items of the
 * recommendation report it names (non-domestic, display). A value the document lacks keeps what the
 * bulk file (or an earlier document) stored; a 404 or a failure changes none of them.
 */
import { REGISTERS } from '../config/types.js';
import { DETAIL_COLUMNS, detailFields } from '../registers/index.js';
import { documentValueSql } from '../registers/sql.js';
import type { Queryable } from './client.js';
import { DOCUMENT_ITEMS } from './document-items.js';

export interface DocumentResult {
  certificateNumber: string;
  status: 'fetched' | 'not_found' | 'failed';
  document: unknown;
  error: string | null;
  /**
   * The recommendation report a fetched non-domestic or display document names: its number, and its
   * document, or null when the API answered 404 for it. Absent when the document names none.
   */
  report?: { certificateNumber: string; document: unknown };
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
 * `column = coalesce(<the document's value>, c.column)` for every detail column a document carries,
 * derived once from the three registers' declarations. Registers share a column where the value means
 * the same (floor area, property type…) but read it from different places of their documents, so the
 * value is chosen by the certificate's register. `r.document` is NULL unless the fetch succeeded, so a
 * 404 or a failure keeps every value.
 */
const DETAIL_SETS = DETAIL_COLUMNS.flatMap(({ column }) => {
  const branches = REGISTERS.flatMap((register) => {
    const field = detailFields(register).find((f) => f.column === column);
    const value = field ? documentValueSql(field, 'r.document') : null;
    return value ? [`WHEN '${register}' THEN ${value}`] : [];
  });
  return branches.length > 0 ? [`${column} = coalesce(CASE c.register ${branches.join(' ')} END, c.${column})`] : [];
}).join(',\n       ');

/**
 * Stores a batch of fetched documents (and failures) in one statement, so a batch is stored whole or
 * not at all. For each fetched document: its recommendations (a domestic document's improvements, or
 * the items of the recommendation report it names) replace the certificate's (rows of any source; a
 * document without any removes only those an earlier document sent, and leaves the file's; a report
 * the API did not answer leaves them all), then the certificate takes the document, its status, the
 * detail values it carries and, where search gave none, the report's number.
 */
export async function storeDocuments(q: Queryable, results: readonly DocumentResult[]): Promise<void> {
  if (results.length === 0) return;
  // One result per certificate (the last), so no row is written twice by one statement.
  const latest = [...new Map(results.map((r) => [r.certificateNumber, r])).values()];
  await q.query(
    `WITH input AS (
       SELECT r."certificateNumber" AS certificate_number, r.status, r.error,
              CASE WHEN r.status = 'fetched' THEN r.document END AS document,
              nullif(r.report ->> 'certificateNumber', '') AS report_number,
              CASE WHEN jsonb_typeof(r.report -> 'document') = 'object' THEN r.report -> 'document' END AS report,
              r.status = 'fetched' AND (r.report IS NULL OR jsonb_typeof(r.report -> 'document') = 'object') AS items_known
       FROM json_to_recordset($1::json) AS r("certificateNumber" text, status text, document jsonb, error text, report jsonb)
     ),
     items AS (${DOCUMENT_ITEMS}
     ),
     -- A certificate's items as one set (its arrays item by item), the texts as terms.
     sets AS (
       SELECT i.certificate_number, array_agg(i.item::smallint ORDER BY i.item) AS items,
              array_agg(epc_term_id(i.improvement_id) ORDER BY i.item) AS improvement_id,
              array_agg(epc_term_id(i.summary) ORDER BY i.item) AS summary,
              array_agg(epc_term_id(i.description) ORDER BY i.item) AS description,
              array_agg(epc_term_id(i.indicative_cost) ORDER BY i.item) AS indicative_cost,
              array_agg(epc_term_id(i.payback_type) ORDER BY i.item) AS payback_type,
              array_agg(epc_term_id(i.recommendation_code) ORDER BY i.item) AS recommendation_code,
              array_agg(i.related_certificate_number ORDER BY i.item) AS related_certificate_number
       FROM items AS i GROUP BY i.certificate_number
     ),
     -- A document without items removes a set an earlier document sent, and leaves the file's.
     stale AS (
       DELETE FROM recommendation_sets AS rec USING input AS d
       WHERE d.items_known AND rec.certificate_number = d.certificate_number AND rec.source = 'api'
         AND NOT EXISTS (SELECT 1 FROM sets s WHERE s.certificate_number = rec.certificate_number)
     ),
     stored AS (
       INSERT INTO recommendation_sets AS rec (certificate_number, register, source, import_id, items, improvement_id, summary, description,
                                               indicative_cost, payback_type, recommendation_code, related_certificate_number)
       SELECT s.certificate_number, c.register, 'api', NULL, s.items, s.improvement_id, s.summary, s.description, s.indicative_cost,
              s.payback_type, s.recommendation_code, s.related_certificate_number
       FROM sets AS s JOIN certificates AS c ON c.certificate_number = s.certificate_number
       ON CONFLICT (certificate_number) DO UPDATE SET
         register = excluded.register, source = excluded.source, import_id = excluded.import_id, items = excluded.items,
         improvement_id = excluded.improvement_id, summary = excluded.summary, description = excluded.description,
         indicative_cost = excluded.indicative_cost, payback_type = excluded.payback_type,
         recommendation_code = excluded.recommendation_code, related_certificate_number = excluded.related_certificate_number
       WHERE (rec.register, rec.source, rec.import_id, rec.items, rec.improvement_id, rec.summary, rec.description, rec.indicative_cost,
              rec.payback_type, rec.recommendation_code, rec.related_certificate_number)
         IS DISTINCT FROM (excluded.register, excluded.source, excluded.import_id, excluded.items, excluded.improvement_id, excluded.summary,
                           excluded.description, excluded.indicative_cost, excluded.payback_type, excluded.recommendation_code,
                           excluded.related_certificate_number)
     )
     UPDATE certificates AS c SET
       document = CASE WHEN r.status = 'fetched' THEN r.document ELSE c.document END,
       document_status = CASE WHEN r.status = 'fetched' OR c.document IS NULL THEN r.status ELSE c.document_status END,
       document_error = r.error,
       document_fetched_at = CASE WHEN r.status = 'fetched' THEN now() ELSE c.document_fetched_at END,
       related_certificate_number = coalesce(c.related_certificate_number, nullif(r.document ->> 'related_certificate_number', '')),
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
