/**
 * Writes search rows into `certificates`. A batch whose registration days the mirror has never held
 * (every new day of a nightly sync, every day of a first backfill) is COPied straight into the table;
 * if one of its certificates exists after all (stored under another day), that COPY is rolled back
 * to a savepoint and the batch takes the general path: COPY into a staging table, then one set-based
 * merge, the same path as the bulk import. Both run identically on PostgreSQL and PGlite
 * (BENCHMARKS.md has the figures). It also flags the certificates of a day that an exact walk of the
 * day no longer finds (`flagMissing`).
 */
import type { Queryable } from './client.js';
import { copyRecord, type CopyValue } from './copy-text.js';

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
  /** Non-domestic: the recommendation report's number (search's `relatedRrn`); absent for the other registers. */
  relatedRrn?: string | null;
}

export interface UpsertCounts {
  inserted: number;
  changed: number;
  unchanged: number;
}

// Column list in one place: API key → table column and type.
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

/**
 * The non-domestic search row's one more column. Only that register's rows carry it, so only its
 * merge writes it (and counts its change): another register's row never blanks it.
 */
const RELATED: readonly [keyof CertificateRow, string, string] = ['relatedRrn', 'related_certificate_number', 'text'];

/** The typed columns a search row fills, with their SQL types, in COPY order. */
export const CERTIFICATE_COLUMNS: ReadonlyArray<readonly [string, string]> = COLUMNS.map(([, column, type]) => [column, type] as const);

const columnsOf = (register: string) => (register === 'non-domestic' ? [...COLUMNS, RELATED] : COLUMNS);

/** The search row's values in column order, as COPY wants them (`register` picks the columns). */
export function certificateValues(row: CertificateRow, register = 'domestic'): CopyValue[] {
  return columnsOf(register).map(([key]) => row[key] ?? null);
}

// A per-session staging table emptied at commit: COPY fills it, one statement merges it. It has every
// register's columns; a COPY names those of its register.
const STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS certificate_stage (${[...COLUMNS, RELATED].map(([, column, type]) => `${column} ${type}`).join(', ')}) ON COMMIT DELETE ROWS`;

// A certificate flagged removed (by the deltas) or missing (by an exact walk of its day) that shows
// up in search again is un-flagged, and the reappearance recorded, after the absence if that was not
// recorded yet (see flagMissing); a UPRN that changes is recorded with its old value, as a delta's
// correction is, since address matching fills UPRNs in without one. The CTEs see the rows as they were
// before this statement.
const mergeSql = (columns: readonly string[]) => {
  const data = columns.filter((column) => column !== 'certificate_number');
  return `
WITH back AS (
  SELECT c.register, c.certificate_number, c.missing_since
  FROM certificates c JOIN certificate_stage i USING (certificate_number)
  WHERE c.removed_at IS NOT NULL OR c.missing_since IS NOT NULL
), reappeared AS (
  INSERT INTO certificate_events (register, certificate_number, event, event_at)
  SELECT register, certificate_number, 'missing', missing_since FROM back WHERE missing_since IS NOT NULL
  UNION ALL
  SELECT register, certificate_number, 'reappeared', now() FROM back
  ON CONFLICT DO NOTHING
  RETURNING 1
), uprn_updated AS (
  INSERT INTO certificate_events (register, certificate_number, event, old_uprn, new_uprn, event_at)
  SELECT c.register, c.certificate_number, 'uprn_updated', c.uprn, i.uprn, now()
  FROM certificates c JOIN certificate_stage i USING (certificate_number)
  WHERE c.uprn IS DISTINCT FROM i.uprn
  ON CONFLICT DO NOTHING
  RETURNING 1
), written AS (
  INSERT INTO certificates AS c (register, document_status, ${columns.join(', ')})
  SELECT $1, 'due', ${columns.join(', ')} FROM certificate_stage
  ON CONFLICT (certificate_number) DO UPDATE SET
    ${data.map((column) => `${column} = excluded.${column}`).join(',\n    ')},
    last_changed_at = CASE
      WHEN (${data.map((column) => `c.${column}`).join(', ')})
           IS DISTINCT FROM (${data.map((column) => `excluded.${column}`).join(', ')})
      THEN now() ELSE c.last_changed_at END,
    last_seen_at = now(),
    removed_at = NULL,
    missing_since = NULL,
    source = 'api'
  RETURNING (xmax = 0) AS inserted, (c.last_changed_at = now()) AS changed
)
SELECT count(*) FILTER (WHERE inserted)::int AS inserted,
       count(*) FILTER (WHERE NOT inserted AND changed)::int AS changed,
       count(*) FILTER (WHERE NOT inserted AND NOT changed)::int AS unchanged
