/**
 * The non-domestic and display bulk files end to end: downloaded from the fake's endpoints of each
 * register, imported into the register's typed columns and recommendations, shown by the register
 * views; a file given as another register's refused whole; each register's merge on its own staging.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadBulkFile } from '../../src/bulk/download.js';
import { importBulkFile } from '../../src/bulk/import.js';
import type { Register } from '../../src/config/types.js';
import { daysBetween, eachDay } from '../../src/days.js';
import {
  DISPLAY_COLUMNS, NON_DOMESTIC_COLUMNS, displayRecommendations, displayRecord, generateDay, generateRegisterDay, nonDomesticRecommendations, nonDomesticRecord,
  sparkCsvLine, startFakeApi, type BulkValues, type FakeApi, type SearchRow,
} from '../fake-api/index.js';
import { runCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const MADE = '2026-11-01T00:31:19.000+00:00';
const DAYS = ['2024-12-30', '2025-01-02', '2025-06-30', '2026-10-01', '2026-10-02'];
const SENTINEL = new Set(['INVALID!', 'NO DATA!', 'N/A', 'Not recorded']);
/** A number column as the import stores it: NULL for nothing, '' and the sentinels. */
const number = (v: string | null | undefined) => (v === undefined || v === null || v === '' || SENTINEL.has(v) ? null : Number(v));
const text = (v: string | null | undefined) => (v === undefined || v === '' ? null : v);
const utc = (datetime: string) => new Date(`${datetime.replace(' ', 'T')}Z`);

/** A line of a register's export with `over` by column name; broken rows the import must reject. */
const line = (columns: readonly string[], over: Record<string, string>) => sparkCsvLine(columns.map((c) => over[c] ?? null)).replace(/\n$/, '');
const badLines = (columns: readonly string[]) => [
  line(columns, { certificate_number: '0000-0000-0000-0000-00X1', lodgement_date: '2026-10-02' }),
  line(columns, { certificate_number: '0000-0000-0000-0000-0031', lodgement_date: '2031-01-06' }),
  '1111-2222-3333-4444-5555,,,1 Short Row,2026-10-02',
];

