/**
 * The documents step of a non-domestic and of a display day, end to end: the fake serves CEPC and DEC
 * documents consistent with each certificate's search row, and the recommendation report each one
 * names; the mirror fills the typed columns from the document and stores the report's items as the
 * certificate's recommendations, one more request per report through the same client.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/days.js';
import { upsertCertificates } from '../../src/db/certificates.js';
import { fetchDocumentsForDay } from '../../src/sync/documents.js';
import { generateDay, startFakeApi, type FakeApi, type SearchRow } from '../fake-api/index.js';
import { bandOfRating, displayReportNumber, ratingOf } from '../fake-api/register-documents.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DAY = addDays(TODAY, -1);
type Register = 'domestic' | 'non-domestic' | 'display';

/** Search rows of a register's day: the fake's generated addresses, a CEPC schema, and for non-domestic a report number (none for every fifth). */
function registerDay(register: 'non-domestic' | 'display', count: number, seed: number): SearchRow[] {
  return generateDay(DAY, count, { seed }).map((row, i) => ({
    ...row,
    schemaType: i % 2 === 0 ? 'CEPC-8.0.0' : 'CEPC-7.1',
    ...(register === 'non-domestic' ? { relatedRrn: i % 5 === 4 ? null : `9${row.certificateNumber.slice(1, -1)}${i % 10}` } : {}),
  }));
}

