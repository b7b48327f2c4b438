/**
 * Certificate documents beside their search rows. A document is due when the certificate has none
 * yet, or its search row changed after the document was fetched; a 404 or a failure is recorded and
 * the certificate stays due, so the next run retries it. Search-row upserts never touch these columns,
 * so a later summary can never wipe a fetched document.
 */
import type { Queryable } from './client.js';

export interface DocumentResult {
  certificateNumber: string;
  status: 'fetched' | 'not_found' | 'failed';
  document: unknown;
  error: string | null;
}

const DUE = `document_status IS DISTINCT FROM 'fetched' OR document_fetched_at < last_changed_at`;

/** Certificates of one registration day that need their document fetched. */
export async function documentsDue(q: Queryable, register: string, day: string): Promise<string[]> {
  const rows = await q.query<{ n: string }>(
    `SELECT certificate_number AS n FROM certificates
     WHERE register = $1 AND registration_date = $2 AND removed_at IS NULL AND (${DUE})
     ORDER BY certificate_number`,
    [register, day],
  );
  return rows.map((r) => r.n);
}

/** Stores a batch of fetched documents (and failures) in one statement. */
export async function storeDocuments(q: Queryable, results: readonly DocumentResult[]): Promise<void> {
  if (results.length === 0) return;
  await q.query(
    `UPDATE certificates AS c SET
       document = CASE WHEN r.status = 'fetched' THEN r.document ELSE c.document END,
       document_status = CASE WHEN r.status = 'fetched' OR c.document IS NULL THEN r.status ELSE c.document_status END,
       document_error = r.error,
       document_fetched_at = CASE WHEN r.status = 'fetched' THEN now() ELSE c.document_fetched_at END
     FROM json_to_recordset($1::json) AS r("certificateNumber" text, status text, document jsonb, error text)
     WHERE c.certificate_number = r."certificateNumber"`,
    [JSON.stringify(results)],
  );
}

/** How many certificates of the day still lack a current document: recorded on the day's checkpoint. */
export async function recordDocumentsMissing(q: Queryable, register: string, day: string): Promise<number> {
  const [row] = await q.query<{ missing: number }>(
    `UPDATE sync_checkpoint SET documents_missing = (
       SELECT count(*)::int FROM certificates
       WHERE register = $1 AND registration_date = $2 AND removed_at IS NULL AND (${DUE})
     ), updated_at = now()
     WHERE register = $1 AND day = $2
     RETURNING documents_missing AS missing`,
    [register, day],
  );
  return row?.missing ?? 0;
}

/** Done days of a range with certificates still due a document, oldest first (the documents backfill). */
export async function daysWithDocumentsDue(q: Queryable, register: string, from: string, to: string): Promise<string[]> {
  const rows = await q.query<{ day: string }>(
    `SELECT DISTINCT registration_date::text AS day FROM certificates
     WHERE register = $1 AND registration_date BETWEEN $2 AND $3 AND removed_at IS NULL AND (${DUE})
     ORDER BY 1`,
    [register, from, to],
  );
  return rows.map((r) => r.day);
}

/** Done days whose last documents pass left certificates without a document: retried by every sync. */
export async function daysMissingDocuments(q: Queryable, register: string, limit: number): Promise<string[]> {
  const rows = await q.query<{ day: string }>(
    `SELECT day::text AS day FROM sync_checkpoint
     WHERE register = $1 AND status = 'done' AND documents_missing > 0 ORDER BY day LIMIT $2`,
    [register, limit],
  );
  return rows.map((r) => r.day);
}
