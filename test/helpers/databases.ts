/**
 * The databases every database test runs against: embedded PGlite always, and a real PostgreSQL when
 * TEST_DATABASE_URL is set. Each test gets a database of its own (a fresh PGlite directory, or a fresh
 * PostgreSQL database created on the server and dropped afterwards), so test files run in parallel.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { openDatabase, type Db } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';

export type Target = 'pglite' | 'postgres';

export const TARGETS: Target[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  target: Target;
  /** Environment for a child process or loadConfig: DATABASE_URL or EPC_DATA_DIR. */
  env: Record<string, string>;
  url: string | undefined;
  dataDir: string;
  /** Opens (and migrates) a connection; the caller closes it. */
  open(): Promise<Db>;
  drop(): Promise<void>;
}

let counter = 0;

// initdb plus migrations costs seconds in PGlite; do it once per test process and copy the result.
let pgliteTemplate: Promise<string> | null = null;
function migratedPgliteTemplate(): Promise<string> {
  pgliteTemplate ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'epc-sync-template-'));
    const db = await openDatabase({ url: undefined, dataDir: dir }, pino({ level: 'silent' }));
    await migrate(db);
    await db.close();
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return pgliteTemplate;
}

/**
 * A fresh database, migrated unless `empty` (then `open()` must not be used: the caller opens and
 * migrates it as it needs, e.g. to an older migration); `admin` names the server that creates (and
 * drops) it for 'postgres'.
 */
export async function createTestDatabase(target: Target, admin = process.env.TEST_DATABASE_URL, empty = false): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'epc-sync-test-'));
  if (target === 'pglite' && !empty) cpSync(await migratedPgliteTemplate(), dataDir, { recursive: true });
  let url: string | undefined;
  let dbName: string | undefined;
  if (target === 'postgres') {
    if (!admin) throw new Error('TEST_DATABASE_URL is not set');
    dbName = `epc_sync_test_${process.pid}_${Date.now()}_${counter++}`;
    await adminQuery(admin, `CREATE DATABASE "${dbName}"`);
    const parsed = new URL(admin);
    parsed.pathname = `/${dbName}`;
    url = parsed.toString();
  }
  const silent = pino({ level: 'silent' });
  return {
    target,
    url,
    dataDir,
    env: url ? { DATABASE_URL: url, EPC_DATA_DIR: dataDir } : { EPC_DATA_DIR: dataDir },
    async open() {
      const db = await openDatabase({ url, dataDir }, silent);
      await migrate(db);
      return db;
    },
    async drop() {
      if (dbName && admin) {
        await adminQuery(admin, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
