/**
 * The monthly bulk file end to end: download from the fake's expiring links, import, rejects,
 * no downgrade of API rows, and the hand-over to the day walk.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadBulkFile } from '../../src/bulk/download.js';
import { importBulkFile } from '../../src/bulk/import.js';
import { addDays, eachDay } from '../../src/days.js';
import { Metrics } from '../../src/ops/metrics.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { bulkCsv, generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';
import { checkpoint, searchRequests } from '../helpers/queries.js';
import { parseScrape, valueOf } from '../ops/support.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const BAD_LINES = [
  '0000-0000-0000-0000-00X1,,,1 Bad Street,UPRN-000000000001',
  `${'1111-2222-3333-4444-5555'},,,"unterminated`,
];

describe.each(TARGETS)('bulk import on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;
  let dir: string;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 9 });
    for (const day of eachDay('2026-10-01', '2026-10-05')) api.store.addCertificates(generateDay(day, day === '2026-10-03' ? 0 : 300, { seed: 4 }));
    h = await openHarness(api, database, {}, NOW);
    dir = mkdtempSync(join(tmpdir(), 'epc-bulk-'));
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const download = () => downloadBulkFile(h.deps.api as never, 'domestic', dir, h.deps.logger);
  const importFile = (path: string, force = false, lastUpdated: string | null = null) =>
    importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger }, path, { force, lastUpdated });

  it('imports exactly the file rows, keeps every column, rejects bad rows with reasons, and hands the days over', async () => {
    const good = api.store.rowsForDay('2026-10-01').length * 4;
    await api.publishBulkFile({ lastUpdated: '2026-10-06T00:31:19.000+00:00', extraLines: BAD_LINES });
    const file = await download();
    const metrics = new Metrics(h.db, 'domestic', { defaultMetrics: false });
    const report = await importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger, metrics }, file.path, { force: false, lastUpdated: file.info.lastUpdated });

    expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: good, rowsRejected: 2, cutoffDay: '2026-10-05' });
    // What `import-bulk --metrics` serves.
    const scrape = parseScrape(await metrics.text());
    expect(valueOf(scrape, 'epc_sync_rows_upserted_total', { source: 'bulk' })).toBe(good);
    expect(valueOf(scrape, 'epc_sync_rejected_rows_total', { source: 'bulk' })).toBe(2);
    expect(valueOf(scrape, 'epc_sync_runs_finished_total', { kind: 'bulk', outcome: 'succeeded' })).toBe(1);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE source = 'bulk'`)).toEqual([{ n: good }]);
    const reasons = await h.db.query<{ reason: string }>(`SELECT reason FROM rejected_rows WHERE source = 'bulk' ORDER BY reason`);
    expect(reasons.map((r) => r.reason)).toEqual([expect.stringMatching(/^CERTIFICATE_NUMBER|^row has/), expect.stringMatching(/^unreadable CSV|^row has/)]);

    const [sampleRow] = api.store.rowsForDay('2026-10-02').filter((r) => r.uprn !== null && r.currentEnergyEfficiencyBand !== null);
    const [stored] = await h.db.query<{ uprn: number; band: string; day: string; region: string; repeated: string }>(
      `SELECT uprn, current_energy_efficiency_band AS band, registration_date::text AS day, bulk_row->>'REGION' AS region,
              bulk_row->>'HOT_WATER_COST_CURRENT__2' AS repeated
       FROM certificates WHERE certificate_number = $1`,
      [sampleRow!.certificateNumber],
    );
    expect(stored).toEqual({ uprn: sampleRow!.uprn, band: sampleRow!.currentEnergyEfficiencyBand, day: '2026-10-02', region: 'London', repeated: expect.any(String) });

    expect(await checkpoint(h.db, '2026-10-02')).toMatchObject({ status: 'done', expected_count: 300, stored_count: 300 });
    expect(await checkpoint(h.db, '2026-10-03')).toMatchObject({ status: 'done', expected_count: 0 });
    expect(await h.db.query(`SELECT DISTINCT source FROM sync_checkpoint`)).toEqual([{ source: 'bulk' }]);

    // The nightly sync continues from the file's cut-off: the file's days are only re-checked, not walked.
    api.resetRequests();
    const sync = await syncOnce({ ...h.deps, config: { ...h.config, sync: { ...h.config.sync, startDate: '2026-10-01', lookbackDays: 2 } } }, undefined, new Date('2026-10-08T12:00:00Z'));
    expect(sync.outcome).toBe('succeeded');
    const walkedFileDays = searchRequests(api).filter((r) => r.day! <= '2026-10-05' && r.pageSize !== 1);
    expect(walkedFileDays).toEqual([]);
    expect(searchRequests(api).filter((r) => r.day === '2026-10-06' || r.day === '2026-10-07').length).toBeGreaterThan(0);
  });

  it('never overwrites a row the API wrote, and skips a file already imported unless forced', async () => {
    await backfill(h.deps, { from: '2026-10-01', to: '2026-10-01', force: false });
    const [apiRow] = api.store.rowsForDay('2026-10-01');
    const before = await h.db.query(`SELECT address_line1, postcode, uprn, source FROM certificates WHERE certificate_number = $1`, [apiRow!.certificateNumber]);
    const rows = api.store.rowsForDay('2026-10-01').map((r) => ({ ...r, addressLine1: 'Stale address from the file', postcode: 'XX1 1XX' }));
    await api.publishBulkFile({ rows });
    const file = await download();
    expect((await importFile(file.path)).outcome).toBe('succeeded');

    const after = await h.db.query<{ bulk: string }>(`SELECT address_line1, postcode, uprn, source FROM certificates WHERE certificate_number = $1`, [apiRow!.certificateNumber]);
    expect(after).toEqual(before);
    expect(await h.db.query(`SELECT bulk_row->>'ADDRESS1' AS a FROM certificates WHERE certificate_number = $1`, [apiRow!.certificateNumber])).toEqual([{ a: 'Stale address from the file' }]);
    expect((await checkpoint(h.db, '2026-10-01')).status).toBe('done');
    expect(await h.db.query(`SELECT source FROM sync_checkpoint WHERE day = '2026-10-01'`)).toEqual([{ source: 'api' }]);

    expect((await importFile(file.path)).outcome).toBe('skipped');
    expect((await importFile(file.path, true)).outcome).toBe('succeeded');
  });

  it('asks for a fresh link when one has expired, resumes a cut download, and never leaves a half file as the real one', async () => {
    await api.publishBulkFile();
    api.bulk.presignTtlMs = -1;
    await expect(download()).rejects.toThrow(/incomplete/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.zip'))).toEqual([]);

    api.bulk.presignTtlMs = 30_000;
    api.bulk.cutAfter = { bytes: 2048, times: 1 };
    const file = await download();
    expect(file.downloaded).toBe(true);
    const ranges = api.requests.filter((r) => r.path.startsWith('/s3/'));
    expect(ranges.length).toBeGreaterThanOrEqual(2);
    expect((await importFile(file.path)).rowsImported).toBe(1200);
  });

  it('an import stopped halfway, run again, ends with exactly the file rows', async () => {
    api.store.addCertificates(generateDay('2026-09-30', 12_000, { seed: 8 }));
    await api.publishBulkFile();
    const file = await download();
    const stop = new AbortController();
    const stopped = importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger }, file.path, { force: false, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    const first = await stopped;
    expect(first.outcome).toBe('interrupted');
    expect(first.rowsImported).toBeLessThan(13_200);

    const second = await importFile(file.path);
    expect(second).toMatchObject({ outcome: 'succeeded', rowsImported: 13_200 });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 13_200 }]);
  });

  it('an import killed with SIGKILL mid-file, run again, ends with exactly the file rows and the killed one closed', async () => {
    const rows = generateDay('2026-09-29', 30_000, { seed: 11 });
    const path = join(dir, 'big.csv');
    writeFileSync(path, bulkCsv(rows));
    await h.close();
    // Leases of 1 s: a run whose heartbeat is 3 s old belongs to a dead process.
    const env = fakeEnv(api, database, { LOG_LEVEL: 'debug', SYNC_LEASE_SECONDS: '1' });
    const first = startCli(['import-bulk', '--file', path], env);
    await first.waitFor((text) => (text.match(/"msg":"bulk batch stored"/g) ?? []).length >= 2);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 3200));

    const second = await runCli(['import-bulk', '--file', path], env);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ outcome: 'succeeded', rowsImported: 30_000, rowsRejected: 0 });
    h = await openHarness(api, database, {}, NOW);
    expect(await h.db.query(`SELECT count(*)::int AS n, count(DISTINCT certificate_number)::int AS d FROM certificates`)).toEqual([{ n: 30_000, d: 30_000 }]);
    expect(await checkpoint(h.db, '2026-09-29')).toMatchObject({ status: 'done', expected_count: 30_000, stored_count: 30_000 });
    expect(await h.db.query(`SELECT status, error FROM bulk_imports ORDER BY id`)).toEqual([
      { status: 'interrupted', error: expect.stringMatching(/killed or crashed/) },
      { status: 'succeeded', error: null },
    ]);
    expect(await h.db.query(`SELECT outcome FROM sync_runs WHERE kind = 'bulk' ORDER BY id`)).toEqual([{ outcome: 'interrupted' }, { outcome: 'succeeded' }]);
  });

  it('fails the import of a file that is not the bulk CSV, says why, and stores nothing', async () => {
    const path = join(dir, 'other.csv');
    writeFileSync(path, 'NAME,VALUE\r\nx,1\r\n');
    const report = await importFile(path);
    expect(report).toMatchObject({ outcome: 'failed', rowsImported: 0 });
    const [recorded] = await h.db.query<{ status: string; error: string }>(`SELECT status, error FROM bulk_imports ORDER BY id DESC LIMIT 1`);
    expect(recorded).toEqual({ status: 'failed', error: expect.stringMatching(/header has no CERTIFICATE_NUMBER, LODGEMENT_DATE column/) });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 0 }]);
  });

  it('fails, rather than hangs, on a ZIP whose compressed data is corrupt', async () => {
    await api.publishBulkFile();
    const file = await download();
    const bytes = readFileSync(file.path);
    bytes.fill(0xff, 400, 4000); // inside the entry's deflate stream, past its local header
    const broken = join(dir, 'broken.zip');
    writeFileSync(broken, bytes);
    const report = await importFile(broken);
    expect(report.outcome).toBe('failed');
    const [recorded] = await h.db.query<{ status: string; error: string }>(`SELECT status, error FROM bulk_imports ORDER BY id DESC LIMIT 1`);
    expect(recorded).toEqual({ status: 'failed', error: expect.any(String) });
  });

  it('imports a file the user already has through the CLI', async () => {
    const csvPath = join(dir, 'certificates.csv');
    writeFileSync(csvPath, bulkCsv(api.store.rowsForDay('2026-10-04')));
    await h.close();
    const result = await runCli(['import-bulk', '--file', csvPath], fakeEnv(api, database));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'succeeded', rowsImported: 300 });
    h = await openHarness(api, database, {}, NOW);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 300 }]);
    void addDays;
  });
});