FROM written`;
};

const SQL_BY_REGISTER = new Map<string, { columns: string[]; merge: string }>();
function sqlFor(register: string): { columns: string[]; merge: string } {
  const key = register === 'non-domestic' ? register : 'search';
  let sql = SQL_BY_REGISTER.get(key);
  if (!sql) {
    const columns = columnsOf(register).map(([, column]) => column);
    SQL_BY_REGISTER.set(key, (sql = { columns, merge: mergeSql(columns) }));
  }
  return sql;
}

/**
 * Upserts a batch of search rows: straight in when they are new (see the top of this file), else
 * COPY into the session's staging table and one merge. Must run inside a transaction (the savepoint,
 * and the stage that empties at commit), with rows already de-duplicated on certificate number (a
 * statement may not touch one key twice).
 */
export async function upsertCertificates(
  tx: Queryable,
  register: string,
  rows: readonly CertificateRow[],
): Promise<UpsertCounts> {
  if (rows.length === 0) return { inserted: 0, changed: 0, unchanged: 0 };
  if (await daysAreNew(tx, register, rows)) {
    const inserted = await insertNew(tx, register, rows);
    if (inserted !== null) return { inserted, changed: 0, unchanged: 0 };
  }
  return mergeRows(tx, register, rows);
}

/** True when the mirror holds no certificate registered on any of the batch's days (one index probe). */
async function daysAreNew(tx: Queryable, register: string, rows: readonly CertificateRow[]): Promise<boolean> {
  const days = [...new Set(rows.map((row) => row.registrationDate))];
  const [row] = await tx.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM certificates WHERE register = $1 AND registration_date = ANY($2::date[])) AS held`,
    [register, days],
  );
  return row?.held === false;
}

const UNIQUE_VIOLATION = '23505';

/**
 * COPY of new rows straight into `certificates`: what the merge would do for rows it inserts (the
 * table's defaults fill the rest), without the staging table and the join. Returns null, with the
 * transaction as it was, when a certificate already exists: so a flagged certificate coming back, or a
 * UPRN changing, always takes the merge, which records it.
 */
async function insertNew(tx: Queryable, register: string, rows: readonly CertificateRow[]): Promise<number | null> {
  await tx.query('SAVEPOINT certificates_insert_new');
  try {
    // A certificate the API walk brings is owed its document ('due'), as the merge writes it.
    const { columns } = sqlFor(register);
    await tx.copyText('certificates', ['register', 'document_status', ...columns], rows.map((row) => copyRecord([register, 'due', ...certificateValues(row, register)])).join(''));
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT certificates_insert_new');
    return null;
  }
  await tx.query('RELEASE SAVEPOINT certificates_insert_new');
  return rows.length;
}

/** COPY into the session's staging table, then one merge: inserts, changes, reappearances and UPRN changes. */
async function mergeRows(tx: Queryable, register: string, rows: readonly CertificateRow[]): Promise<UpsertCounts> {
  const { columns, merge } = sqlFor(register);
  await tx.query(STAGE_SQL);
  await tx.copyText('certificate_stage', columns, rows.map((row) => copyRecord(certificateValues(row, register))).join(''));
  const [counts] = await tx.query<UpsertCounts>(merge, [register]);
  await tx.query('TRUNCATE certificate_stage');
  return counts ?? { inserted: 0, changed: 0, unchanged: 0 };
}

/**
 * Flags the stored certificates of one registration day that the API no longer serves (`served`: every
 * number an exact walk of the day found) and no removal explains. Never deletes: the next walk that
 * sees one un-flags it (the merge). Returns how many it newly flagged.
 *
 * The flag is provisional until the change feed has been read past the day the absence was seen: the
 * sync reads the deltas after its days, and a removal clears the flag (db/deltas.ts). So the `missing`
 * event, dated when the absence was first seen, is written by a later exact walk that still misses the
 * certificate once the deltas are past that day (a day's margin for the feed's own clock), or by the
 * merge when the certificate comes back. A mirror that has never read the deltas waits for nothing.
 */
export async function flagMissing(tx: Queryable, register: string, day: string, served: readonly string[]): Promise<number> {
  const [row] = await tx.query<{ flagged: number }>(
    `WITH absent AS (
       SELECT c.register, c.certificate_number, c.missing_since FROM certificates c
       WHERE c.register = $1 AND c.registration_date = $2 AND c.removed_at IS NULL
         -- NOT IN over the list is a hashed lookup whatever the table's statistics; NOT EXISTS was
         -- planned as a nested loop on a table not yet analysed (a fresh backfill): 0.9 s for one
         -- 4,700-row day instead of 2 ms. The served numbers are never NULL.
         AND c.certificate_number NOT IN (SELECT unnest($3::text[]))
     ), flagged AS (
       UPDATE certificates c SET missing_since = now()
       FROM absent a WHERE c.certificate_number = a.certificate_number AND a.missing_since IS NULL
       RETURNING 1
     ), confirmed AS (
       INSERT INTO certificate_events (register, certificate_number, event, event_at)
       SELECT register, certificate_number, 'missing', missing_since FROM absent
       WHERE missing_since IS NOT NULL
         AND coalesce((SELECT max(day) FROM delta_checkpoint WHERE register = $1) > (missing_since AT TIME ZONE 'Europe/London')::date, true)
       ON CONFLICT DO NOTHING
     )
     SELECT count(*)::int AS flagged FROM flagged`,
    [register, day, served],
  );
  return row?.flagged ?? 0;
}
