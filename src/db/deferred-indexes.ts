/**
 * A first load into an empty mirror writes `certificates` without its secondary indexes and builds
 * them once the rows are in: maintaining the postcode, UPRN and day indexes row by row was ~40% of the
 * database's work for the certificates of a load, building them at the end half of that
 * (BENCHMARKS.md), and far less once they outgrow memory. The primary key stays: it
 * is what makes a repeated certificate a merge, not a second row.
 *
 * The dropped indexes' definitions are kept in `deferred_indexes`, in the transaction that drops
 * them, until the transaction that builds them again. So an import that is killed leaves them to the
 * next run that starts (`Run.start`), and nothing is ever lost: at worst an index is missing for as
 * long as no run starts.
 */
import type { Db, Queryable } from './client.js';

/** Two imports starting at once on an empty mirror do not both drop. */
const LOCK = `SELECT pg_advisory_xact_lock(hashtext('epc_sync.deferred_indexes'))`;

/**
 * When `certificates` holds no row at all, drops its secondary (non-unique) indexes, keeping their
 * definitions under `importId`; returns their names. None when the mirror is not empty, or when this
 * role does not own the table (only its owner may drop and build indexes: the runtime role of
 * README's grants loads with them in place). Partial
 * indexes stay: a file's rows are outside them (no removed or missing certificate), so keeping them
 * costs a test per row, and building them would cost a scan of the table each.
 */
export async function deferIndexes(db: Db, importId: number): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(LOCK);
    const indexes = await tx.query<{ name: string; definition: string }>(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = 'certificates'::regclass AND NOT i.indisunique AND NOT i.indisprimary
          AND i.indpred IS NULL
          AND pg_has_role(current_user, c.relowner, 'USAGE')
          AND NOT EXISTS (SELECT 1 FROM certificates)
        ORDER BY c.relname`,
    );
    for (const { name, definition } of indexes) {
      await tx.query(`INSERT INTO deferred_indexes (name, definition, import_id) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`, [name, definition, importId]);
      await tx.query(`DROP INDEX IF EXISTS "${name.replace(/"/g, '""')}"`);
    }
    return indexes.map((i) => i.name);
  });
}

/**
 * Builds the deferred indexes of import `importId`, or, with none given, of every import that is no
 * longer running (one that was killed: closed as interrupted when the next run started); returns the
 * names built. Each index is built and forgotten in one transaction.
 */
export async function buildDeferredIndexes(db: Db, importId?: number): Promise<string[]> {
  // Only the table's owner may build them (`epc-sync migrate` as the owner does, for a runtime role),
  // and a runtime role granted its tables before this one existed may not even read it: asked first.
  const [owner] = await db.query<{ owns: boolean }>(
    `SELECT pg_has_role(current_user, relowner, 'USAGE') AS owns FROM pg_class WHERE oid = 'certificates'::regclass`,
  );
  if (!owner?.owns) return [];
  const due = await db.query<{ name: string }>(
    `SELECT name FROM deferred_indexes d
      WHERE ($1::int IS NULL AND NOT EXISTS (SELECT 1 FROM bulk_imports b WHERE b.id = d.import_id AND b.status = 'running'))
         OR d.import_id = $1::int
      ORDER BY name`,
    [importId ?? null],
  );
  // Side by side on a server (each scans the table; two cores build two at once); one by one on PGlite.
  const built = await Promise.all(due.map(({ name }) => db.transaction(async (tx: Queryable) => {
    // The row is locked until this commits: another process building the same index waits, then
    // finds it gone.
    const [row] = await tx.query<{ definition: string; present: boolean }>(
      `DELETE FROM deferred_indexes WHERE name = $1 RETURNING definition, to_regclass(quote_ident($1)) IS NOT NULL AS present`,
      [name],
    );
    if (!row) return null;
    if (!row.present) await tx.query(row.definition);
    return name;
  })));
  return built.filter((name): name is string => name !== null);
}
