/**
 * Imports a bulk file: every CSV entry of the ZIP (each year's certificates-YYYY.csv and
 * recommendations-YYYY.csv) → the byte scanner → typed batches, the certificates in COPY's binary
 * format (on two worker threads, `parse-thread.ts`) → COPY straight into the tables, or staging and a merge where the mirror holds
 * some of a batch already; streaming all the way, so memory stays flat whatever the file size. The
 * workers parse the next batches while the database writes this one. Every entry's header is checked
 * first (`headers.ts`): another register's file fails whole, before anything is written. Every broken row goes to `rejected_rows` with its reason and raw text. At
 * the end the days the file brought are handed to the checkpoint, so the nightly sync continues from
 * the file's cut-off instead of walking the history again.
 */
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config, Register } from '../config/types.js';
import { addDays, newestQueryableDay } from '../days.js';
import { finishImport, findImport, handOverDays, startImport, storeCertificateBatch, storeRecommendationBatch } from '../db/bulk.js';
import { registerFile } from '../registers/index.js';
import type { Db } from '../db/client.js';
import { buildDeferredIndexes, deferIndexes } from '../db/deferred-indexes.js';
import type { Metrics } from '../ops/metrics.js';
import { insertRejects } from '../db/rejects.js';
import { readTerms, releaseTermIds, reserveTermIds, storeTerms } from '../db/terms.js';
import { AbortedError } from '../errors.js';
import { Run } from '../runs/run.js';
import { checkHeaders } from './headers.js';
import { startProgress } from './progress.js';
import { parseOffThread } from './parse-thread.js';
import type { EntryKind } from './row.js';
import { sha256File } from './source.js';

/**
 * Records per batch. 2,500 certificates are ~2.1 MB of binary COPY: with two parse workers each one
 * batch ahead and one batch being written, the import's peak RSS stays under 300 MB against a server
 * whatever the file size (BENCHMARKS.md). 10,000 recommendations are ~2,500 sets, ~0.8 MB; fewer,
 * smaller batches of them cost the database more in round trips and commits than in rows (on the
 * 250k file, 2,500 a batch took 1.7 s of the importing thread, 10,000 took 1.4 s).
 */
export const BULK_BATCH: Readonly<Record<EntryKind, number>> = { certificates: 2500, recommendations: 10_000 };

/** Parse workers (`parse-thread.ts`): two keep the database busy on two cores. */
const PARSE_WORKERS = 2;
/**
 * Ids each parse worker may give new terms in one import: far more than a whole register's distinct
 * texts (tens of thousands). What an import does not use is given back at its end.
 */
const TERM_IDS_PER_WORKER = 1 << 24;

export interface ImportDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** Optional: rows, rejects and the run for /metrics (`import-bulk --metrics`). */
  metrics?: Metrics | undefined;
  /** The register whose file this is; default the first configured (EPC_REGISTERS). */
  register?: Register | undefined;
}

export interface ImportOptions {
  force: boolean;
  /** The API's lastUpdated for the file, when it came from the API. */
  lastUpdated?: string | null;
  signal?: AbortSignal;
  /** The clock, for "yesterday" (tests). */
  now?: Date;
}

export interface ImportReport {
  skipped: boolean;
  importId: number | null;
  /** The import's `sync_runs` row (null when skipped). */
  runId: number | null;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  /** Certificate records of the file: read, stored, rejected (`rejected_rows` has each reason). */
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  recommendationsImported: number;
  /** Recommendation records that were broken (in `rejected_rows` with the rest, their entry named). */
  recommendationsRejected: number;
  /** Columns of the file this release does not know: kept in `certificates.bulk_extra`. */
  newColumns: string[];
  cutoffDay: string | null;
  daysHandedOver: number;
  rowsPerSecond: number;
  /** Why the import failed, when it did. */
  error: string | null;
}

async function buildIndexes(run: Run, db: Db, importId: number, log: Logger): Promise<void> {
  const started = Date.now();
  const built = await run.db('building the deferred indexes', () => buildDeferredIndexes(db, importId));
  log.info({ indexes: built, seconds: Math.round((Date.now() - started) / 100) / 10 }, 'secondary indexes built');
}

