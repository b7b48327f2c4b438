/**
 * The `codes` lookup: replaced whole in one transaction (a key the API withdrew disappears with the
 * rest), and its age, which decides when the sync refreshes it.
 */
import type { CodeRow } from '../codes/parse.js';
import type { Db, Queryable } from './client.js';

/** Rows per INSERT: the whole lookup is a few thousand rows, sent as a few JSON parameters. */
const CHUNK = 2_000;

/**
 * Swaps the lookup for `rows`, fetched at `fetchedAt` (the caller's clock, which also judges the
 * lookup's age); readers see the old lookup or the new one, never a mix.
 */
export async function replaceCodes(db: Db, rows: readonly CodeRow[], fetchedAt: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await lockCodes(tx);
    await deleteCodes(tx);
    for (let i = 0; i < rows.length; i += CHUNK) await insertCodes(tx, rows.slice(i, i + CHUNK), fetchedAt);
  });
}

/**
 * Two processes replacing the lookup at once (a `codes` beside a daemon's sync) take turns: the
 * second deletes what the first inserted instead of colliding with it on the primary key.
 */
async function lockCodes(q: Queryable): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('epc-sync:codes'))`);
}

async function deleteCodes(q: Queryable): Promise<void> {
  await q.query(`DELETE FROM codes`);
}

async function insertCodes(q: Queryable, rows: readonly CodeRow[], fetchedAt: Date): Promise<void> {
  await q.query(
    `INSERT INTO codes (attribute, key, schema_version, assessment_type, value, fetched_at)
     SELECT attribute, key, "schemaVersion", "assessmentType", value, $2
     FROM json_to_recordset($1::json) AS r(attribute text, key text, "schemaVersion" text, "assessmentType" text, value text)`,
    [JSON.stringify(rows), fetchedAt.toISOString()],
  );
}

/** When the lookup was last replaced (null: never, or the API gave nothing). */
export async function codesFetchedAt(q: Queryable): Promise<Date | null> {
  const [row] = await q.query<{ at: string | Date | null }>(`SELECT max(fetched_at) AS at FROM codes`);
  return row?.at ? new Date(row.at) : null;
}
