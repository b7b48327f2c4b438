/**
 * Imports a bulk file: ZIP entry → csv-parse → batches (on a worker thread, `parse-thread.ts`) → COPY
 * into staging → one merge per batch, streaming all the way so memory stays flat whatever the file
 * size. The worker parses the next batches while the database writes this one. Every unreadable row goes to
 * `rejected_rows` with its reason and raw text. At the end the file's days are handed to the checkpoint
 * so the nightly sync continues from the file's cut-off instead of walking the history again.
 */
import { hostname } from 'node:os';
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Config } from '../config/types.js';
import { addDays } from '../days.js';
import { closeAbandonedImports, finishImport, findImport, handOverDays, mergeBulkBatch, startImport } from '../db/bulk.js';
import type { Db } from '../db/client.js';
import type { Metrics } from '../ops/metrics.js';
import { insertRejects } from '../db/rejects.js';
import { closeAbandonedRuns, finishRun, heartbeatRun, startRun, type RunCounts } from '../db/runs.js';
import { startProgress } from './progress.js';
import { parseOffThread } from './parse-thread.js';
import { sha256File } from './source.js';

/**
 * Rows per staging batch. A batch of whole bulk rows is ~8 MB of COPY text; 2,500 keeps the import's
 * peak RSS well under 300 MB (one batch parsed ahead, one being written) at the same speed as 5,000
 * (BENCHMARKS.md).
 */
export const BULK_BATCH = 2500;

export interface ImportDeps {
  db: Db;
  config: Config;
  logger: Logger;
  /** Optional: rows, rejects and the run for /metrics (`import-bulk --metrics`). */
  metrics?: Metrics;
}

export interface ImportOptions {
  force: boolean;
  /** The API's lastUpdated for the file, when it came from the API. */
  lastUpdated?: string | null;
  signal?: AbortSignal;
}

export interface ImportReport {
  skipped: boolean;
  importId: number | null;
  outcome: 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  rowsRead: number;
  rowsImported: number;
  rowsRejected: number;
  cutoffDay: string | null;
  daysHandedOver: number;
  rowsPerSecond: number;
}

export async function importBulkFile(deps: ImportDeps, path: string, options: ImportOptions): Promise<ImportReport> {
  const { db, config, logger } = deps;
  const register = config.sync.register;
  const sha256 = await sha256File(path);
  const previous = await findImport(db, register, sha256);
  if (previous && !options.force) {
    logger.info({ file: path, importId: previous.id }, 'this file was imported already; skipping (use --force to import it again)');
    return { skipped: true, importId: previous.id, outcome: 'skipped', rowsRead: 0, rowsImported: 0, rowsRejected: 0, cutoffDay: null, daysHandedOver: 0, rowsPerSecond: 0 };
  }
  const bytes = (await stat(path)).size;
  await closeAbandonedRuns(db, register, config.sync.leaseSeconds * 3);
  await closeAbandonedImports(db, register);
  const runId = await startRun(db, { register, kind: 'bulk', rangeFrom: null, rangeTo: null, host: hostname(), pid: process.pid });
  const importId = await startImport(db, register, runId, { name: basename(path), sha256, bytes, lastUpdated: options.lastUpdated ?? null });
  const log = logger.child({ run: runId, import: importId });
  log.info({ file: path, bytes }, 'bulk import started');
  deps.metrics?.runStarted('bulk');

  const started = Date.now();
  const counts = { read: 0, imported: 0, rejected: 0 };
  const perDay = new Map<string, { stored: number; rejected: number }>();
  const progress = startProgress('import', null, log, { rows: true });
  const runCounts = (daysDone: number): RunCounts => ({
    daysPlanned: 0, daysDone, daysIncomplete: 0, daysFailed: 0, rowsUpserted: counts.imported, documentsFetched: 0, requests: 0,
  });

  let outcome: ImportReport['outcome'] = 'succeeded';
  let error: Error | null = null;
  let cutoffDay: string | null = null;
  let daysHandedOver = 0;
  try {
    // The worker parses the next batches while this thread has the database write this one.
    for await (const batch of parseOffThread(path, BULK_BATCH)) {
      if (options.signal?.aborted) throw new Error('interrupted');
      const merged = await db.transaction(async (tx) => {
        await insertRejects(tx, register, runId, batch.rejects);
        return batch.rows > 0 ? mergeBulkBatch(tx, register, batch.copy) : { inserted: 0, updated: 0 };
      });
      deps.metrics?.rowsUpserted(merged.inserted + merged.updated, 'bulk');
      deps.metrics?.rejects(batch.rejects.length, 'bulk');
      counts.read += batch.read;
      counts.imported += batch.rows;
      counts.rejected += batch.rejects.length;
      for (const [day, stored, rejected] of batch.days) {
        const c = perDay.get(day) ?? { stored: 0, rejected: 0 };
        c.stored += stored;
        c.rejected += rejected;
        perDay.set(day, c);
      }
      progress.update(batch.bytesRead, counts.imported, batch.bytesTotal);
      // A live import must not look abandoned to another process's sync (runs without a heartbeat are closed).
      await heartbeatRun(db, runId, runCounts(0));
      log.debug({ rows: counts.imported, rejected: counts.rejected, bytes: batch.bytesRead }, 'bulk batch stored');
    }

    const days = [...perDay.keys()].sort();
    const newestInFile = days.at(-1) ?? null;
    // The file is regenerated on the 1st: it cannot be complete for the day it was made on.
    const madeOn = options.lastUpdated ? addDays(options.lastUpdated.slice(0, 10), -1) : null;
    cutoffDay = newestInFile && madeOn && madeOn < newestInFile ? madeOn : newestInFile;
    if (days[0] && cutoffDay) {
      daysHandedOver = await db.transaction((tx) => handOverDays(tx, register, days[0]!, cutoffDay!, perDay));
    }
  } catch (e) {
    error = e as Error;
    outcome = options.signal?.aborted ? 'interrupted' : 'failed';
  } finally {
    progress.stop();
  }
  const rowsPerSecond = Math.round(counts.imported / Math.max((Date.now() - started) / 1000, 0.001));
  await finishImport(db, importId, { status: outcome, rowsRead: counts.read, rowsImported: counts.imported, rowsRejected: counts.rejected, cutoffDay, rowsPerSecond, error: error?.message ?? null });
  await finishRun(db, runId, outcome, runCounts(daysHandedOver), error?.message ?? null);
  deps.metrics?.runFinished({ kind: 'bulk', outcome, durationMs: Date.now() - started });
  const report = { skipped: false, importId, outcome, rowsRead: counts.read, rowsImported: counts.imported, rowsRejected: counts.rejected, cutoffDay, daysHandedOver, rowsPerSecond };
  if (error && outcome === 'failed') log.error({ ...report, err: { message: error.message } }, 'bulk import failed; run it again to restart it cleanly');
  else log.info(report, 'bulk import finished');
  return report;
}
