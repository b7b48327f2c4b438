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
 *   copy-bulk    the ceiling for the bulk import: plain COPY (FORMAT csv, HEADER) of the ZIP's own
 *                certificates entries, read into memory before the clock starts, into an empty table
 *                of as many text columns (93) with the primary key on certificate_number
 *   sync         the real backfill (walker, queue, reconciliation, writer) against the fake API
 *   bulk         the real bulk import of a ZIP in the real export layout (certificates and
 *                recommendations), timed whole; then the disk the certificates, the recommendation
 *                sets and the term dictionary take
 *   parse        the bulk import's parsing stage alone, no database: what its worker thread does
 *                (ZIP → CSV → typed COPY batches), on this thread
 *   idle         opens the database and does nothing: the footprint of the process and, with PGlite,
 *                of the database engine inside it
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createApiClient } from '../../src/api/index.js';
import { parseBulkFile } from '../../src/bulk/batches.js';
import { BULK_BATCH, importBulkFile } from '../../src/bulk/import.js';
import { openBulkFile } from '../../src/bulk/source.js';
import { loadConfig } from '../../src/config/load.js';
import { copyRecord } from '../../src/db/copy-text.js';
import { CERTIFICATE_COLUMNS, certificateValues } from '../../src/db/certificates.js';
import { backfill } from '../../src/sync/commands.js';
import { FAKE_TOKEN } from '../../test/fake-api/index.js';
import type { Db } from '../../src/db/client.js';
import { FIRST_DAY, days, lastDay, openPrepared, silent, type Size } from './data.js';

export type CaseName = 'idle' | 'copy-search' | 'copy-search-keyed' | 'copy-search-indexed' | 'copy-bulk' | 'sync' | 'bulk' | 'parse';

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
  /** Rows written: for the bulk cases, certificates (the recommendations are counted apart). */
  rows: number;
  seconds: number;
  requests?: number;
  maxRssMb: number;
  /** bulk: recommendation rows imported. */
  recommendations?: number;
  /** bulk, copy-bulk: bytes on disk after the case (`pg_total_relation_size` and its parts). */
  disk?: Disk;
}

export interface Disk {
  /** The certificates table (copy-bulk: its own table): table, indexes and TOAST. */
  total: number;
  /** Of which: the table's own pages (with its TOAST), and its indexes by name. */
  table: number;
  toast: number;
  indexes: Record<string, number>;
  /** bulk: the recommendation sets (`recommendation_sets`; `recommendations` is a view of it), all included. */
  recommendations?: number;
  /** bulk: the term dictionary (`epc_terms`) the certificates' and the sets' term columns refer to, all included. */
  terms?: number;
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
  await db.query(`CREATE TABLE bench_copy (${TABLE[keys]})`);
  const started = performance.now();
  for (const batch of batches) await db.copyText('bench_copy', columns, batch);
  return { rows, seconds: (performance.now() - started) / 1000, maxRssMb: maxRssMb() };
}

