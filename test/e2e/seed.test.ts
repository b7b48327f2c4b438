/**
 * The first run on an empty mirror: seeded from the monthly bulk file, then only the days after the
 * file walked (and only their documents fetched); SYNC_SEED=api, no file published, a SYNC_START_DATE
 * after the file, a short disk, and a seed whose import failed halfway.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachDay } from '../../src/days.js';
import { syncOnce, type SyncDeps } from '../../src/sync/commands.js';
import { generateDay, startFakeApi, type FakeApi, type SearchRow } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { searchRequests } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
/** Made at 00:31 on the 1st, as the service does: complete up to 2026-10-31. */
const MADE = '2026-11-01T00:31:19.000+00:00';
/** Days the file holds: a day in each of two earlier years (so the ZIP has several entries), and October's last twelve. */
const FILE_DAYS = ['2024-06-03', '2025-06-02', ...eachDay('2026-10-20', '2026-10-31')];
const AFTER_FILE = [...eachDay('2026-11-01', '2026-11-23')];

const certificateRequests = (api: FakeApi) => api.requests.filter((r) => r.path === '/api/certificate').map((r) => r.query.certificate_number as string);
const fileRequests = (api: FakeApi) => api.requests.filter((r) => r.path.startsWith('/api/files/'));
/** Days walked (every search but the lookback's one-row probes). */
const walkedDays = (api: FakeApi) => [...new Set(searchRequests(api).filter((r) => r.pageSize !== 1).map((r) => r.day!))].sort();
const count = async (h: Harness, sql: string) => (await h.db.query<{ n: number }>(sql))[0]!.n;

