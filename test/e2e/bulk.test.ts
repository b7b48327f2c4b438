/**
 * The monthly bulk file end to end: download from the fake's expiring links, import, rejects,
 * no downgrade of API rows, and the hand-over to the day walk.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { downloadBulkFile } from '../../src/bulk/download.js';
import { BULK_BATCH, importBulkFile } from '../../src/bulk/import.js';
import { daysBetween, eachDay } from '../../src/days.js';
import { formatStatus, readStatus } from '../../src/ops/status.js';
import { Metrics } from '../../src/ops/metrics.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkCsv, bulkRecommendations, bulkRecord, generateDay, sparkCsvLine, startFakeApi, zipOf, type FakeApi } from '../fake-api/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';
import { checkpoint, searchRequests } from '../helpers/queries.js';
import { parseScrape, valueOf } from '../ops/support.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const SENTINEL = new Set(['INVALID!', 'NO DATA!', 'N/A', 'Not recorded']);
const number = (v: string | null | undefined) => (v === undefined || v === null || SENTINEL.has(v) ? null : Number(v));

/** A line of the export's shape with `over` by column name. */
function exportLine(over: Record<string, string>): string {
  return sparkCsvLine(BULK_COLUMNS.map((c) => over[c] ?? null)).replace(/\n$/, '');
}
// Broken rows the import must reject with a reason: a malformed number, a future lodgement day, a
// short row, and a quote that never closes (last, as it runs to the end of its entry).
const BAD_LINES = [
  exportLine({ certificate_number: '0000-0000-0000-0000-00X1', address1: '1 Bad Street', lodgement_date: '2026-10-02' }),
  exportLine({ certificate_number: '0000-0000-0000-0000-0031', address1: '1 Future Street', lodgement_date: '2031-01-06' }),
  '1111-2222-3333-4444-5555,,,1 Short Row,2026-10-02',
  '1111-2222-3333-4444-5556,,,"unterminated',
];

