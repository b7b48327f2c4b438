/**
 * An in-process run against the project's fake API and a test database: the real config loader, the
 * real API client, the real sync. Tests assert on the database and on the fake's request log.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { createApiClient } from '../../src/api/index.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { Db } from '../../src/db/client.js';
import type { RunDeps } from '../../src/sync/run.js';
import { FAKE_TOKEN, type FakeApi } from '../fake-api/index.js';
import type { TestDatabase } from './databases.js';

export interface Harness {
  config: Config;
  deps: RunDeps;
  db: Db;
  logs: string[];
  close(): Promise<void>;
}

export function fakeEnv(api: FakeApi, database: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    EPC_API_TOKEN: FAKE_TOKEN,
    EPC_API_BASE_URL: api.url,
    EPC_REQUESTS_PER_SECOND: '200',
    EPC_CONCURRENCY: '4',
    EPC_MAX_RETRIES: '6',
    EPC_TIMEOUT_MS: '10000',
    SYNC_LEASE_SECONDS: '5',
    // One request per certificate: on only where a test is about documents.
    FETCH_DOCUMENTS: 'false',
    // Re-walks of old done days: on only where a test is about re-verification.
    SYNC_REVERIFY_DAYS: '0',
    // Tests start on empty mirrors and walk from SYNC_START_DATE; the bulk seed only where a test is about it.
    SYNC_SEED: 'api',
    // Parallel test processes must not fight over the default metrics port.
    METRICS_PORT: '0',
    LOG_LEVEL: 'info',
    ...database.env,
    ...extra,
  };
}

/** Captures log lines in memory, so tests can read what an operator would see. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}

export async function openHarness(
  api: FakeApi,
  database: TestDatabase,
  extra: Record<string, string> = {},
  now = new Date(),
): Promise<Harness> {
  const config = loadConfig(fakeEnv(api, database, extra), { requireToken: true, now });
  const { logger, lines } = memoryLogger();
  const db = await database.open();
  const client = createApiClient(config.api, { logger });
  return {
    config,
    db,
    logs: lines,
    deps: { db, api: client, config, logger },
    async close() {
      await client.stop();
      await db.close();
    },
  };
}
