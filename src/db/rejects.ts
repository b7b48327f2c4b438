/** Rows that could not be stored, kept with the reason and the raw text so nothing vanishes silently. */
import type { Queryable } from './client.js';

export interface RejectedRow {
  source: 'api' | 'bulk';
  day: string | null;
  reason: string;
  raw: string;
}

export async function insertRejects(
  q: Queryable,
  register: string,
  runId: number | null,
  rows: readonly RejectedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO rejected_rows (register, source, day, reason, raw, run_id)
     SELECT $2, source, day, reason, raw, $3
     FROM json_to_recordset($1::json) AS r(source text, day date, reason text, raw text)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows), register, runId],
  );
}