describe.each(TARGETS)('non-domestic and display documents with their recommendation reports on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 5 });
    // No retries: a report the fake fails once has failed.
    h = await openHarness(api, database, { FETCH_DOCUMENTS: 'true', SYNC_START_DATE: DAY, EPC_MAX_RETRIES: '0' }, NOW);
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
  });

  /** The day's search rows in the fake and in the mirror, as a walk of the day leaves them. */
  const stored = async (register: Register, rows: SearchRow[]) => {
    api.store.addCertificates(rows, { register });
    await h.db.transaction((tx) => upsertCertificates(tx, register, rows));
  };
  const documents = (register: Register) => fetchDocumentsForDay({ db: h.db, api: h.deps.api, logger: h.deps.logger, register }, DAY);
  const asked = () => api.requests.filter((r) => r.path === '/api/certificate').map((r) => r.query.certificate_number);

  it("fills a non-domestic day's typed columns from the documents and stores each report's items, one more request per report", async () => {
    const rows = registerDay('non-domestic', 10, 31);
    await stored('non-domestic', rows);
    const withReport = rows.filter((r) => r.relatedRrn);
    expect(withReport).toHaveLength(8);

    const report = await documents('non-domestic');
    expect(report).toMatchObject({ fetched: 10, notFound: 0, failed: 0, reportsNotFound: 0, requests: 18 });
    expect(asked().sort()).toEqual([...rows.map((r) => r.certificateNumber), ...withReport.map((r) => r.relatedRrn!)].sort());

    const certificates = await h.db.query<{
      certificate_number: string; asset_rating: number; current_energy_efficiency_band: string | null; floor_area: number; doc_area: string;
      building_emissions: number; main_heating_fuel: string; inspection_date: string; related_certificate_number: string | null; document_status: string;
    }>(
      `SELECT certificate_number, asset_rating, current_energy_efficiency_band, floor_area, document #>> '{technical_information,floor_area}' AS doc_area,
              building_emissions, main_heating_fuel, inspection_date::text, related_certificate_number, document_status
       FROM certificates_decoded ORDER BY certificate_number`,
    );
    expect(certificates).toHaveLength(10);
    for (const c of certificates) {
      const row = rows.find((r) => r.certificateNumber === c.certificate_number)!;
      expect(c.document_status).toBe('fetched');
      expect(c.asset_rating).toBe(ratingOf(api.store.get(row.certificateNumber)!));
      if (c.current_energy_efficiency_band) expect(bandOfRating(c.asset_rating)).toBe(c.current_energy_efficiency_band);
      expect(c.floor_area).toBe(Number(c.doc_area));
      expect(c.inspection_date).toBe(DAY);
      expect(c.related_certificate_number).toBe(row.relatedRrn);
    }
    // The template's values, per schema: CEPC-8.0.0 and CEPC-7.1 documents both read.
    expect(new Set(certificates.map((c) => `${c.building_emissions} ${c.main_heating_fuel}`))).toEqual(
      new Set(['76.29 Grid Supplied Electricity', '135.65 Grid Supplied Electricity']),
    );

    const items = await h.db.query<{ certificate_number: string; item: number; payback_type: string; recommendation_code: string; related_certificate_number: string; source: string }>(
      `SELECT certificate_number, item, payback_type, recommendation_code, related_certificate_number, source FROM recommendations ORDER BY 1, 2`,
    );
    expect(new Set(items.map((i) => i.certificate_number))).toEqual(new Set(withReport.map((r) => r.certificateNumber)));
    for (const row of withReport) {
      expect(items.filter((i) => i.certificate_number === row.certificateNumber).map((i) => [i.item, i.payback_type, i.related_certificate_number, i.source])).toEqual([
        [1, 'SHORT', row.relatedRrn, 'api'], [2, 'SHORT', row.relatedRrn, 'api'], [3, 'MEDIUM', row.relatedRrn, 'api'],
        [4, 'LONG', row.relatedRrn, 'api'], [5, 'OTHER', row.relatedRrn, 'api'],
      ]);
    }
  });

  it('stores the document of a certificate whose report the API answers 404 for, with the 404 noted; a failed report fails the certificate until the next run', async () => {
    const rows = registerDay('non-domestic', 5, 32);
    await stored('non-domestic', rows);
    const [missing, failing] = rows.filter((r) => r.relatedRrn);
    api.store.missingDocuments.add(missing!.relatedRrn!);
    api.failNext({ status: 500, path: '/api/certificate', match: (r) => r.query.get('certificate_number') === failing!.relatedRrn });

    const report = await documents('non-domestic');
    expect(report).toMatchObject({ fetched: 4, notFound: 0, failed: 1, reportsNotFound: 1, requests: 9 });
    const state = async (n: string) =>
      (await h.db.query<{ document_status: string; document_error: string | null; asset_rating: number | null; items: number }>(
        `SELECT document_status, document_error, asset_rating, (SELECT count(*)::int FROM recommendations r WHERE r.certificate_number = c.certificate_number) AS items
         FROM certificates c WHERE certificate_number = $1`,
        [n],
      ))[0];
    expect(await state(missing!.certificateNumber)).toEqual({
      document_status: 'fetched', document_error: expect.stringContaining(`404 for its recommendation report ${missing!.relatedRrn}`), asset_rating: expect.any(Number), items: 0,
    });
    expect(await state(failing!.certificateNumber)).toEqual({
      document_status: 'failed', document_error: expect.stringContaining(`recommendation report ${failing!.relatedRrn} could not be fetched`), asset_rating: null, items: 0,
    });

    // The next run fetches the failed certificate and its report again; the 404 stays noted, not retried.
    api.resetRequests();
    expect(await documents('non-domestic')).toMatchObject({ fetched: 1, failed: 0, requests: 2 });
    expect(asked()).toEqual([failing!.certificateNumber, failing!.relatedRrn]);
    expect(await state(failing!.certificateNumber)).toEqual({ document_status: 'fetched', document_error: null, asset_rating: expect.any(Number), items: 5 });
  });

  it("fills a display day's operational ratings (9999: unknown), floor areas into total_floor_area, and its reports' items", async () => {
    const rows = registerDay('display', 6, 33);
    // A default DEC: band G, a number ending in 9.
    rows[0] = { ...rows[0]!, certificateNumber: `${rows[0]!.certificateNumber.slice(0, -1)}9`, currentEnergyEfficiencyBand: 'G' };
    await stored('display', rows);

    expect(await documents('display')).toMatchObject({ fetched: 6, failed: 0, requests: 12 });
    const certificates = await h.db.query<{ certificate_number: string; current_operational_rating: number | null; sent: string; total_floor_area: number; doc_area: string; floor_area: number | null }>(
      `SELECT certificate_number, current_operational_rating, document #>> '{this_assessment,energy_rating}' AS sent, total_floor_area,
              document #>> '{technical_information,floor_area}' AS doc_area, floor_area
       FROM certificates ORDER BY certificate_number`,
    );
    for (const c of certificates) {
      const expected = ratingOf(api.store.get(c.certificate_number)!);
      expect(c.sent).toBe(String(expected));
      expect(c.current_operational_rating).toBe(c.certificate_number === rows[0]!.certificateNumber ? null : expected);
      expect(c.total_floor_area).toBe(Number(c.doc_area));
      expect(c.floor_area).toBeNull();
    }
    expect(certificates.find((c) => c.certificate_number === rows[0]!.certificateNumber)?.sent).toBe('9999');

    const items = await h.db.query<{ certificate_number: string; related_certificate_number: string; n: number; codes: string }>(
      `SELECT certificate_number, min(related_certificate_number) AS related_certificate_number, count(*)::int AS n,
              string_agg(payback_type || ' ' || recommendation_code, ', ' ORDER BY item) AS codes
       FROM recommendations GROUP BY certificate_number ORDER BY 1`,
    );
    expect(items).toEqual(rows.map((r) => r.certificateNumber).sort().map((n) => ({
      certificate_number: n, related_certificate_number: displayReportNumber(n), n: 5,
      codes: 'SHORT ECP-L5, SHORT EPC-L7, MEDIUM ECP-C1, LONG ECP-F4, OTHER ECP-H2',
    })));
  });

  it('asks for no report on a domestic day: one request per certificate, its improvements as before', async () => {
    const rows = generateDay(DAY, 8, { seed: 34 });
    await stored('domestic', rows);
    expect(await documents('domestic')).toMatchObject({ fetched: 8, requests: 8 });
    expect(asked().sort()).toEqual(rows.map((r) => r.certificateNumber).sort());
    const [kinds] = await h.db.query<{ with_payback: number; with_improvement: number }>(
      `SELECT count(payback_type)::int AS with_payback, count(improvement_id)::int AS with_improvement FROM recommendations`,
    );
    expect(kinds!.with_payback).toBe(0);
    expect(kinds!.with_improvement).toBeGreaterThan(0);
  });
});