export async function importBulkFile(deps: ImportDeps, path: string, options: ImportOptions): Promise<ImportReport> {
  const { db, config, logger } = deps;
  const register = deps.register ?? config.sync.registers[0]!;
  const file = registerFile(register);
  const sha256 = await sha256File(path);
  const previous = await findImport(db, register, sha256);
  if (previous && !options.force) {
    logger.info({ file: path, importId: previous.id }, 'this file was imported already; skipping (use --force to import it again)');
    return { skipped: true, importId: previous.id, runId: null, outcome: 'skipped', rowsRead: 0, rowsImported: 0, rowsRejected: 0, recommendationsImported: 0, recommendationsRejected: 0, newColumns: [], cutoffDay: null, daysHandedOver: 0, rowsPerSecond: 0, error: null };
  }
  const bytes = (await stat(path)).size;
  const run = await Run.start(
    { db, logger, register, leaseSeconds: config.sync.leaseSeconds, metrics: deps.metrics },
    { kind: 'bulk', rangeFrom: null, rangeTo: null, daysPlanned: 0 },
    options.signal,
  );
  const runId = run.id;
  const importId = await run.db('recording the import', () => startImport(db, register, runId, { name: basename(path), sha256, bytes, lastUpdated: options.lastUpdated ?? null }));
  const log = run.log.child({ import: importId });
  log.info({ file: path, bytes }, 'bulk import started');

  const started = Date.now();
  // A lodgement day after yesterday cannot be real (a reject); the file cannot be complete for the
  // day it was made on (it is rebuilt at about 00:30 on the 1st), so the hand-over stops before it.
  const yesterday = newestQueryableDay(options.now ?? new Date(), config.sync.timezone);
  const madeOn = options.lastUpdated ? addDays(options.lastUpdated.slice(0, 10), -1) : null;
  const handOverLimit = madeOn && madeOn < yesterday ? madeOn : yesterday;
  const counts = { read: 0, imported: 0, rejected: 0, recommendations: 0, recommendationsRejected: 0 };
  const newColumns = new Set<string>();
  const perDay = new Map<string, { stored: number; rejected: number }>();
  const progress = startProgress('import', null, log, { rows: true });

  let error: Error | null = null;
  let cutoffDay: string | null = null;
  let daysHandedOver = 0;
  /** The last id of the range reserved for new terms, given back (what is unused of it) at the end. */
  let lastReserved: number | null = null;
  /** Indexes this import dropped to build after the rows (a first load: `db/deferred-indexes.ts`). */
  let deferred: string[] = [];
  try {
    await checkHeaders(path, file);
    const known = await run.db('reading the term dictionary', () => readTerms(db));
    const firstId = await run.db('reserving term ids', () => reserveTermIds(db, PARSE_WORKERS * TERM_IDS_PER_WORKER));
    lastReserved = firstId + PARSE_WORKERS * TERM_IDS_PER_WORKER - 1;
    const terms = { known, first: firstId, size: TERM_IDS_PER_WORKER };
    deferred = await run.db('deferring the indexes of an empty mirror', () => deferIndexes(db, importId));
    if (deferred.length > 0) log.info({ indexes: deferred }, 'the mirror is empty: its secondary indexes are built once the rows are in');
    // The workers parse the next batches while this thread has the database write this one.
    for await (const batch of parseOffThread(path, { register, batchSize: BULK_BATCH, latestDay: yesterday, importId, terms }, PARSE_WORKERS)) {
      if (run.signal.aborted) throw new AbortedError();
      if (batch.newColumns.length > 0) {
        for (const name of batch.newColumns) newColumns.add(name);
        log.warn({ entry: batch.entry, columns: batch.newColumns }, 'the file has columns this release does not know: their values are kept in certificates.bulk_extra');
      }
      const stored = await db.transaction(async (tx) => {
        // A batch's commit need not wait for the disk (~15% faster on a server): a crash loses whole
        // batches only, the import is then closed as interrupted and run again, and the hand-over's
        // own (synchronous) commit flushes every batch's WAL before it, so the checkpoint never runs
        // ahead of the rows.
        await tx.query(`SET LOCAL synchronous_commit = off`);
        await insertRejects(tx, register, runId, batch.rejects);
        await storeTerms(tx, batch.terms);
        if (batch.rows === 0) return { inserted: 0, updated: 0, path: 'copy' as const };
        return batch.kind === 'certificates'
          ? storeCertificateBatch(tx, file, importId, batch.copy, batch.rows)
          : storeRecommendationBatch(tx, file, importId, batch.copy, batch.rows);
      });
      deps.metrics?.rejects(batch.rejects.length, 'bulk');
      if (batch.kind === 'certificates') {
        deps.metrics?.rowsUpserted(stored.inserted + stored.updated, 'bulk');
        counts.read += batch.read;
        counts.rejected += batch.rejects.length;
        counts.imported += batch.rows;
        for (const [day, rows, rejected] of batch.days) {
          const c = perDay.get(day) ?? { stored: 0, rejected: 0 };
          c.stored += rows;
          c.rejected += rejected;
          perDay.set(day, c);
        }
      } else {
        counts.recommendations += batch.rows;
        counts.recommendationsRejected += batch.rejects.length;
      }
      progress.update(batch.bytesRead, counts.imported, batch.bytesTotal);
      run.counts.rowsUpserted = counts.imported;
      log.debug({ entry: batch.entry, rows: batch.rows, path: stored.path, imported: counts.imported, recommendations: counts.recommendations, rejected: counts.rejected, bytes: batch.bytesRead }, 'bulk batch stored');
    }

    if (deferred.length > 0) await buildIndexes(run, db, importId, log);
    // Only days the file brought certificates for bound the hand-over: a reject's day proves nothing.
    const imported = [...perDay].filter(([, c]) => c.stored > 0).map(([day]) => day).sort();
    const first = imported[0];
    const newest = imported.at(-1);
    cutoffDay = newest && newest > handOverLimit ? handOverLimit : newest ?? null;
    if (first && cutoffDay && first <= cutoffDay) {
      daysHandedOver = await db.transaction((tx) => handOverDays(tx, register, first, cutoffDay!, perDay));
    }
  } catch (e) {
    error = e as Error;
    if (!run.signal.aborted) run.fail(error);
  } finally {
    progress.stop();
    // A failed import builds what it dropped; a stopped one leaves it to the next run, not to hold up the shutdown.
    if (error && deferred.length > 0 && !run.signal.aborted) {
      await buildIndexes(run, db, importId, log).catch((err: Error) => log.warn({ err: { message: err.message } }, 'could not build the deferred indexes; the next run builds them'));
    }
    if (lastReserved !== null) {
      await releaseTermIds(db, lastReserved).catch((err: Error) => log.warn({ err: { message: err.message } }, 'could not give back the unused term ids; nothing is wrong, ids are only skipped'));
    }
  }
  run.counts.daysDone = daysHandedOver;
  const outcome = error ? (run.signal.aborted ? 'interrupted' : 'failed') : 'succeeded';
  const rowsPerSecond = Math.round(counts.imported / Math.max((Date.now() - started) / 1000, 0.001));
  await run.db('recording the import\'s outcome', () => finishImport(db, importId, {
    status: outcome, rowsRead: counts.read, rowsImported: counts.imported, rowsRejected: counts.rejected,
    recommendationsImported: counts.recommendations, cutoffDay, rowsPerSecond, newColumns: [...newColumns], error: error?.message ?? null,
  })).catch((err: Error) => log.error({ err: { message: err.message } }, 'could not record the import\'s outcome; the next run closes it as interrupted'));
  await run.finish();
  const report: ImportReport = {
    skipped: false, importId, runId, outcome, rowsRead: counts.read, rowsImported: counts.imported, rowsRejected: counts.rejected,
    recommendationsImported: counts.recommendations, recommendationsRejected: counts.recommendationsRejected, newColumns: [...newColumns],
    cutoffDay, daysHandedOver, rowsPerSecond, error: error?.message ?? null,
  };
  if (error && outcome === 'failed') log.error({ ...report, err: { message: error.message } }, 'bulk import failed; run it again to restart it cleanly');
  else log.info(report, 'bulk import finished');
  return report;
}
