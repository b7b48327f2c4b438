/**
 * A fresh, migrated database for every test of a describe block, opened before and dropped after
 * each test. Kept apart from `databases.ts`, which the benchmark imports outside vitest.
 */
import { afterEach, beforeEach } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { createTestDatabase, type Target, type TestDatabase } from './databases.js';

export function databasePerTest(target: Target): { readonly db: Db; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  let db: Db | undefined;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    db = await database.open();
  });
  afterEach(async () => {
    await db?.close();
    await database?.drop();
  });
  return {
    get db() {
      if (!db) throw new Error('the database opens in beforeEach; use it inside a test');
      return db;
    },
    get database() {
      if (!database) throw new Error('the database opens in beforeEach; use it inside a test');
      return database;
    },
  };
}
