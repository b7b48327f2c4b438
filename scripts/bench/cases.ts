/**
 * One benchmark case, run in a child process of its own so that its peak RSS is its own (the fake API
 * and the ZIP writer live in the parent). Prints one JSON `Sample` line on stdout.
 *
 *   copy-search  the ceiling for the API pipeline: COPY of the same search rows into an empty table
 *                with the certificates' columns
 *   copy-bulk    the ceiling for the bulk import: COPY of the same file rows (typed columns and the
 *                whole row as jsonb) into an empty table with the certificates' columns
 *   sync         the real backfill (walker, queue, reconciliation, writer) against the fake API
 *   bulk         the real bulk import of a ZIP in the real format
 */
import { parse } from 'csv-parse';
import { createApiClient } from '../../src/api/index.js';
import { parseBulkRecord, readHeader, type BulkHeader } from '../../src/bulk/row.js';
import { importBulkFile } from '../../src/bulk/import.js';
import { openCsv } from '../../src/bulk/source.js';
import { loadConfig } from '../../src/config/load.js';
import { copyRecord } from '../../src/db/copy-csv.js';
import type { CertificateRow } from '../../src/db/certificates.js';
import { backfill } from '../../src/sync/commands.js';
import { FAKE_TOKEN } from '../../test/fake-api/index.js';
import { FIRST_DAY, days, freshDatabase, lastDay, silent, type FreshDatabase, type Size } from './data.js';

export type CaseName = 'copy-search' | 'copy-bulk' | 'sync' | 'bulk';

export interface CaseSpec {
  name: CaseName;
  size: Size;
  /** sync: the fake API's address. */
  url?: string;
  /** bulk, copy-bulk: the ZIP. */
  zip?: string;
}

export interface Sample {
  rows: number;
  seconds: number;
  requests?: number;
  maxRssMb: number;
}

const SEARCH_COLUMNS = [
  'certificate_number', 'address_line1', 'address_line2', 'address_line3', 'address_line4', 'postcode', 'post_town',
  'council', 'constituency', 'current_energy_efficiency_band', 'registration_date', 'uprn', 'schema_type',
];

const searchValues = (r: CertificateRow) => [
  r.certificateNumber, r.addressLine1, r.addressLine2, r.addressLine3, r.addressLine4, r.postcode, r.postTown,
  r.council, r.constituency, r.currentEnergyEfficiencyBand, r.registrationDate, r.uprn, r.schemaType,
];

const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** COPY of pre-built CSV batches into a table like `certificates`; only the COPYs are timed. */
async function copyCeiling(database: FreshDatabase, columns: readonly string[], batches: readonly string[], rows: number): Promise<Sample> {
  await database.db.query(`CREATE TABLE bench_copy (LIKE certificates INCLUDING DEFAULTS)`);
  const started = performance.now();
  for (const csv of batches) await database.db.copyCsv('bench_copy', columns, csv);
  return { rows, seconds: (performance.now() - started) / 1000, maxRssMb: maxRssMb() };
}

/** The file's rows as the import stages them, read and parsed before the clock starts. */
async function stagedBulkBatches(zip: string): Promise<{ batches: string[]; rows: number }> {
  const source = await openCsv(zip);
  let header: BulkHeader | null = null;
  let batch = '';
  let inBatch = 0;
  const batches: string[] = [];
  let rows = 0;
  for await (const record of source.stream.pipe(parse({ bom: true, relax_column_count: true })) as AsyncIterable<string[]>) {
    if (!header) {
      header = readHeader(record);
      continue;
    }
    const parsed = parseBulkRecord(record, header);
    if (!parsed.ok) continue;
    rows += 1;
    batch += copyRecord([...searchValues(parsed.row), JSON.stringify(parsed.full)]);
    inBatch += 1;
    if (inBatch === 5000) {
      batches.push(batch);
      batch = '';
      inBatch = 0;
    }
  }
  if (inBatch > 0) batches.push(batch);
  return { batches, rows };
}

export async function runCase(spec: CaseSpec): Promise<Sample> {
  const database = await freshDatabase();
  try {
    switch (spec.name) {
      case 'copy-search': {
        const batches: string[] = [];
        let rows = 0;
        for (const day of days(spec.size)) {
          rows += day.length;
          batches.push(day.map((r) => copyRecord(searchValues(r))).join(''));
        }
        return await copyCeiling(database, SEARCH_COLUMNS, batches, rows);
      }
      case 'copy-bulk': {
        const { batches, rows } = await stagedBulkBatches(spec.zip!);
        return await copyCeiling(database, [...SEARCH_COLUMNS, 'bulk_row'], batches, rows);
      }
      case 'sync': {
        const config = loadConfig(
          { EPC_API_TOKEN: FAKE_TOKEN, EPC_API_BASE_URL: spec.url!, EPC_REQUESTS_PER_SECOND: '1000', FETCH_DOCUMENTS: 'false', METRICS_PORT: '0', ...database.env },
          { requireToken: true, now: new Date('2027-01-01T12:00:00Z') },
        );
        const client = createApiClient(config.api, { logger: silent });
        const started = performance.now();
        const report = await backfill({ db: database.db, api: client, config, logger: silent }, { from: FIRST_DAY, to: lastDay(spec.size), force: false });
        const seconds = (performance.now() - started) / 1000;
        await client.stop();
        if (report.outcome !== 'succeeded') throw new Error(`the sync case ended ${report.outcome}`);
        const [stored] = await database.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM certificates`);
        return { rows: stored!.n, seconds, requests: report.counts.requests, maxRssMb: maxRssMb() };
      }
      case 'bulk': {
        const config = loadConfig({ METRICS_PORT: '0', ...database.env }, { requireToken: false });
        const started = performance.now();
        const report = await importBulkFile({ db: database.db, config, logger: silent }, spec.zip!, { force: false });
        const seconds = (performance.now() - started) / 1000;
        if (report.outcome !== 'succeeded') throw new Error(`the bulk case ended ${report.outcome}`);
        return { rows: report.rowsImported, seconds, maxRssMb: maxRssMb() };
      }
    }
  } finally {
    await database.drop();
  }
}