/** Bytes on disk of `table`: all of it, its own pages (TOAST included) and each index. */
async function diskOf(db: Db, table: string): Promise<Omit<Disk, 'recommendations' | 'terms'>> {
  const [sizes] = await db.query<{ total: number; table: number; toast: number }>(
    `SELECT pg_total_relation_size(c.oid)::float8 AS total, pg_table_size(c.oid)::float8 AS table,
       coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::float8 AS toast
     FROM pg_class c WHERE c.oid = $1::regclass`,
    [table],
  );
  const indexes = await db.query<{ name: string; bytes: number }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_relation_size(i.indexrelid)::float8 AS bytes FROM pg_index i WHERE i.indrelid = $1::regclass ORDER BY 1`,
    [table],
  );
  return { ...sizes!, indexes: Object.fromEntries(indexes.map((i) => [i.name, i.bytes])) };
}

/** The ZIP's certificates entries, whole, as bytes (read before any clock starts), and their header. */
async function certificateEntries(zip: string): Promise<{ entries: Buffer[]; header: string[] }> {
  const source = await openBulkFile(zip);
  const entries: Buffer[] = [];
  try {
    for (const entry of source.entries.filter((e) => e.kind === 'certificates')) {
      const chunks: Buffer[] = [];
      for await (const chunk of await entry.open()) chunks.push(chunk as Buffer);
      entries.push(Buffer.concat(chunks));
    }
  } finally {
    source.close();
  }
  const first = entries[0]!;
  // Spark quotes no header name (they are plain lower-case words).
  const header = first.subarray(0, first.indexOf(10)).toString('utf8').split(',');
  return { entries, header };
}

/**
 * The bulk import's ceiling: `COPY … (FORMAT csv, HEADER true)` of the file's own certificates
 * entries, one COPY per entry, into a table of as many text columns with the primary key on
 * certificate_number. Only the COPYs are timed. The COPY is the case's own (pg-copy-streams on one
 * connection, or PGlite's /dev/blob), since the tool's copyText speaks the text format only.
 */
async function copyBulkCeiling(env: Record<string, string>, zip: string): Promise<Sample> {
  const { entries, header } = await certificateEntries(zip);
  const columns = header.map((name) => `"${name}" text${name === 'certificate_number' ? ' PRIMARY KEY' : ''}`);
  const create = `CREATE TABLE bench_copy (${columns.join(', ')})`;
  const copy = `COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)`;
  let seconds: number;
  let rows: number;
  let disk: Omit<Disk, 'recommendations' | 'terms'>;
  if (env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      await client.query(create);
      const started = performance.now();
      for (const entry of entries) await pipeline(Readable.from([entry]), client.query(copyFrom(copy)));
      seconds = (performance.now() - started) / 1000;
      rows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM bench_copy')).rows[0]!.n);
    } finally {
      await client.end();
    }
  } else {
    const db = await PGlite.create({ dataDir: env.EPC_DATA_DIR! });
    try {
      await db.query(create);
      const started = performance.now();
      for (const entry of entries) await db.query(copy.replace('STDIN', "'/dev/blob'"), [], { blob: new Blob([entry as Uint8Array<ArrayBuffer>]) });
      seconds = (performance.now() - started) / 1000;
      rows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_copy')).rows[0]!.n;
    } finally {
      await db.close();
    }
  }
  const db = await openPrepared(env);
  try {
    disk = await diskOf(db, 'bench_copy');
  } finally {
    await db.close();
  }
  return { rows, seconds, maxRssMb: maxRssMb(), disk };
}

/** The parsing stage alone (as the worker runs it, with the import's batch size); nothing is stored. */
async function parseOnly(zip: string): Promise<Sample> {
  let rows = 0;
  let recommendations = 0;
  const started = performance.now();
  const terms = { known: [], first: 1, size: 1 << 24 };
  for await (const batch of parseBulkFile(zip, { register: 'domestic', batchSize: BULK_BATCH, latestDay: '2099-12-31', importId: 1, terms })) {
    if (batch.kind === 'certificates') rows += batch.rows;
    else recommendations += batch.rows;
  }
  return { rows, recommendations, seconds: (performance.now() - started) / 1000, maxRssMb: maxRssMb() };
}

export async function runCase(spec: CaseSpec): Promise<Sample> {
  if (spec.name === 'copy-bulk') return copyBulkCeiling(spec.env, spec.zip!);
  if (spec.name === 'parse') return parseOnly(spec.zip!);
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
        if (report.rowsRejected > 0 || report.recommendationsRejected > 0) {
          throw new Error(`the bulk case rejected ${report.rowsRejected} certificates and ${report.recommendationsRejected} recommendations`);
        }
        const [other] = await db.query<{ recommendations: number; terms: number }>(
          `SELECT pg_total_relation_size('recommendation_sets')::float8 AS recommendations, pg_total_relation_size('epc_terms')::float8 AS terms`,
        );
        const disk = { ...(await diskOf(db, 'certificates')), recommendations: other!.recommendations, terms: other!.terms };
        return { rows: report.rowsImported, seconds, maxRssMb: maxRssMb(), recommendations: report.recommendationsImported, disk };
      }
    }
  } finally {
    await db.close();
  }
}