/** The indexes of `certificates`, by name and definition. */
const certificateIndexes = (db: Harness['db']) =>
  db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'certificates' ORDER BY indexname`);

interface StoredBulkRow {
  certificate_number: string;
  [column: string]: unknown;
}

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

  it('imports the export file exactly: every year, typed values, band-less rows, recommendations, rejects named, the hand-over', async () => {
    // Certificates over three lodgement years, so the ZIP holds one entry per year (in the export's order).
    for (const day of ['2024-12-30', '2025-01-02', '2025-06-30']) api.store.addCertificates(generateDay(day, 150, { seed: 5 }));
    const rows = [...api.store.visibleBetween('0000-00-00', '9999-99-99')];
    const good = rows.length;
    const indexes = await certificateIndexes(h.db);
    const recommendations = rows.reduce((n, r) => n + bulkRecommendations(r).length, 0);
    await api.publishBulkFile({ lastUpdated: '2026-11-01T00:31:19.000+00:00', extraLines: BAD_LINES });
    const file = await download();
    const metrics = new Metrics(h.db, 'domestic', { defaultMetrics: false });
    const report = await importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger, metrics }, file.path, { force: false, lastUpdated: file.info.lastUpdated, now: NOW });

    expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: good, rowsRejected: BAD_LINES.length, recommendationsImported: recommendations, cutoffDay: '2026-10-05', newColumns: [] });
    // A first load builds the secondary indexes after its rows: every one is back, as it was.
    expect(indexes.length).toBeGreaterThanOrEqual(5);
    expect(await certificateIndexes(h.db)).toEqual(indexes);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM deferred_indexes`)).toEqual([{ n: 0 }]);
    // What `import-bulk --metrics` serves.
    const scrape = parseScrape(await metrics.text());
    expect(valueOf(scrape, 'epc_sync_rows_upserted_total', { source: 'bulk' })).toBe(good);
    expect(valueOf(scrape, 'epc_sync_rejected_rows_total', { source: 'bulk' })).toBe(BAD_LINES.length);
    expect(valueOf(scrape, 'epc_sync_runs_finished_total', { kind: 'bulk', outcome: 'succeeded' })).toBe(1);

    // Every certificate, typed as the file has it: sentinels are NULL in typed columns, an INVALID!
    // band is a certificate with no band.
    const stored = new Map(
      (await h.db.query<StoredBulkRow>(
        `SELECT certificate_number, registration_date::text AS day, current_energy_efficiency_band AS band, uprn, total_floor_area, floor_height,
                number_heated_rooms, inspection_date::text AS inspection_date, lodgement_datetime, walls_description, glazed_type,
                local_authority_code, council, uprn_source, address_line1, source, bulk_extra
         FROM certificates_decoded`,
      )).map((r) => [r.certificate_number, r]),
    );
    expect(stored.size).toBe(good);
    for (const row of rows) {
      const v = bulkRecord(row);
      expect(stored.get(row.certificateNumber), row.certificateNumber).toEqual({
        certificate_number: row.certificateNumber,
        day: row.registrationDate,
        band: row.currentEnergyEfficiencyBand,
        uprn: row.uprn,
        total_floor_area: number(v.total_floor_area),
        floor_height: number(v.floor_height),
        number_heated_rooms: number(v.number_heated_rooms),
        inspection_date: SENTINEL.has(v.inspection_date ?? '') ? null : v.inspection_date,
        lodgement_datetime: v.lodgement_datetime ? new Date(`${v.lodgement_datetime.slice(0, 10)}T${v.lodgement_datetime.slice(11, 23).padEnd(12, '.000').replace(/Z$/, '')}Z`) : null,
        walls_description: v.walls_description,
        glazed_type: v.glazed_type || null,
        local_authority_code: v.local_authority,
        council: row.council,
        uprn_source: v.uprn_source || null,
        address_line1: row.addressLine1,
        source: 'bulk',
        bulk_extra: null,
      });
    }
    const invalidBand = rows.filter((r) => bulkRecord(r).current_energy_rating === 'INVALID!').length;
    expect(invalidBand).toBeGreaterThan(0);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE current_energy_efficiency_band IS NULL`)).toEqual([{ n: rows.filter((r) => r.currentEnergyEfficiencyBand === null).length }]);

    // Recommendations: every row, keyed to its certificate, texts as written.
    expect(await h.db.query(`SELECT count(*)::int AS n, count(DISTINCT certificate_number)::int AS c FROM recommendations WHERE source = 'bulk'`)).toEqual([
      { n: recommendations, c: rows.filter((r) => bulkRecommendations(r).length > 0).length },
    ]);
    const withRecs = rows.find((r) => bulkRecommendations(r).length >= 3)!;
    expect(await h.db.query(`SELECT item, improvement_id, summary, description, indicative_cost FROM recommendations WHERE certificate_number = $1 ORDER BY item`, [withRecs.certificateNumber])).toEqual(
      bulkRecommendations(withRecs).map((r) => ({ item: Number(r.improvement_item), improvement_id: r.improvement_id, summary: r.improvement_summary_text, description: r.improvement_descr_text, indicative_cost: r.indicative_cost })),
    );

    // Each reject with its reason and the entry it came from; none hands its day over.
    const reasons = await h.db.query<{ reason: string }>(`SELECT reason FROM rejected_rows WHERE source = 'bulk' ORDER BY reason`);
    expect(reasons.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^certificates-\d{4}\.csv: certificate_number is not/),
      expect.stringMatching(/^certificates-\d{4}\.csv: lodgement_date 2031-01-06 is after 2026-11-23/),
      expect.stringMatching(/^certificates-\d{4}\.csv: row has 5 fields, the header 93/),
      expect.stringMatching(/^certificates-\d{4}\.csv: unreadable CSV/),
    ]);

    // Every day from the first to the newest imported one is handed over (days with no certificates
    // as 0), and none after it.
    const handed = await h.db.query<{ day: string; stored_count: number }>(`SELECT day::text, stored_count FROM sync_checkpoint WHERE status = 'done' AND source = 'bulk' ORDER BY day`);
    expect(handed[0]!.day).toBe('2024-12-30');
    expect(handed.at(-1)!.day).toBe('2026-10-05');
    expect(handed.length).toBe(daysBetween('2024-12-30', '2026-10-05') + 1);
    expect(handed.reduce((n, d) => n + d.stored_count, 0)).toBe(good);
    expect(await checkpoint(h.db, '2026-10-03')).toMatchObject({ status: 'done', expected_count: 0 });

    // A second import of the same file changes nothing.
    const snapshot = () => h.db.query(
      `SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY certificate_number)) FROM certificates_decoded c) AS certificates,
              (SELECT md5(string_agg(concat_ws(',', certificate_number, item, source, improvement_id, summary, description, indicative_cost), '|' ORDER BY certificate_number, item)) FROM recommendations) AS recommendations,
              (SELECT md5(string_agg(concat_ws(',', day, status, source, expected_count, stored_count), '|' ORDER BY day)) FROM sync_checkpoint) AS checkpoint`,
    );
    const before = await snapshot();
    expect((await importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger }, file.path, { force: true, lastUpdated: file.info.lastUpdated, now: NOW })).outcome).toBe('succeeded');
    expect(await snapshot()).toEqual(before);

    // The nightly sync continues from the file's cut-off: the file's days are only re-checked, not walked.
    api.resetRequests();
    const sync = await syncOnce({ ...h.deps, config: { ...h.config, sync: { ...h.config.sync, startDate: '2024-12-30', lookbackDays: 2 } } }, undefined, new Date('2026-10-08T12:00:00Z'));
    expect(sync.outcome, JSON.stringify({ ...sync, fatal: sync.fatal?.message })).toBe('succeeded');
    const walkedFileDays = searchRequests(api).filter((r) => r.day! <= '2026-10-05' && r.pageSize !== 1);
    expect(walkedFileDays).toEqual([]);
    expect(searchRequests(api).filter((r) => r.day === '2026-10-06' || r.day === '2026-10-07').length).toBeGreaterThan(0);
  });

  it('reads back every item of a certificate whose recommendations straddle two batches, in order, once each', async () => {
    // The file's 1200 certificates; their recommendations laid out so that one certificate's first three
    // items end the entry's first batch (a batch is BULK_BATCH.recommendations records, and ends where
    // a certificate does) and the rest come later, after other certificates', in its second: a file in
    // no order. The others' items twice more, under numbers no certificate has, fill the first batch.
    const rows = [...api.store.visibleBetween('0000-00-00', '9999-99-99')];
    const straddler = rows.find((r) => bulkRecommendations(r).length >= 6)!;
    const own = bulkRecommendations(straddler);
    const theirs = rows.filter((r) => r !== straddler).flatMap(bulkRecommendations);
    const renumbered = new Map<string, string>();
    const copy = (k: number) => theirs.map((r): Record<string, string | null> => {
      const key = `${k} ${r.certificate_number}`;
      const n = renumbered.get(key) ?? `9999-000${k}-0000-${String(renumbered.size).padStart(8, '0').replace(/(\d{4})(\d{4})/, '$1-$2')}`;
      renumbered.set(key, n);
      return { ...r, certificate_number: n };
    });
    const others = [...theirs, ...copy(1), ...copy(2)];
    const full = BULK_BATCH.recommendations;
    const lines = [...others.slice(0, full - 3), ...own.slice(0, 3), ...others.slice(full - 3, full + 10), ...own.slice(3), ...others.slice(full + 10)];
    expect(lines.length).toBeGreaterThan(full + 3);
    const zip = new yazl.ZipFile();
    const entry = (columns: readonly string[], values: Array<Record<string, string | null>>) =>
      Buffer.from([columns, ...values.map((v) => columns.map((c) => v[c] ?? null))].map(sparkCsvLine).join(''));
    zip.addBuffer(entry(BULK_COLUMNS, rows.map(bulkRecord)), 'certificates-2026.csv');
    zip.addBuffer(entry(BULK_RECOMMENDATION_COLUMNS, lines), 'recommendations-2026.csv');
    zip.end();
    const path = join(dir, 'straddling.zip');
    writeFileSync(path, await buffer(zip.outputStream));

    const expected = (of: (r: Record<string, string | null>) => boolean) => lines.filter(of)
      .map((r) => ({ certificate_number: r.certificate_number, item: Number(r.improvement_item), improvement_id: r.improvement_id, summary: r.improvement_summary_text, description: r.improvement_descr_text || null, indicative_cost: r.indicative_cost }))
      .sort((a, b) => a.certificate_number!.localeCompare(b.certificate_number!) || a.item - b.item);
    const read = (where: string, params: unknown[] = []) => h.db.query(
      `SELECT certificate_number, item, improvement_id, summary, description, indicative_cost FROM recommendations ${where} ORDER BY certificate_number, item`, params,
    );
    const batches = () => h.logs.filter((l) => l.includes('"msg":"bulk batch stored"') && l.includes('"entry":"recommendations-2026.csv"')).length;
    for (const force of [false, true]) {
      const report = await importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger }, path, { force, now: NOW });
      expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: rows.length, recommendationsImported: lines.length, recommendationsRejected: 0 });
      expect(batches()).toBe(force ? 4 : 2);
      // The straddling certificate: all its items, each once, in item order, as stored.
      expect(await read('WHERE certificate_number = $1', [straddler.certificateNumber])).toEqual(expected((r) => r.certificate_number === straddler.certificateNumber));
      expect(await h.db.query(`SELECT items FROM recommendation_sets WHERE certificate_number = $1`, [straddler.certificateNumber])).toEqual([
        { items: bulkRecommendations(straddler).map((r) => Number(r.improvement_item)) },
      ]);
      // And every certificate's, after a first import and a forced second one alike.
      expect(await read('')).toEqual(expected(() => true));
    }
  });

  it('hands over only the days it imported: never a reject\'s day, never the day the file was made or later', async () => {
    // Rows from 2026-10-01 to 2026-10-05, a row lodged on the day the file was made, and rejects dated 2026-11-10.
    api.store.addCertificates(generateDay('2026-10-20', 3, { seed: 6 }));
    const badLater = exportLine({ certificate_number: '0000-0000-0000-0000-00X2', lodgement_date: '2026-11-10' });
    await api.publishBulkFile({ lastUpdated: '2026-10-20T00:31:19.000+00:00', extraLines: [badLater] });
    const report = await importFile((await download()).path, false, '2026-10-20T00:31:19.000+00:00');
    expect(report).toMatchObject({ outcome: 'succeeded', rowsRejected: 1, cutoffDay: '2026-10-19' });
    // The certificates of the day the file was made are stored, but that day is left to the API walk.
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE registration_date = '2026-10-20'`)).toEqual([{ n: 3 }]);
    expect(await h.db.query(`SELECT min(day)::text AS first, max(day)::text AS last FROM sync_checkpoint WHERE status = 'done'`)).toEqual([{ first: '2026-10-01', last: '2026-10-19' }]);
  });

  it('reads a ZIP64 file, and keeps and names the columns the file gained', async () => {
    await api.publishBulkFile({ zip64: true, extraColumns: ['heat_pump_flag'] });
    const report = await importFile((await download()).path);
    expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: 1200, newColumns: ['heat_pump_flag'] });
    const [row] = api.store.rowsForDay('2026-10-02');
    expect(await h.db.query(`SELECT bulk_extra FROM certificates WHERE certificate_number = $1`, [row!.certificateNumber])).toEqual([{ bulk_extra: { heat_pump_flag: `heat_pump_flag:${row!.certificateNumber}` } }]);
    const status = await readStatus(h.db, 'domestic');
    expect(status.lastBulkImport).toMatchObject({ status: 'succeeded', rowsImported: 1200, newColumns: ['heat_pump_flag'] });
    expect(formatStatus(status)).toMatch(/columns this release does not know: heat_pump_flag/);
    expect(h.logs.join('\n')).toMatch(/"columns":\["heat_pump_flag"\].*this release does not know/);
  });

  it('replaces a certificate\'s recommendations whole when a later file brings it again, even with none', async () => {
    await api.publishBulkFile();
    expect((await importFile((await download()).path)).outcome).toBe('succeeded');
    const again = api.store.rowsForDay('2026-10-02');
    const other = api.store.rowsForDay('2026-10-04');
    const bulkRecs = (rows: readonly { certificateNumber: string }[]) =>
      h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM recommendations WHERE source = 'bulk' AND certificate_number = ANY($1)`, [rows.map((r) => r.certificateNumber)]);
    expect((await bulkRecs(again))[0]!.n).toBeGreaterThan(0);
    const before = (await bulkRecs(other))[0]!.n;

    // A later file with 2026-10-02's certificates and no recommendations for them.
    const csv = [BULK_COLUMNS.join(','), ...again.map((r) => exportLine(bulkRecord(r) as Record<string, string>))].join('\n') + '\n';
    const path = join(dir, 'later.zip');
    writeFileSync(path, await zipOf('certificates-2026.csv', csv));
    expect(await importFile(path)).toMatchObject({ outcome: 'succeeded', rowsImported: again.length, recommendationsImported: 0 });
    expect(await bulkRecs(again)).toEqual([{ n: 0 }]);
    expect(await bulkRecs(other)).toEqual([{ n: before }]);
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
    const indexes = await certificateIndexes(h.db);
    const stopped = importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger }, file.path, { force: false, signal: stop.signal });
    setTimeout(() => stop.abort(), 50);
    const first = await stopped;
    expect(first.outcome).toBe('interrupted');
    expect(first.rowsImported).toBeLessThan(13_200);
    // A stopped first load leaves its deferred indexes to the next run, not to hold up the shutdown.
    expect((await certificateIndexes(h.db)).length).toBeLessThan(indexes.length);

    const second = await importFile(file.path);
    expect(second).toMatchObject({ outcome: 'succeeded', rowsImported: 13_200 });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 13_200 }]);
    expect(await certificateIndexes(h.db)).toEqual(indexes);
  });

  it('an import killed with SIGKILL mid-file, run again, ends with exactly the file rows and the killed one closed', async () => {
    const rows = generateDay('2026-09-29', 30_000, { seed: 11 });
    const path = join(dir, 'big.csv');
    writeFileSync(path, bulkCsv(rows));
    await h.close();
    // Leases of 1 s: a run whose heartbeat is 3 s old belongs to a dead process.
    const env = fakeEnv(api, database, { LOG_LEVEL: 'debug', SYNC_LEASE_SECONDS: '1' });
    const indexes = await database.open().then(async (db) => {
      try {
        return await certificateIndexes(db);
      } finally {
        await db.close();
      }
    });
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
    // The killed first load had dropped the secondary indexes; the next run built them before it began.
    expect(second.stderr).toMatch(/"msg":"built the indexes an interrupted bulk import had deferred"/);
    expect(await certificateIndexes(h.db)).toEqual(indexes);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM deferred_indexes`)).toEqual([{ n: 0 }]);
  });

  it('fails the import of a file that is not the bulk CSV, says why, and stores nothing', async () => {
    const path = join(dir, 'other.csv');
    writeFileSync(path, 'NAME,VALUE\r\nx,1\r\n');
    const report = await importFile(path);
    expect(report).toMatchObject({ outcome: 'failed', rowsImported: 0 });
    const [recorded] = await h.db.query<{ status: string; error: string }>(`SELECT status, error FROM bulk_imports ORDER BY id DESC LIMIT 1`);
    expect(recorded).toEqual({ status: 'failed', error: expect.stringMatching(/other.csv: the header has no certificate_number, lodgement_date column/) });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 0 }]);
  });

  it('fails, rather than hangs, on a ZIP whose compressed data is corrupt', async () => {
    await api.publishBulkFile();
    const file = await download();
    const bytes = readFileSync(file.path);
    bytes.fill(0xff, 400, 4000); // inside the entry's deflate stream, past its local header
    const broken = join(dir, 'broken.zip');
    writeFileSync(broken, bytes);
    const indexes = await certificateIndexes(h.db);
    const report = await importFile(broken);
    expect(report.outcome).toBe('failed');
    const [recorded] = await h.db.query<{ status: string; error: string }>(`SELECT status, error FROM bulk_imports ORDER BY id DESC LIMIT 1`);
    expect(recorded).toEqual({ status: 'failed', error: expect.any(String) });
    // The failed first load built back the indexes it had dropped.
    expect(await certificateIndexes(h.db)).toEqual(indexes);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM deferred_indexes`)).toEqual([{ n: 0 }]);
  });

  it('imports a CSV in the older upper-case shape the user already has, through the CLI', async () => {
    // The older file: upper-case names (some repeated), dd/mm/yyyy dates, UPRN- prefixes, lower-case bands, CRLF.
    const csvPath = join(dir, 'certificates.csv');
    const rows = api.store.rowsForDay('2026-10-04');
    writeFileSync(csvPath, bulkCsv(rows));
    await h.close();
    const result = await runCli(['import-bulk', '--file', csvPath], fakeEnv(api, database));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'succeeded', rowsImported: 300, rowsRejected: 0 });
    h = await openHarness(api, database, {}, NOW);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 300 }]);
    const withUprn = rows.find((r) => r.uprn !== null && r.currentEnergyEfficiencyBand !== null)!;
    // The fixture's values (test/fixtures/legacy-bulk/domestic.csv), typed.
    expect(await h.db.query(
      `SELECT uprn, current_energy_efficiency_band AS band, total_floor_area, inspection_date::text AS inspection_date, lodgement_datetime, region, bulk_extra
       FROM certificates_decoded WHERE certificate_number = $1`,
      [withUprn.certificateNumber],
    )).toEqual([{
      uprn: withUprn.uprn, band: withUprn.currentEnergyEfficiencyBand, total_floor_area: 55, inspection_date: '2020-05-04',
      lodgement_datetime: new Date('2026-10-04T00:00:00Z'), region: 'London', bulk_extra: null,
    }]);
  });
});
