import { describe, expect, it } from 'vitest';
import {
  decideSeed, estimateSeed, fileCutoff, findShortfall, formatBytes, formatDuration, shortfallMessage, startIsAfterFile, type DiskNeed,
} from '../../src/bulk/seed-plan.js';

const EMPTY = { hasStoredDay: false, hasSucceededImport: false };
/** The API docs' example domestic file. */
const REAL_FILE = 2_923_946_932;

describe('whether a run seeds from the bulk file', () => {
  it('seeds an empty mirror with SYNC_SEED=bulk', () => {
    expect(decideSeed('bulk', EMPTY)).toEqual({ seed: true });
  });

  it('never with SYNC_SEED=api', () => {
    expect(decideSeed('api', EMPTY)).toEqual({ seed: false, reason: 'api' });
  });

  it('never once a day is stored or an import finished', () => {
    expect(decideSeed('bulk', { ...EMPTY, hasStoredDay: true })).toEqual({ seed: false, reason: 'not-empty' });
    expect(decideSeed('bulk', { ...EMPTY, hasSucceededImport: true })).toEqual({ seed: false, reason: 'not-empty' });
  });

  it('again after an import that failed or was stopped: it handed no day over and did not finish', () => {
    // What such an import leaves: rows, but no stored day and no succeeded import.
    expect(decideSeed('bulk', { hasStoredDay: false, hasSucceededImport: false })).toEqual({ seed: true });
  });

  it('not when SYNC_START_DATE is after the file\'s cut-off (the day before it was made)', () => {
    expect(fileCutoff('2026-11-01T00:31:19.000+00:00')).toBe('2026-10-31');
    expect(startIsAfterFile('2026-11-20', '2026-11-01T00:31:19.000+00:00')).toBe(true);
    expect(startIsAfterFile('2026-10-31', '2026-11-01T00:31:19.000+00:00')).toBe(false);
    expect(startIsAfterFile('2007-08-01', '2026-11-01T00:31:19.000+00:00')).toBe(false);
  });
});

describe('what the seed will need', () => {
  it('for the real file: ~28 million certificates, ~28 GB before headroom, ~0.35 h on a server and ~0.43 h on PGlite at the measured rates', () => {
    const server = estimateSeed(REAL_FILE, 0, 'postgres');
    expect(server.certificates).toBe(28_000_000);
    expect(server.downloadBytes).toBe(REAL_FILE);
    // BENCHMARKS.md: 27.4–27.5 GB for both tables; 10% headroom on top.
    expect(server.databaseBytes / 1.1 / 1e9).toBeCloseTo(27.5, 1);
    expect(server.importSeconds / 3600).toBeCloseTo(0.35, 2);
    expect(estimateSeed(REAL_FILE, 0, 'pglite').importSeconds / 3600).toBeCloseTo(0.43, 2);
  });

  it('downloads only what is not on disk yet, and counts what an interrupted seed stored already', () => {
    const needs = estimateSeed(1_000_000, 400_000, 'pglite', 5_000);
    expect(needs.downloadBytes).toBe(600_000);
    expect(needs.databaseBytes).toBe(Math.round(estimateSeed(1_000_000, 0, 'pglite').databaseBytes - 5_000));
    expect(estimateSeed(1_000_000, 1_000_000, 'pglite', 10e9)).toMatchObject({ downloadBytes: 0, databaseBytes: 0 });
  });
});

describe('the disk check', () => {
  const need = (over: Partial<DiskNeed>): DiskNeed => ({ what: 'the download', setting: 'EPC_DATA_DIR', dir: '/data/bulk', device: 1, bytes: 3e9, freeBytes: 100e9, ...over });

  it('adds up what goes on one file system', () => {
    const download = need({});
    const database = need({ what: 'the embedded database', dir: '/data', bytes: 72e9 });
    expect(findShortfall([download, database])).toBeNull();
    expect(findShortfall([{ ...download, freeBytes: 70e9 }, { ...database, freeBytes: 70e9 }])).toEqual({
      dir: '/data/bulk', setting: 'EPC_DATA_DIR', needBytes: 75e9, freeBytes: 70e9,
      parts: [{ what: 'the download', bytes: 3e9 }, { what: 'the embedded database', bytes: 72e9 }],
    });
    // On two file systems, each holds its own part.
    expect(findShortfall([{ ...download, freeBytes: 4e9 }, { ...database, device: 2, freeBytes: 73e9 }])).toBeNull();
    expect(findShortfall([{ ...download, freeBytes: 2e9 }, { ...database, device: 2, freeBytes: 73e9 }])?.parts).toEqual([{ what: 'the download', bytes: 3e9 }]);
  });

  it('says in one line what is short, by how much, and what to do', () => {
    const line = shortfallMessage({ dir: '/data', setting: 'EPC_DATA_DIR', needBytes: 75e9, freeBytes: 20e9, parts: [{ what: 'the download', bytes: 3e9 }, { what: 'the embedded database', bytes: 72e9 }] });
    expect(line).toBe('not enough disk for the bulk seed: EPC_DATA_DIR (/data) has 20.0 GB free, the seed needs about 75.0 GB (3.0 GB for the download + 72.0 GB for the embedded database); '
      + 'free some space or point EPC_DATA_DIR at a larger disk, or set SYNC_SEED=api to walk the API instead (weeks with documents)');
    expect(line).not.toContain('\n');
  });

  it('writes sizes and times for people', () => {
    expect([formatBytes(2_923_946_932), formatBytes(48_500_000), formatBytes(12)]).toEqual(['2.9 GB', '48.5 MB', '1 kB']);
    expect([formatDuration(1867), formatDuration(2340), formatDuration(19_000), formatDuration(0)]).toEqual(['31 min', '39 min', '5.3 h', '1 s']);
  });
});