describe.each(TARGETS)('non-domestic and display bulk files on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;
  let dir: string;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 9 });
    for (const register of ['non-domestic', 'display'] as const) {
      for (const day of DAYS) api.store.addCertificates(generateRegisterDay(register, day, 120, { seed: 3 }), { register });
    }
    for (const day of eachDay('2026-10-01', '2026-10-02')) api.store.addCertificates(generateDay(day, 100, { seed: 4 }));
    h = await openHarness(api, database, {}, NOW);
    dir = mkdtempSync(join(tmpdir(), 'epc-bulk-registers-'));
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const rowsOf = (register: Register) => [...api.store.visibleBetween('0000-00-00', '9999-99-99', register)];
  const download = (register: Register) => downloadBulkFile(h.deps.api as never, register, dir, h.deps.logger);
  const importAs = (register: Register, path: string, force = false) =>
    importBulkFile({ db: h.db, config: h.config, logger: h.deps.logger, register }, path, { force, lastUpdated: MADE, now: NOW });
  const count = async (sql: string, params: unknown[] = []) => (await h.db.query<{ n: number }>(sql, params))[0]!.n;

  /** The recommendations stored for a certificate, against the file's rows for it. */
  async function expectRecommendations(register: Register, row: SearchRow, file: BulkValues[]) {
    expect(await h.db.query(
      `SELECT register, source, item, payback_type, recommendation_code, description, related_certificate_number FROM recommendations WHERE certificate_number = $1 ORDER BY item`,
      [row.certificateNumber],
    )).toEqual(file.map((r) => ({
      register, source: 'bulk', item: Number(r.recommendation_item), payback_type: r.payback_type, recommendation_code: text(r.recommendation_code),
      // The file's related_certificate_number repeats the certificate's own number: not the report's.
      description: text(r.recommendation), related_certificate_number: null,
    })));
  }

  it('imports the non-domestic file: every certificate under its register, typed, with its report\'s recommendations; the view shows them', async () => {
    const rows = rowsOf('non-domestic');
    const recommendations = rows.flatMap(nonDomesticRecommendations);
    const bad = badLines(NON_DOMESTIC_COLUMNS);
    await api.publishBulkFile({ register: 'non-domestic', lastUpdated: MADE, extraLines: bad });
    const file = await download('non-domestic');
    expect(file.path).toMatch(/non-domestic-2026-11-01\.zip$/);
    const report = await importAs('non-domestic', file.path);
    expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: rows.length, rowsRejected: bad.length, recommendationsImported: recommendations.length, cutoffDay: '2026-10-02', newColumns: [] });

    // Those without a report (search never serves them) are in the file, with no recommendations.
    const withoutReport = rows.filter((r) => r.relatedRrn === null);
    expect(withoutReport.length).toBeGreaterThan(0);
    expect(withoutReport.flatMap(nonDomesticRecommendations)).toEqual([]);

    const stored = new Map((await h.db.query<{ certificate_number: string }>(
      `SELECT certificate_number, register, source, registration_date::text AS day, current_energy_efficiency_band AS band, asset_rating, floor_area, building_level,
              building_emissions, new_build_benchmark, primary_energy_value, inspection_date::text AS inspection_date, lodgement_datetime, transaction_type,
              aircon_present, aircon_kw_rating, main_heating_fuel, address, local_authority_code, council, uprn, uprn_source, bulk_extra
       FROM certificates_decoded`,
    )).map((r) => [r.certificate_number, r]));
    expect(stored.size).toBe(rows.length);
    for (const row of rows) {
      const v = nonDomesticRecord(row);
      expect(stored.get(row.certificateNumber), row.certificateNumber).toEqual({
        certificate_number: row.certificateNumber, register: 'non-domestic', source: 'bulk', day: row.registrationDate,
        band: v.asset_rating_band, asset_rating: number(v.asset_rating), floor_area: number(v.floor_area), building_level: number(v.building_level),
        building_emissions: number(v.building_emissions), new_build_benchmark: number(v.new_build_benchmark), primary_energy_value: number(v.primary_energy_value),
        inspection_date: v.inspection_date, lodgement_datetime: utc(v.lodgement_datetime!), transaction_type: v.transaction_type,
        aircon_present: v.aircon_present, aircon_kw_rating: number(v.aircon_kw_rating), main_heating_fuel: v.main_heating_fuel, address: text(v.address),
        local_authority_code: v.local_authority, council: row.council, uprn: row.uprn, uprn_source: text(v.uprn_source), bulk_extra: null,
      });
    }
    // The cases the file really has: an A+ band, an unknown air-conditioning rating (''), sentinels in number columns.
    expect(rows.some((r) => nonDomesticRecord(r).asset_rating_band === 'A+')).toBe(true);
    expect(rows.some((r) => nonDomesticRecord(r).aircon_kw_rating === '')).toBe(true);
    expect(rows.some((r) => nonDomesticRecord(r).primary_energy_value === 'N/A')).toBe(true);

    expect(await count(`SELECT count(*)::int AS n FROM recommendations WHERE register = 'non-domestic' AND source = 'bulk'`)).toBe(recommendations.length);
    const withRecs = rows.find((r) => nonDomesticRecommendations(r).length >= 3)!;
    await expectRecommendations('non-domestic', withRecs, nonDomesticRecommendations(withRecs));
    expect(new Set(recommendations.map((r) => r.payback_type))).toEqual(new Set(['SHORT', 'MEDIUM', 'LONG', 'OTHER']));

    // Rejects are only the broken rows; the file's days are handed over for this register alone.
    expect((await h.db.query<{ reason: string }>(`SELECT reason FROM rejected_rows WHERE source = 'bulk' AND register = 'non-domestic' ORDER BY reason`)).map((r) => r.reason)).toEqual([
      expect.stringMatching(/^certificates-\d{4}\.csv: certificate_number is not/),
      expect.stringMatching(/^certificates-\d{4}\.csv: lodgement_date 2031-01-06 is after 2026-11-23/),
      expect.stringMatching(/^certificates-\d{4}\.csv: row has 5 fields, the header 39/),
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM sync_checkpoint WHERE register = 'non-domestic' AND status = 'done' AND source = 'bulk'`)).toBe(daysBetween(DAYS[0]!, '2026-10-02') + 1);
    expect(await count(`SELECT count(*)::int AS n FROM sync_checkpoint WHERE register <> 'non-domestic'`)).toBe(0);

    // The view: the file's names and values, typed.
    expect(await count(`SELECT count(*)::int AS n FROM non_domestic_certificates`)).toBe(rows.length);
    const v = nonDomesticRecord(withRecs);
    expect(await h.db.query(
      `SELECT asset_rating, asset_rating_band, lodgement_date::text AS lodgement_date, transaction_type, floor_area, posttown, local_authority, local_authority_label, uprn, source, document_status
       FROM non_domestic_certificates WHERE certificate_number = $1`,
      [withRecs.certificateNumber],
    )).toEqual([{
      asset_rating: number(v.asset_rating), asset_rating_band: v.asset_rating_band, lodgement_date: v.lodgement_date, transaction_type: v.transaction_type,
      floor_area: number(v.floor_area), posttown: v.posttown, local_authority: v.local_authority, local_authority_label: v.local_authority_label, uprn: withRecs.uprn,
      source: 'bulk', document_status: null,
    }]);
  });

  it('imports the display file: 9999 (a default DEC) is an unknown rating, Y/N and whole numbers as written; the view shows them', async () => {
    const rows = rowsOf('display');
    const recommendations = rows.flatMap(displayRecommendations);
    await api.publishBulkFile({ register: 'display', lastUpdated: MADE, extraLines: badLines(DISPLAY_COLUMNS).slice(0, 1) });
    const report = await importAs('display', (await download('display')).path);
    expect(report).toMatchObject({ outcome: 'succeeded', rowsImported: rows.length, rowsRejected: 1, recommendationsImported: recommendations.length, cutoffDay: '2026-10-02' });

    const stored = new Map((await h.db.query<{ certificate_number: string }>(
      `SELECT certificate_number, register, current_operational_rating, yr1_operational_rating, yr2_operational_rating, current_energy_efficiency_band AS band,
              total_floor_area, annual_thermal_fuel_usage, typical_thermal_use, annual_electrical_fuel_usage, renewables_electrical, heating_co2, aircon_present,
              nominated_date::text AS nominated_date, lodgement_datetime, other_fuel_desc, country, bulk_extra
       FROM certificates_decoded`,
    )).map((r) => [r.certificate_number, r]));
    expect(stored.size).toBe(rows.length);
    const rating = (v: string | null | undefined) => (v === '9999' ? null : number(v));
    for (const row of rows) {
      const v = displayRecord(row);
      expect(stored.get(row.certificateNumber), row.certificateNumber).toEqual({
        certificate_number: row.certificateNumber, register: 'display',
        current_operational_rating: rating(v.current_operational_rating), yr1_operational_rating: rating(v.yr1_operational_rating), yr2_operational_rating: rating(v.yr2_operational_rating),
        band: v.operational_rating_band, total_floor_area: number(v.total_floor_area), annual_thermal_fuel_usage: number(v.annual_thermal_fuel_usage),
        typical_thermal_use: number(v.typical_thermal_use), annual_electrical_fuel_usage: number(v.annual_electrical_fuel_usage), renewables_electrical: number(v.renewables_electrical),
        heating_co2: number(v.heating_co2), aircon_present: v.aircon_present, nominated_date: v.nominated_date, lodgement_datetime: utc(v.lodgement_datetime!),
        other_fuel_desc: v.other_fuel, country: v.country, bulk_extra: null,
      });
    }
    const defaults = rows.filter((r) => displayRecord(r).current_operational_rating === '9999');
    expect(defaults.length).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM display_certificates WHERE current_operational_rating IS NULL AND operational_rating_band = 'G'`)).toBeGreaterThanOrEqual(defaults.length);
    expect(rows.some((r) => displayRecord(r).annual_electrical_fuel_usage === 'NO DATA!')).toBe(true);

    expect(await count(`SELECT count(*)::int AS n FROM recommendations WHERE register = 'display'`)).toBe(recommendations.length);
    const withRecs = rows.find((r) => displayRecommendations(r).length >= 3)!;
    await expectRecommendations('display', withRecs, displayRecommendations(withRecs));

    const v = displayRecord(defaults[0]!);
    expect(await h.db.query(
      `SELECT current_operational_rating, operational_rating_band, total_floor_area, aircon_present, other_fuel, lodgement_date::text AS lodgement_date FROM display_certificates WHERE certificate_number = $1`,
      [defaults[0]!.certificateNumber],
    )).toEqual([{ current_operational_rating: null, operational_rating_band: 'G', total_floor_area: number(v.total_floor_area), aircon_present: v.aircon_present, other_fuel: v.other_fuel, lodgement_date: v.lodgement_date }]);
    expect(await count(`SELECT count(*)::int AS n FROM non_domestic_certificates`)).toBe(0);
  });

  it('refuses a file given as another register\'s, naming both, and stores nothing of it', async () => {
    await api.publishBulkFile();
    const domestic = await download('domestic');
    const asDisplay = await importAs('display', domestic.path);
    expect(asDisplay).toMatchObject({ outcome: 'failed', rowsImported: 0, error: expect.stringMatching(/is from the domestic register's bulk file \(its header has .*\), not the display register's: import it as domestic/) });

    // The non-domestic and display recommendations entries look alike: the certificates entries tell.
    await api.publishBulkFile({ register: 'non-domestic' });
    const asOther = await importAs('display', (await download('non-domestic')).path);
    expect(asOther).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/is from the non-domestic register's bulk file .*not the display register's/) });

    expect(await count(`SELECT count(*)::int AS n FROM certificates`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM recommendations`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM sync_checkpoint`)).toBe(0);
    expect(await h.db.query(`SELECT register, status FROM bulk_imports ORDER BY id`)).toEqual([{ register: 'display', status: 'failed' }, { register: 'display', status: 'failed' }]);

    // The same through the command line.
    await h.close();
    const cli = await runCli(['import-bulk', '--file', domestic.path, '--register', 'non-domestic'], fakeEnv(api, database, { EPC_REGISTERS: 'domestic,non-domestic' }));
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/is from the domestic register's bulk file .*not the non-domestic register's: import it as domestic \(import-bulk --register domestic\)/);
    h = await openHarness(api, database, {}, NOW);
    expect(await count(`SELECT count(*)::int AS n FROM certificates`)).toBe(0);
  });

  it('imports each register\'s file into one database twice: the second time merges on the register\'s own staging and changes nothing; new columns kept per register', async () => {
    await api.publishBulkFile({ register: 'non-domestic', extraColumns: ['heat_pump_flag'] });
    await api.publishBulkFile({ register: 'display' });
    await api.publishBulkFile();
    const files = { 'non-domestic': await download('non-domestic'), display: await download('display'), domestic: await download('domestic') };
    const snapshot = () => h.db.query(
      `SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY certificate_number)) FROM (SELECT certificate_number, register, source, bulk_extra, asset_rating, current_operational_rating, total_floor_area, current_energy_efficiency_band, transaction_type, aircon_present, walls_description FROM certificates_decoded) c) AS certificates,
              (SELECT md5(string_agg(concat_ws(',', certificate_number, item, register, payback_type, recommendation_code, description, summary), '|' ORDER BY certificate_number, item)) FROM recommendations) AS recommendations`,
    );
    const first = await importAs('non-domestic', files['non-domestic'].path);
    expect(first).toMatchObject({ outcome: 'succeeded', newColumns: ['heat_pump_flag'] });
    const row = rowsOf('non-domestic')[0]!;
    expect(await h.db.query(`SELECT bulk_extra FROM certificates WHERE certificate_number = $1`, [row.certificateNumber])).toEqual([{ bulk_extra: { heat_pump_flag: `heat_pump_flag:${row.certificateNumber}` } }]);
    for (const register of ['display', 'domestic'] as const) expect((await importAs(register, files[register].path)).outcome).toBe('succeeded');
    const before = await snapshot();
    for (const register of ['non-domestic', 'display', 'domestic'] as const) {
      expect(await importAs(register, files[register].path, true), register).toMatchObject({ outcome: 'succeeded', rowsRejected: 0 });
    }
    expect(await snapshot()).toEqual(before);
    expect(await h.db.query(`SELECT register, count(*)::int AS n FROM certificates GROUP BY register ORDER BY register`)).toEqual([
      { register: 'display', n: rowsOf('display').length }, { register: 'domestic', n: rowsOf('domestic').length }, { register: 'non-domestic', n: rowsOf('non-domestic').length },
    ]);
  });
});
