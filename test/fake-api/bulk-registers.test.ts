/**
 * The fake's non-domestic and display bulk files against the export job's conventions
 * (export_by_year.py) and the warehouse views' value forms: the same ZIP layout as domestic, each
 * register's own columns in the export order, the views' sentinels, 9999s, Y/N and whole numbers, and
 * recommendations as the export joins them to the certificates. Published per register by the fake.
 */
import { describe, expect, it } from 'vitest';
import { entries, parseCsv, type Parsed } from './bulk-read.js';
import {
  BULK_COLUMNS, DEFAULT_DEC_RATING, DISPLAY_COLUMNS, FAKE_TOKEN, NON_DOMESTIC_COLUMNS, REPORT_RECOMMENDATION_COLUMNS, bulkZip, displayRecommendations, displayRecord,
  generateDataset, generateDay, generateRegisterDay, nonDomesticRecommendations, nonDomesticRecord, reportBand, startFakeApi, type FakeRegister, type SearchRow,
} from './index.js';

const YEARS = ['2020', '2021', '2022'];
const rowsOf = (register: Exclude<FakeRegister, 'domestic'>) => [
  ...generateDataset({ from: '2020-12-28', to: '2021-01-03', perDay: 150, seed: 4, register }),
  ...generateDataset({ from: '2022-06-01', to: '2022-06-02', perDay: 150, seed: 4, register }),
];

async function readZip(zip: Buffer): Promise<{ names: string[]; parsed: Map<string, Parsed>; text: Map<string, string> }> {
  const files = await entries(zip);
  return {
    names: files.map(([n]) => n),
    parsed: new Map(files.map(([n, b]) => [n, parseCsv(b.toString('utf8'))])),
    text: new Map(files.map(([n, b]) => [n, b.toString('utf8')])),
  };
}

const CASES = [
  { register: 'non-domestic' as const, columns: NON_DOMESTIC_COLUMNS, record: nonDomesticRecord, recommendations: nonDomesticRecommendations },
  { register: 'display' as const, columns: DISPLAY_COLUMNS, record: displayRecord, recommendations: displayRecommendations },
];

