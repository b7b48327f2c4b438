/**
 * Applies the drizzle-kit migrations in `drizzle/` in one transaction under an advisory lock, so two
 * daemons starting together on one database cannot both apply them. Uses drizzle's own bookkeeping
 * table (`drizzle.__drizzle_migrations`), so `drizzle-kit` tooling sees the same history.
 */
import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Db } from './client.js';
import { DatabaseError } from '../errors.js';
import { transientDbCode } from './transient.js';

const INVALID_CATALOG = '3D000';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface MigrationResult {
  applied: number;
  total: number;
}

export async function migrate(db: Db, migrationsFolder = MIGRATIONS_FOLDER): Promise<MigrationResult> {
  const migrations = readMigrationFiles({ migrationsFolder });
  try {
    // Up to date: return without any DDL, so the daemon can run as a role that may not create tables.
    const [table] = await db.query<{ t: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
    if (table?.t) {
      const done = new Set((await db.query<{ hash: string }>(`SELECT hash FROM drizzle.__drizzle_migrations`)).map((r) => r.hash));
      if (migrations.every((m) => done.has(m.hash))) return { applied: 0, total: migrations.length };
    }
    return await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('epc-sync:migrate'))`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS drizzle`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)`,
      );
      const done = await tx.query<{ hash: string }>(`SELECT hash FROM drizzle.__drizzle_migrations`);
      const applied = new Set(done.map((r) => r.hash));
      let count = 0;
      for (const migration of migrations) {
        if (applied.has(migration.hash)) continue;
        for (const statement of migration.sql) {
          if (statement.trim()) await tx.query(statement);
        }
        await tx.query(`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)`, [
          migration.hash,
          migration.folderMillis,
        ]);
        count += 1;
      }
      return { applied: count, total: migrations.length };
    });
  } catch (cause) {
    // An unreachable server is waited for by the caller; only a real refusal is a migration failure.
    if (transientDbCode(cause)) throw cause;
    if ((cause as { code?: string }).code === INVALID_CATALOG) {
      throw new DatabaseError('DB_UNAVAILABLE', `${db.target}: ${(cause as Error).message}; create the database or fix DATABASE_URL`, { cause });
    }
    throw new DatabaseError(
      'DB_MIGRATION_FAILED',
      `applying database migrations failed: ${(cause as Error).message}. Check that the database user may create tables and views`,
      { cause },
    );
  }
}
