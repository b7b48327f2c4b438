/**
 * The first run of an empty mirror: its history from the monthly bulk file, not from a walk of every
 * day since 2007 (with documents, ~27 million requests: three weeks at 15/s). The seed says first what
 * it will need, and stops before downloading anything when the disk cannot hold it; then it downloads
 * (resuming a partial copy) and imports, and the import hands the file's days to the checkpoint, so
 * the sync walks only the days after the file's cut-off. The hand-over is the import's last step: an
 * import that fails or is stopped leaves no day done, and the next run seeds again.
 */
import { statSync, statfsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { BulkFileInfo } from '../api/files.js';
import type { Config, Register } from '../config/types.js';
import type { Db } from '../db/client.js';
import { ensureDataDir } from '../db/data-dir.js';
import { mirrorBytes, readMirrorState } from '../db/seed-state.js';
import { AbortedError, EpcSyncError, hasCode } from '../errors.js';
import type { Metrics } from '../ops/metrics.js';
import { tellOperator } from '../operator.js';
import { bulkBytesOnDisk, downloadBulkFile, type Downloaded, type FilesApi } from './download.js';
import { importBulkFile, type ImportReport } from './import.js';
import {
  decideSeed, estimateSeed, fileCutoff, findShortfall, formatBytes, formatDuration, shortfallMessage, startIsAfterFile,
  type DiskNeed, type SeedNeeds,
} from './seed-plan.js';

export interface SeedDeps {
  db: Db;
  api: FilesApi;
  config: Config;
  /** The register to seed: each register's empty mirror is seeded from its own file. */
  register: Register;
  logger: Logger;
  metrics?: Metrics | undefined;
  /** Bytes this user may still write on the file system holding `dir` (a test simulates a short disk). */
  freeBytes?: ((dir: string) => number) | undefined;
}

export interface SeedOptions {
  signal?: AbortSignal | undefined;
  /** The clock, for "yesterday" (tests). */
  now?: Date | undefined;
}

export type SeedResult =
  /** `api`: SYNC_SEED=api; `not-empty`: the mirror has days; `no-file`: none published; `start-after-file`: SYNC_START_DATE is later than the file. */
  | { kind: 'skipped'; reason: 'api' | 'not-empty' | 'no-file' | 'start-after-file' }
  /** The import ran: `seeded` (its days handed over), or `failed`/`interrupted` (none handed over: the next run seeds again). */
  | { kind: 'seeded' | 'failed' | 'interrupted'; report: ImportReport; runId: number | null };

/** The disk cannot hold the seed: exit 1 (the environment, not a setting), and nothing was written. */
export class DiskShortError extends EpcSyncError {
  constructor(message: string) {
    super('DISK_SHORT', message);
  }
}

export function freeBytesOf(dir: string): number {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
}

/**
 * Seeds the mirror from the monthly bulk file when SYNC_SEED=bulk and the mirror is empty; otherwise
 * does nothing and says why. Throws DiskShortError (after the operator's line) when the disk is
 * short, AbortedError when a shutdown stops it before the import, and the API's own errors (a
 * refused token…); a missing file is a warning and a skip.
 */
export async function seedFromBulkFile(deps: SeedDeps, options: SeedOptions = {}): Promise<SeedResult> {
  const { db, api, config, logger, register } = deps;
  const decision = decideSeed(config.sync.seed, await readMirrorState(db, register));
  if (!decision.seed) return { kind: 'skipped', reason: decision.reason };

  let info: BulkFileInfo;
  try {
    info = await api.bulkFileInfo(register, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw new AbortedError({ cause: error });
    if (!hasCode(error, 'API_NO_BULK_FILE')) throw error;
    logger.warn({ err: { code: 'API_NO_BULK_FILE', message: (error as Error).message }, startDate: config.sync.startDate },
      'no bulk file to seed from: walking every day from SYNC_START_DATE through the API instead (slow: one document request per certificate)');
    return { kind: 'skipped', reason: 'no-file' };
  }
  const cutoff = fileCutoff(info.lastUpdated);
  if (startIsAfterFile(config.sync.startDate, info.lastUpdated)) {
    logger.info({ startDate: config.sync.startDate, fileCutoff: cutoff }, 'SYNC_START_DATE is after the bulk file\'s cut-off: nothing to seed, walking from SYNC_START_DATE');
    return { kind: 'skipped', reason: 'start-after-file' };
  }

  const dir = join(config.database.dataDir, 'bulk');
  ensureDataDir(dir);
  const needs = estimateSeed(info.fileSize, await bulkBytesOnDisk(dir, register, info), db.dialect, await mirrorBytes(db));
  checkDisk(deps, dir, needs);

  let file: Downloaded;
  try {
    file = await downloadBulkFile(api, register, dir, logger, options.signal, info);
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    logger.info('bulk download stopped: shutting down; the next run resumes it');
    throw new AbortedError({ cause: error });
  }
  const report = await importBulkFile(
    { db, config, logger, metrics: deps.metrics, register },
    file.path,
    { force: false, lastUpdated: info.lastUpdated, signal: options.signal, ...(options.now ? { now: options.now } : {}) },
  );
  const { runId } = report;
  if (report.outcome === 'failed') {
    tellOperator(`the bulk seed failed: ${report.error ?? 'see the log'}; the next run tries it again (SYNC_SEED=api walks the API instead)`);
    return { kind: 'failed', report, runId };
  }
  if (report.outcome === 'interrupted') return { kind: 'interrupted', report, runId };
  logger.info({ cutoffDay: report.cutoffDay, daysHandedOver: report.daysHandedOver, certificates: report.rowsImported, file: file.path },
    'seeded from the bulk file: the sync walks only the days after its cut-off (the file stays in EPC_DATA_DIR/bulk: delete it to free its space)');
  return { kind: 'seeded', report, runId };
}

/**
 * One line saying what the seed needs, then the free space of the download folder and, for the
 * embedded database, of EPC_DATA_DIR; a server's disk is its own and is not checked from here.
 */
function checkDisk(deps: SeedDeps, dir: string, needs: SeedNeeds): void {
  const { config, logger, db } = deps;
  const free = deps.freeBytes ?? freeBytesOf;
  const dataDir = resolve(config.database.dataDir);
  const disk: DiskNeed[] = [
    { what: 'the download', setting: 'EPC_DATA_DIR', dir: resolve(dir), device: statSync(dir).dev, bytes: needs.downloadBytes, freeBytes: free(dir) },
  ];
  if (db.dialect === 'pglite') {
    disk.push({ what: 'the embedded database', setting: 'EPC_DATA_DIR', dir: dataDir, device: statSync(dataDir).dev, bytes: needs.databaseBytes, freeBytes: free(dataDir) });
  }
  const where = db.dialect === 'pglite'
    ? `in EPC_DATA_DIR (${dataDir})`
    : 'on the database server (DATABASE_URL: its disk is not checked from here, only the download folder)';
  logger.info(
    {
      fileBytes: needs.fileBytes, downloadBytes: needs.downloadBytes, downloadDir: resolve(dir), certificates: needs.certificates,
      databaseBytes: needs.databaseBytes, databaseDiskChecked: db.dialect === 'pglite', importSeconds: needs.importSeconds,
      free: Object.fromEntries(disk.map((d) => [d.dir, d.freeBytes])),
    },
    `seeding the mirror from the monthly bulk file: ${formatBytes(needs.downloadBytes)} to download, about ${needs.certificates.toLocaleString('en-GB')} certificates `
      + `taking about ${formatBytes(needs.databaseBytes)} ${where}, and at least ${formatDuration(needs.importSeconds)} to import`,
  );
  const short = findShortfall(disk);
  if (!short) return;
  const message = shortfallMessage(short);
  logger.error({ ...short }, message);
  tellOperator(message);
  throw new DiskShortError(message);
}