describe.each(CASES)('fake bulk file of the $register register', ({ register, columns, record, recommendations }) => {
  const rows = rowsOf(register);
  const byNumber = new Map(rows.map((r) => [r.certificateNumber, r]));

  it('has the export layout: per-year certificates and recommendations entries, lower-case headers in the export order, \\n, no BOM, Spark quoting', async () => {
    const zip = await readZip(await bulkZip(rows, { register, seed: 1 }));
    expect([...zip.names].sort()).toEqual([...YEARS.map((y) => `certificates-${y}.csv`), ...YEARS.map((y) => `recommendations-${y}.csv`)]);
    for (const [name, text] of zip.text) {
      expect(text.charCodeAt(0), name).not.toBe(0xfeff);
      const header = text.slice(0, text.indexOf('\n') + 1);
      expect(header, name).toBe(`${(name.startsWith('certificates') ? columns : REPORT_RECOMMENDATION_COLUMNS).join(',')}\n`);
      expect(text).not.toContain('\r\n\n');
      const parsed = zip.parsed.get(name)!;
      expect(parsed.raw.every((raw) => raw.endsWith('\n'))).toBe(true);
      // Quoted exactly when a value is '' or holds a comma, quote or line break.
      parsed.records.forEach((r, i) => expect(parsed.quoted[i], name).toEqual(Object.values(r).map((v) => v === '' || (v !== null && /[",\r\n]/.test(v)))));
    }
    for (const year of YEARS) {
      const mine = rows.filter((r) => r.registrationDate.startsWith(year));
      expect(zip.parsed.get(`certificates-${year}.csv`)!.records).toEqual(mine.map(record));
      expect(zip.parsed.get(`recommendations-${year}.csv`)!.records).toEqual(mine.flatMap(recommendations));
    }
    expect(columns).toHaveLength(register === 'display' ? 54 : 39);
    for (const row of rows.slice(0, 100)) expect(Object.keys(record(row))).toEqual(columns);
  });

  it('writes the values the warehouse view writes', () => {
    const all = rows.map(record);
    for (const v of all) {
      const row = byNumber.get(v.certificate_number!)!;
      expect(v).toMatchObject({ lodgement_date: row.registrationDate, address1: row.addressLine1, posttown: row.postTown, postcode: row.postcode, local_authority_label: row.council, constituency_label: row.constituency });
      expect(v.address).toBe([row.addressLine1, row.addressLine2, row.addressLine3].filter((l) => l !== null).join(', '));
      expect(v.uprn).toBe(row.uprn === null ? null : String(row.uprn));
      expect(v.inspection_date! <= row.registrationDate).toBe(true);
      expect([null, 'Energy Assessor', 'Address Matched', '']).toContain(v.uprn_source);
    }
    const share = (test: (v: Record<string, string | null>) => boolean) => all.filter(test).length / all.length;
    if (register === 'non-domestic') {
      for (const v of all) {
        expect(v.lodgement_datetime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
        expect(v.asset_rating_band).toBe(reportBand(v.asset_rating === null ? null : Number(v.asset_rating)));
        expect([null, 'Yes', 'No']).toContain(v.aircon_present);
        expect(v.report_type).toBe('3');
      }
      expect(share((v) => v.asset_rating_band === 'A+')).toBeGreaterThan(0);
      expect(share((v) => v.aircon_kw_rating === '')).toBeGreaterThan(0.02);
      expect(share((v) => v.new_build_benchmark === 'NO DATA!')).toBeGreaterThan(0.005);
    } else {
      const forms = new Set<string>();
      for (const v of all) {
        forms.add(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/.test(v.lodgement_datetime!) ? 'fraction' : /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v.lodgement_datetime!) ? 'seconds' : v.lodgement_datetime!);
        const rating = v.current_operational_rating;
        expect(v.operational_rating_band).toBe(reportBand(rating === null ? null : Number(rating)));
        if (rating === DEFAULT_DEC_RATING) expect(v.operational_rating_band).toBe('G');
        expect([null, 'Y', 'N']).toContain(v.aircon_present);
        // ROUND(…)::INTEGER in the view: whole numbers.
        for (const c of ['total_floor_area', 'annual_thermal_fuel_usage', 'typical_thermal_fuel_usage', 'typical_thermal_use']) expect(v[c], c).toMatch(/^\d+$/);
        expect(v.typical_thermal_fuel_usage).toBe(v.typical_thermal_use);
        expect(v.report_type).toBe('1');
      }
      expect([...forms].sort()).toEqual(['fraction', 'seconds']);
      expect(share((v) => v.current_operational_rating === DEFAULT_DEC_RATING)).toBeGreaterThan(0.01);
      expect(share((v) => v.yr1_operational_rating === DEFAULT_DEC_RATING)).toBeGreaterThan(0);
      expect(share((v) => v.annual_electrical_fuel_usage === 'NO DATA!')).toBeGreaterThan(0.005);
    }
  });

  it('writes the recommendations as the export joins them: both numbers the certificate\'s, items 1.. across the payback lists in order', () => {
    const order = ['SHORT', 'MEDIUM', 'LONG', 'OTHER'];
    let withReport = 0;
    for (const row of rows) {
      const list = recommendations(row);
      if (list.length > 0) withReport += 1;
      expect(list.map((r) => r.recommendation_item)).toEqual(list.map((_, i) => String(i + 1)));
      const paybacks = list.map((r) => order.indexOf(r.payback_type!));
      expect(paybacks.every((p) => p >= 0)).toBe(true);
      expect(paybacks).toEqual([...paybacks].sort((a, b) => a - b));
      for (const r of list) expect(r).toMatchObject({ certificate_number: row.certificateNumber, related_certificate_number: row.certificateNumber });
      // Only a non-domestic certificate with a recommendation report has any.
      if (register === 'non-domestic' && row.relatedRrn === null) expect(list).toEqual([]);
    }
    expect(withReport / rows.length).toBeGreaterThan(0.6);
    expect(withReport).toBeLessThan(rows.length);
  });
});

describe('fake bulk files: publishing each register', () => {
  it('publishes each register\'s file at its own endpoints, and leaves the domestic file as it was', async () => {
    const api = await startFakeApi({ today: () => '2026-11-24', rateLimit: false });
    const get = async (path: string) => {
      const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${FAKE_TOKEN}` }, redirect: 'manual' });
      return { status: response.status, location: response.headers.get('location'), body: response.status === 302 ? null : await response.json() };
    };
    try {
      const domestic = generateDay('2026-01-02', 30);
      api.store.addCertificates(domestic);
      api.store.addCertificates(generateRegisterDay('non-domestic', '2025-12-31', 20, { seed: 2 }), { register: 'non-domestic' });
      api.store.addCertificates(generateRegisterDay('display', '2026-01-05', 20, { seed: 2 }), { register: 'display' });
      expect(await get('/api/files/display/csv/info')).toMatchObject({ status: 404, body: { data: { error: 'File not found' } } });
      expect(await get('/api/files/display/csv')).toMatchObject({ status: 404 });

      const files = new Map<string, Buffer>();
      for (const register of ['domestic', 'non-domestic', 'display'] as const) files.set(register, (await api.publishBulkFile({ register, lastUpdated: '2026-11-01T00:31:19.000+00:00' })).zip);
      // The domestic file is the one the fake always wrote (entries compared: a ZIP carries its entries' times).
      expect(await entries(files.get('domestic')!)).toEqual(await entries(await bulkZip(domestic, { seed: 0 })));
      expect(api.bulk.file!.zip).toBe(files.get('domestic'));

      for (const [register, zip] of files) {
        expect(await get(`/api/files/${register}/csv/info`)).toEqual({ status: 200, location: null, body: { data: { fileSize: zip.length, lastUpdated: '2026-11-01T00:31:19.000+00:00' } } });
        const link = await get(`/api/files/${register}/csv`);
        expect(link.status).toBe(302);
        expect(link.location).toMatch(new RegExp(`/s3/${register}-csv\\.zip\\?expires=`));
        const downloaded = Buffer.from(await (await fetch(link.location!)).arrayBuffer());
        expect(downloaded.equals(zip), register).toBe(true);
      }
      const headers = async (register: string) => (await readZip(files.get(register)!)).text;
      const first = (texts: Map<string, string>, prefix: string) => [...texts].find(([n]) => n.startsWith(prefix))![1].split('\n')[0];
      expect(first(await headers('domestic'), 'certificates-')).toBe(BULK_COLUMNS.join(','));
      expect(first(await headers('non-domestic'), 'certificates-')).toBe(NON_DOMESTIC_COLUMNS.join(','));
      expect(first(await headers('display'), 'recommendations-')).toBe(REPORT_RECOMMENDATION_COLUMNS.join(','));
      // Every certificate of the register, those search never serves (no report) too; none of another register.
      const numbers = (zipText: Map<string, string>) => [...zipText].filter(([n]) => n.startsWith('certificates-')).flatMap(([, t]) => parseCsv(t).records.map((r) => r.certificate_number));
      const nonDomestic: SearchRow[] = [...api.store.visibleBetween('0000-00-00', '9999-99-99', 'non-domestic')];
      expect(nonDomestic.some((r) => r.relatedRrn === null)).toBe(true);
      expect(numbers(await headers('non-domestic')).sort()).toEqual(nonDomestic.map((r) => r.certificateNumber).sort());
    } finally {
      await api.close();
    }
  });
});
