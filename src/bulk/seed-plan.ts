/**
 * The bulk seed's decisions, pure: whether a run seeds the mirror from the monthly bulk file, and what
 * the seed will need (disk, time), estimated from the file's size with figures measured on the real
 * layout (BENCHMARKS.md), so a short disk stops the seed before the download rather than hours in.
 */
import { addDays } from '../days.js';
import type { SeedMode } from '../config/types.js';

/** Certificates per byte of the ZIP: the API docs' example domestic file, 2,923,946,932 bytes, holds ~28 million. */
export const CERTIFICATES_PER_ZIP_BYTE = 28_000_000 / 2_923_946_932;
/**
 * Disk per certificate once imported (BENCHMARKS.md, `pg_total_relation_size` after the import):
 * 666 bytes for the certificate (table, TOAST, indexes) and ~3.9 recommendations of ~81 bytes.
 */
export const BYTES_PER_CERTIFICATE = 666 + 3.9 * 81;
/** The measurement is of a sample; WAL and half-filled pages need room besides. */
export const DATABASE_HEADROOM = 1.1;
/**
 * Import rates (certificates/s) for the estimate: the first-run measurements of an earlier release
 * (README.md), below the 250k file's latest medians (~50k on a server, ~35k on PGlite,
 * BENCHMARKS.md), whose tables and keys fit in memory. The full register's do not and its inserts
 * slow down, so the slower rates are the nearer floor.
 */
export const IMPORT_RATE = { postgres: 22_000, pglite: 18_000 } as const;

export interface MirrorState {
  /** A day the API walk stored rows for (done or incomplete), or the bulk file handed over. */
  hasStoredDay: boolean;
  /** A bulk import that finished. An interrupted one leaves rows but no day: the seed runs again. */
  hasSucceededImport: boolean;
}

export type SeedDecision = { seed: true } | { seed: false; reason: 'api' | 'not-empty' };

/** Should this run seed from the bulk file? Only with SYNC_SEED=bulk, and only on an empty mirror. */
export function decideSeed(mode: SeedMode, state: MirrorState): SeedDecision {
  if (mode !== 'bulk') return { seed: false, reason: 'api' };
  if (state.hasStoredDay || state.hasSucceededImport) return { seed: false, reason: 'not-empty' };
  return { seed: true };
}

/**
 * The newest day the file can be complete for: the day before it was made (it is rebuilt at about
 * 00:30 on the 1st), as the import's hand-over has it.
 */
export function fileCutoff(lastUpdated: string): string {
  return addDays(lastUpdated.slice(0, 10), -1);
}

/** A SYNC_START_DATE after the file's cut-off asks for none of the file's days: walking is the whole job. */
export function startIsAfterFile(startDate: string, lastUpdated: string): boolean {
  return startDate > fileCutoff(lastUpdated);
}

export interface SeedNeeds {
  fileBytes: number;
  /** Still to download (a complete or partial copy on disk counts). */
  downloadBytes: number;
  certificates: number;
  databaseBytes: number;
  importSeconds: number;
}

/**
 * `onDiskBytes`: of the file, already downloaded; `storedBytes`: what the tables hold already (an
 * interrupted seed's rows are merged again, not added: they count toward the total).
 */
export function estimateSeed(fileBytes: number, onDiskBytes: number, dialect: 'postgres' | 'pglite', storedBytes = 0): SeedNeeds {
  const certificates = Math.round(fileBytes * CERTIFICATES_PER_ZIP_BYTE);
  return {
    fileBytes,
    downloadBytes: Math.max(0, fileBytes - onDiskBytes),
    certificates,
    databaseBytes: Math.max(0, Math.round(certificates * BYTES_PER_CERTIFICATE * DATABASE_HEADROOM) - storedBytes),
    importSeconds: Math.round(certificates / IMPORT_RATE[dialect]),
  };
}

/** One folder the seed writes to, what it will write there, and what its file system has free. */
export interface DiskNeed {
  what: 'the download' | 'the embedded database';
  /** The setting that places it, for the operator's line. */
  setting: string;
  dir: string;
  /** The file system it lives on (`stat().dev`): two needs on one file system add up. */
  device: number;
  bytes: number;
  freeBytes: number;
}

export interface DiskShortfall {
  dir: string;
  setting: string;
  needBytes: number;
  freeBytes: number;
  parts: ReadonlyArray<{ what: DiskNeed['what']; bytes: number }>;
}

/** The first file system that cannot hold what the seed will write to it, or null. */
export function findShortfall(needs: readonly DiskNeed[]): DiskShortfall | null {
  const byDevice = new Map<number, DiskNeed[]>();
  for (const need of needs) byDevice.set(need.device, [...(byDevice.get(need.device) ?? []), need]);
  for (const group of byDevice.values()) {
    const needBytes = group.reduce((n, need) => n + need.bytes, 0);
    const first = group[0]!;
    if (needBytes > first.freeBytes) {
      return { dir: first.dir, setting: first.setting, needBytes, freeBytes: first.freeBytes, parts: group.map((n) => ({ what: n.what, bytes: n.bytes })) };
    }
  }
  return null;
}

/** The one line the operator sees when the disk is short. */
export function shortfallMessage(s: DiskShortfall): string {
  const parts = s.parts.map((p) => `${formatBytes(p.bytes)} for ${p.what}`).join(' + ');
  return `not enough disk for the bulk seed: ${s.setting} (${s.dir}) has ${formatBytes(s.freeBytes)} free, the seed needs about ${formatBytes(s.needBytes)} (${parts}); `
    + 'free some space or point EPC_DATA_DIR at a larger disk, or set SYNC_SEED=api to walk the API instead (weeks with documents)';
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

export function formatDuration(seconds: number): string {
  if (seconds >= 3600) return `${(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.max(1, seconds)} s`;
}
