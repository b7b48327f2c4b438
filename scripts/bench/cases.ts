/**
 * One benchmark case, run in a child process of its own so that its peak RSS is its own (the fake API
 * and the ZIP writer live in the parent). Prints one JSON `Sample` line on stdout.
 *
 *   copy-search  the ceiling for the API pipeline: COPY of the same search rows into an empty table
 *                with the certificates' columns
 *   copy-search-keyed  the same into a table with only the certificates' primary key, the least any
 *                upsert needs (it is how a row is found again)
 *   copy-search-indexed  the same into a table that also has the certificates' key and indexes, which
 *                any write that keeps the mirror queryable must maintain
 *   copy-bulk    the ceiling for the bulk import: COPY of the same file rows (typed columns and the
 *                whole row as jsonb) into an empty table with the certificates' columns
 *   sync         the real backfill (walker, queue, reconciliation, writer) against the fake API
 *   bulk         the real bulk import of a ZIP in the real format
 *   idle         opens the database and does nothing: the footprint of the process and, with PGlite,
 *                of the database engine inside it
 */
import { createApiClient } from '../../src/api/index.js';
import { parseBulkFile } from '../../src/bulk/batches.js';
import { BULK_BATCH, importBulkFile } from '../../src/bulk/import.js';
import { loadConfig } from '../../src/config/load.js';
import { copyRecord } from '../../src/db/copy-text.js';
import { CERTIFICATE_COLUMNS, certificateValues } from '../../src/db/certificates.js';
import { backfill } from '../../src/sync/commands.js';
import { FAKE_TOKEN } from '../../test/fake-api/index.js';
import type { Db } from '../../src/db/client.js';
import { FIRST_DAY, days, lastDay, openPrepared, silent, type Size } from './data.js';

export type CaseName = 'idle' | 'copy-search' | 'copy-search-keyed' | 'copy-search-indexed' | 'copy-bulk' | 'sync' | 'bulk';

export interface CaseSpec {
  name: CaseName;
  size: Size;
  /** sync: the fake API's address. */
  url?: string;
  /** bulk, copy-bulk: the ZIP. */
  zip?: string;
  /** The prepared database (`prepareDatabase`). */
  env: Record<string, string>;
}

export interface Sample {
  rows: number;
  seconds: number;
  requests?: number;
  maxRssMb: number;
}

const SEARCH_COLUMNS = CERTIFICATE_COLUMNS.map(([column]) => column);

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** What the ceiling's table has besides the columns: nothing, the primary key, or every index. */
type Keys = 'none' | 'key' | 'all';
const TABLE: Record<Keys, string> = {
  none: 'LIKE certificates INCLUDING DEFAULTS',
  key: 'LIKE certificates INCLUDING DEFAULTS, PRIMARY KEY (certificate_number)',
  all: 'LIKE certificates INCLUDING ALL',
};

const SEARCH_CEILING_KEYS = { 'copy-search': 'none', 'copy-search-keyed': 'key', 'copy-search-indexed': 'all' } as const satisfies Record<string, Keys>;

/** COPY of pre-built text batches into a table like `certificates`; only the COPYs are timed. */
async function copyCeiling(db: Db, columns: readonly string[], batches: ReadonlyArray<string | Uint8Array>, rows: number, keys: Keys = 'none'): Promise<Sample> {
  // `ordinal`: the staged bulk rows carry their position in the file.
  await db.query(`CREATE TABLE bench_copy (ordinal int, ${TABLE[keys]})`);
  const started = performance.now();
  for (const batch of batches) await db.copyText('bench_copy', columns, batch);
  return { rows, seconds: (performance.now() - started) / 1000, maxRssMb: maxRssMb() };
}

/** The file's rows as the import stages them (the same COPY text), parsed before the clock starts. */
async function stagedBulkBatches(zip: string): Promise<{ batches: Uint8Array[]; rows: number }> {
  const batches: Uint8Array[] = [];
  let rows = 0;
  for await (const batch of parseBulkFile(zip, BULK_BATCH)) {
    batches.push(batch.copy);
    rows += batch.rows;
  }
  return { batches, rows };
}

export async function runCase(spec: CaseSpec): Promise<Sample> {
  const db = await openPrepared(spec.env);
  try {
    switch (spec.name) {
      case 'idle':
        await db.query('SELECT 1');
        return { rows: 0, seconds: 0, maxRssMb: maxRssMb() };
      case 'copy-search':
      case 'copy-search-keyed':
      case 'copy-search-indexed': {
        const batches: string[] = [];
        let rows = 0;
        for (const day of days(spec.size)) {
          rows += day.length;
          batches.push(day.map((r) => copyRecord(certificateValues(r))).join(''));
        }
        return await copyCeiling(db, SEARCH_COLUMNS, batches, rows, SEARCH_CEILING_KEYS[spec.name]);
      }
      case 'copy-bulk': {
        const { batches, rows } = await stagedBulkBatches(spec.zip!);
        return await copyCeiling(db, ['ordinal', ...SEARCH_COLUMNS, 'bulk_row'], batches, rows);
      }
      case 'sync': {
        const config = loadConfig(
          { EPC_API_TOKEN: FAKE_TOKEN, EPC_API_BASE_URL: spec.url!, EPC_REQUESTS_PER_SECOND: '1000', FETCH_DOCUMENTS: 'false', METRICS_PORT: '0', ...spec.env },
          { requireToken: true, now: new Date('2027-01-01T12:00:00Z') },
        );
        const client = createApiClient(config.api, { logger: silent });
        const started = performance.now();
        const report = await backfill({ db, api: client, config, logger: silent }, { from: FIRST_DAY, to: lastDay(spec.size), force: false });
        const seconds = (performance.now() - started) / 1000;
        await client.stop();
        if (report.outcome !== 'succeeded') throw new Error(`the sync case ended ${report.outcome}`);
        const [stored] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM certificates`);
        return { rows: stored!.n, seconds, requests: report.counts.requests, maxRssMb: maxRssMb() };
      }
      case 'bulk': {
        const config = loadConfig({ METRICS_PORT: '0', ...spec.env }, { requireToken: false });
        const started = performance.now();
        const report = await importBulkFile({ db, config, logger: silent }, spec.zip!, { force: false });
        const seconds = (performance.now() - started) / 1000;
        if (report.outcome !== 'succeeded') throw new Error(`the bulk case ended ${report.outcome}`);
        return { rows: report.rowsImported, seconds, maxRssMb: maxRssMb() };
      }
    }
  } finally {
    await db.close();
  }
}
