/**
 * Writes search rows into `certificates`: one set-based statement per batch (json_to_recordset),
 * which runs identically on PostgreSQL and PGlite and costs one round trip per batch. Callers pass a
 * batch already de-duplicated on certificate number (a statement may not touch one key twice).
 */
import type { Queryable } from './client.js';

/** A validated search row, camelCase as the API sends it. */
export interface CertificateRow {
  certificateNumber: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  postTown: string | null;
  council: string | null;
  constituency: string | null;
  currentEnergyEfficiencyBand: string | null;
  registrationDate: string;
  uprn: number | null;
  schemaType: string | null;
}

export interface UpsertCounts {
  inserted: number;
  changed: number;
  unchanged: number;
}

// Column list in one place: API key → table column.
const COLUMNS: ReadonlyArray<readonly [keyof CertificateRow, string, string]> = [
  ['certificateNumber', 'certificate_number', 'text'],
  ['addressLine1', 'address_line1', 'text'],
  ['addressLine2', 'address_line2', 'text'],
  ['addressLine3', 'address_line3', 'text'],
  ['addressLine4', 'address_line4', 'text'],
  ['postcode', 'postcode', 'text'],
  ['postTown', 'post_town', 'text'],
  ['council', 'council', 'text'],
  ['constituency', 'constituency', 'text'],
  ['currentEnergyEfficiencyBand', 'current_energy_efficiency_band', 'text'],
  ['registrationDate', 'registration_date', 'date'],
  ['uprn', 'uprn', 'bigint'],
  ['schemaType', 'schema_type', 'text'],
];

const DATA_COLUMNS = COLUMNS.filter(([key]) => key !== 'certificateNumber').map(([, column]) => column);

// A certificate the deltas had marked removed that shows up in search again is un-flagged, and the
// reappearance recorded (the CTE sees the rows as they were before this statement).
const UPSERT_SQL = `
WITH input AS (
  SELECT * FROM json_to_recordset($1::json) AS r(${COLUMNS.map(([key, , type]) => `"${key}" ${type}`).join(', ')})
), reappeared AS (
  INSERT INTO certificate_events (register, certificate_number, event, event_at)
  SELECT c.register, c.certificate_number, 'reappeared', now()
  FROM certificates c JOIN input i ON i."certificateNumber" = c.certificate_number
  WHERE c.removed_at IS NOT NULL
  ON CONFLICT DO NOTHING
  RETURNING 1
), written AS (
  INSERT INTO certificates AS c (register, ${COLUMNS.map(([, column]) => column).join(', ')})
  SELECT $2, ${COLUMNS.map(([key]) => `"${key}"`).join(', ')} FROM input
  ON CONFLICT (certificate_number) DO UPDATE SET
    ${DATA_COLUMNS.map((column) => `${column} = excluded.${column}`).join(',\n    ')},
    last_changed_at = CASE
      WHEN (${DATA_COLUMNS.map((column) => `c.${column}`).join(', ')})
           IS DISTINCT FROM (${DATA_COLUMNS.map((column) => `excluded.${column}`).join(', ')})
      THEN now() ELSE c.last_changed_at END,
    last_seen_at = now(),
    removed_at = NULL,
    source = 'api'
  RETURNING (xmax = 0) AS inserted, (c.last_changed_at = now()) AS changed
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND changed)::int AS changed,
       count(*) FILTER (WHERE NOT inserted AND NOT changed)::int AS unchanged
FROM written`;

export async function upsertCertificates(
  q: Queryable,
  register: string,
  rows: readonly CertificateRow[],
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, changed: 0, unchanged: 0 };
  const [counts] = await q.query<UpsertCounts>(UPSERT_SQL, [JSON.stringify(rows), register]);
  return counts ?? { inserted: 0, changed: 0, unchanged: 0 };
}

/** How many certificates the mirror holds for one registration day. */
export async function countForDay(q: Queryable, register: string, day: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM certificates WHERE register = $1 AND registration_date = $2`,
    [register, day],
  );
  return row?.n ?? 0;
}