describe.each(TARGETS)('the first run on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;
  let fileRows: SearchRow[];

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 5 });
    for (const day of FILE_DAYS) api.store.addCertificates(generateDay(day, 40, { seed: 8 }));
    for (const day of AFTER_FILE) api.store.addCertificates(generateDay(day, 10, { seed: 9 }));
    fileRows = FILE_DAYS.flatMap((day) => api.store.rowsForDay(day));
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
  });

  const open = async (extra: Record<string, string> = {}) => {
    h = await openHarness(api, database, { SYNC_SEED: 'bulk', FETCH_DOCUMENTS: 'true', ...extra }, NOW);
    return h;
  };
  const sync = (deps: Partial<SyncDeps> = {}) => syncOnce({ ...h.deps, ...deps }, undefined, NOW);

  it('seeds from the bulk file, then walks only the days after its cut-off and fetches only their documents', async () => {
    await api.publishBulkFile({ lastUpdated: MADE, rows: fileRows });
    await open();
    const report = await sync();
    expect(report.outcome, JSON.stringify(report)).toBe('succeeded');

    expect(await h.db.query(`SELECT status, rows_imported, cutoff_day::text AS cutoff FROM bulk_imports`)).toEqual([
      { status: 'succeeded', rows_imported: fileRows.length, cutoff: '2026-10-31' },
    ]);
    // The file's days are only probed by the lookback (SYNC_LOOKBACK_DAYS=7, one-row requests); every later day is walked.
    expect(walkedDays(api)).toEqual(AFTER_FILE);
    expect([...new Set(searchRequests(api).filter((r) => r.pageSize === 1).map((r) => r.day))].sort()).toEqual([...eachDay('2026-10-25', '2026-10-31')]);
    // Documents: exactly the walked days' certificates, none of the ~27 million the file brings.
    const walkedNumbers = new Set(AFTER_FILE.flatMap((day) => api.store.rowsForDay(day).map((r) => r.certificateNumber)));
    expect(new Set(certificateRequests(api))).toEqual(walkedNumbers);
    expect(await count(h, `SELECT count(*)::int AS n FROM certificates WHERE document_status IS NULL`)).toBe(fileRows.length);
    expect(await count(h, `SELECT count(*)::int AS n FROM certificates`)).toBe(fileRows.length + walkedNumbers.size);
    expect(await count(h, `SELECT count(*)::int AS n FROM sync_checkpoint WHERE status <> 'done'`)).toBe(0);

    // What the operator read first: the file, the disk and the time it would take.
    const said = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('seeding the mirror from the monthly bulk file'));
    expect(said).toMatchObject({ fileBytes: api.bulk.file!.zip.length, downloadBytes: api.bulk.file!.zip.length, databaseDiskChecked: target === 'pglite' });
    expect(String(said!.msg)).toMatch(target === 'pglite' ? /in EPC_DATA_DIR/ : /on the database server \(DATABASE_URL: its disk is not checked/);

    // The next run does not seed again, nor ask for the file.
    api.resetRequests();
    expect((await sync()).outcome).toBe('succeeded');
    expect(fileRequests(api)).toEqual([]);
    expect(api.bulk.downloads).toBe(1);
  });

  it('with SYNC_SEED=api walks every day from SYNC_START_DATE and never asks for the file', async () => {
    await api.publishBulkFile({ lastUpdated: MADE, rows: fileRows });
    await open({ SYNC_SEED: 'api', SYNC_START_DATE: '2026-10-28', FETCH_DOCUMENTS: 'false' });
    expect((await sync()).outcome).toBe('succeeded');
    expect(walkedDays(api)).toEqual([...eachDay('2026-10-28', '2026-11-23')]);
    expect(fileRequests(api)).toEqual([]);
    expect(await count(h, `SELECT count(*)::int AS n FROM bulk_imports`)).toBe(0);
  });

  it('with no file published warns once and walks from SYNC_START_DATE', async () => {
    await open({ SYNC_START_DATE: '2026-11-20' });
    expect((await sync()).outcome).toBe('succeeded');
    expect(walkedDays(api)).toEqual([...eachDay('2026-11-20', '2026-11-23')]);
    expect(fileRequests(api).map((r) => [r.path, r.status])).toEqual([['/api/files/domestic/csv/info', 404]]);
    const warned = h.logs.filter((l) => l.includes('no bulk file to seed from'));
    expect(warned).toHaveLength(1);
    expect(JSON.parse(warned[0]!)).toMatchObject({ level: 40, startDate: '2026-11-20', err: { code: 'API_NO_BULK_FILE' } });
  });

  it('does not seed when SYNC_START_DATE is after the file\'s cut-off: the walk is the whole job', async () => {
    await api.publishBulkFile({ lastUpdated: MADE, rows: fileRows });
    await open({ SYNC_START_DATE: '2026-11-21' });
    expect((await sync()).outcome).toBe('succeeded');
    expect(walkedDays(api)).toEqual(['2026-11-21', '2026-11-22', '2026-11-23']);
    expect(api.bulk.downloads).toBe(0);
    expect(await count(h, `SELECT count(*)::int AS n FROM certificates WHERE registration_date < '2026-11-21'`)).toBe(0);
  });

  it('stops before downloading when the disk is short, saying what it needs, and imports nothing', async () => {
    await api.publishBulkFile({ lastUpdated: MADE, rows: fileRows });
    await open();
    const free = api.bulk.file!.zip.length - 1;
    await expect(sync({ freeBytes: () => free })).rejects.toMatchObject({
      name: 'DiskShortError',
      code: 'DISK_SHORT',
      message: expect.stringMatching(/^not enough disk for the bulk seed: EPC_DATA_DIR \(.+\) has .+ free, the seed needs about .+ for the download.*; .*SYNC_SEED=api/),
    });
    // A server's disk is its own: only the download is counted there.
    const line = h.logs.find((l) => l.includes('not enough disk'))!;
    expect(line.includes('for the embedded database')).toBe(target === 'pglite');
    expect(api.bulk.downloads).toBe(0);
    expect(searchRequests(api)).toEqual([]);
    for (const table of ['certificates', 'sync_checkpoint', 'bulk_imports']) expect(await count(h, `SELECT count(*)::int AS n FROM ${table}`), table).toBe(0);
  });

  it('a seed whose import failed halfway leaves no day done and walks nothing; the next run seeds again and ends exact', async () => {
    const good = await api.publishBulkFile({ lastUpdated: MADE, rows: fileRows });
    // The last entry the import reads (2026's recommendations) corrupted: the entries before it are
    // stored (the earlier years' recommendations, on the same parse worker, for certain), then the import fails.
    const broken = Buffer.from(good.zip);
    const data = broken.indexOf('recommendations-2026.csv') + 'recommendations-2026.csv'.length + 64;
    broken.fill(0xff, data, data + 200);
    api.bulk.file = { zip: broken, lastUpdated: MADE };
    await open({ FETCH_DOCUMENTS: 'false' });

    const first = await sync();
    expect(first.outcome).toBe('failed');
    expect(await h.db.query(`SELECT status FROM bulk_imports`)).toEqual([{ status: 'failed' }]);
    expect(await count(h, `SELECT count(*)::int AS n FROM recommendations`)).toBeGreaterThan(0);
    expect(await count(h, `SELECT count(*)::int AS n FROM sync_checkpoint`)).toBe(0);
    expect(searchRequests(api)).toEqual([]);

    // Next month's file is good.
    await api.publishBulkFile({ lastUpdated: '2026-11-02T00:31:19.000+00:00', rows: fileRows });
    const second = await sync();
    expect(second.outcome).toBe('succeeded');
    expect(walkedDays(api)).toEqual(AFTER_FILE);
    expect(await count(h, `SELECT count(*)::int AS n FROM certificates`)).toBe(fileRows.length + AFTER_FILE.length * 10);
    expect(await count(h, `SELECT count(*)::int AS n FROM recommendations`)).toBeGreaterThan(fileRows.length);
    expect(await count(h, `SELECT count(*)::int AS n FROM sync_checkpoint WHERE status <> 'done'`)).toBe(0);
  });
});
