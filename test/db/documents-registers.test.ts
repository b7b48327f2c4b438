/**
 * Non-domestic (CEPC) and display (DEC) documents fill their certificates' typed columns, and the
 * recommendation report a certificate names becomes its recommendations, straight against the
 * database: what a user querying `certificates_decoded` (the certificates with their texts) and
 * `recommendations` sees after `storeDocuments`.
 * The documents are the service's sample documents of test/fixtures/documents (CEPC-*).
 */
import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { storeDocuments, type DocumentResult } from '../../src/db/documents.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

type Document = Record<string, unknown>;

const sample = (name: string): Document =>
  JSON.parse(readFileSync(new URL(`../fixtures/documents/${name}.json`, import.meta.url), 'utf8')) as Document;

const CEPC = '2100-0000-0000-0000-0001';
const CEPC_RR = '2100-0000-0000-0000-0002';
const DEC = '3100-0000-0000-0000-0001';
const DEC_RR = '3100-0000-0000-0000-0002';
const HOME = '1100-0000-0000-0000-0001';

const row = (certificateNumber: string, schemaType: string): CertificateRow => ({
  certificateNumber,
  addressLine1: 'Some Unit',
  addressLine2: '2 Lonely Street',
  addressLine3: null,
  addressLine4: null,
  postcode: 'SW1A 2AA',
  postTown: 'Whitbury',
  council: null,
  constituency: null,
  currentEnergyEfficiencyBand: 'D',
  registrationDate: '2025-04-04',
  uprn: 12457,
  schemaType,
});

/** A certificate's document naming its report, as the API serves it. */
const naming = (name: string, report: string | null): Document => {
  const doc = sample(name);
  if (report) doc.related_certificate_number = report;
  else delete doc.related_certificate_number;
  return doc;
};

const fetched = (certificateNumber: string, document: Document, report?: { number: string; document: Document | null }): DocumentResult => ({
  certificateNumber, status: 'fetched', document, error: report?.document === null ? 'the API answered 404 for its recommendation report' : null,
  ...(report ? { report: { certificateNumber: report.number, document: report.document } } : {}),
});

interface Recommendation {
  item: number;
  payback_type: string | null;
  recommendation_code: string | null;
  description: string | null;
  related_certificate_number: string | null;
  source: string;
}

const recommendations = (db: Db, n: string) =>
  db.query<Recommendation>(
    `SELECT item, payback_type, recommendation_code, description, related_certificate_number, source FROM recommendations
     WHERE certificate_number = $1 ORDER BY item`,
    [n],
  );

/** A set as the bulk import leaves a non-domestic certificate's recommendations (texts as terms). */
const storeBulkRecommendations = (db: Db, n: string, items: number) =>
  db.query(
    `INSERT INTO recommendation_sets (certificate_number, register, source, import_id, items, payback_type, recommendation_code, description, related_certificate_number)
     SELECT $1, 'non-domestic', 'bulk', 1, array_agg(i::smallint ORDER BY i), array_agg(epc_term_id('SHORT')), array_agg(epc_term_id('EPC-L1')),
            array_agg(epc_term_id('Replace the lamps')), array_agg($1::text)
     FROM generate_series(1, $2::int) AS i`,
    [n, items],
  );

// The CEPC-8.0.0 report's items (cepc-rr.json), numbered as the export numbers them.
const CEPC_REPORT_ITEMS = [
  { item: 1, payback_type: 'SHORT', recommendation_code: 'ECP-L5', description: 'Consider replacing T8 lamps with retrofit T5 conversion kit.' },
  { item: 2, payback_type: 'SHORT', recommendation_code: 'EPC-L7', description: 'Introduce HF (high frequency) ballasts for fluorescent tubes: Reduced number of fittings required.' },
  { item: 3, payback_type: 'MEDIUM', recommendation_code: 'EPC-H7', description: 'Add optimum start/stop to the heating system.' },
  { item: 4, payback_type: 'LONG', recommendation_code: 'EPC-R5', description: 'Consider installing an air source heat pump.' },
  { item: 5, payback_type: 'OTHER', recommendation_code: 'EPC-R4', description: 'Consider installing PV.' },
].map((r) => ({ ...r, related_certificate_number: CEPC_RR, source: 'api' }));

describe.each(TARGETS)('non-domestic and display documents on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(async () => {
    db = fresh.db;
    await db.transaction(async (tx) => {
      await upsertCertificates(tx, 'domestic', [row(HOME, 'RdSAP-Schema-21.0.1')]);
      await upsertCertificates(tx, 'non-domestic', [row(CEPC, 'CEPC-8.0.0')]);
      await upsertCertificates(tx, 'display', [row(DEC, 'CEPC-8.0.0')]);
    });
  });

  it("fills a non-domestic certificate's typed columns from its document, typed as the bulk file's", async () => {
    await storeDocuments(db, [fetched(CEPC, sample('CEPC-8.0.0__cepc'))]);
    const [stored] = await db.query(
      `SELECT asset_rating, floor_area, total_floor_area, standard_emissions, target_emissions, typical_emissions, building_emissions,
              main_heating_fuel, other_fuel_desc, special_energy_uses, renewable_sources, building_level, new_build_benchmark,
              existing_stock_benchmark, aircon_present, aircon_kw_rating, estimated_aircon_kw_rating, ac_inspection_commissioned,
              building_environment, report_type, primary_energy_value, property_type, inspection_date::text, lodgement_datetime, uprn_source,
              pg_typeof(asset_rating)::text AS rating_type, pg_typeof(floor_area)::text AS area_type
       FROM certificates_decoded WHERE certificate_number = $1`,
      [CEPC],
    );
    expect(stored).toEqual({
      asset_rating: 84, floor_area: 951, total_floor_area: null, standard_emissions: 45.61, target_emissions: 31.05, typical_emissions: 90.98,
      building_emissions: 76.29, main_heating_fuel: 'Grid Supplied Electricity', other_fuel_desc: 'Other fuel test', special_energy_uses: 'Test sp',
      renewable_sources: 'Renewable sources test', building_level: 3, new_build_benchmark: 34, existing_stock_benchmark: 100, aircon_present: 'No',
      aircon_kw_rating: 100, estimated_aircon_kw_rating: '3', ac_inspection_commissioned: '4', building_environment: 'Air Conditioning',
      report_type: '3', primary_energy_value: 451.27, property_type: 'A1/A2 Retail and Financial/Professional services', inspection_date: '2021-03-19',
      lodgement_datetime: new Date('2025-08-18T20:54:31Z'), uprn_source: 'Energy Assessor', rating_type: 'integer', area_type: 'real',
    });
  });

  it("stores the report's items as the certificate's recommendations, numbered SHORT, MEDIUM, LONG, OTHER as the export does", async () => {
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: sample('CEPC-8.0.0__cepc-rr') })]);
    expect(await recommendations(db, CEPC)).toEqual(CEPC_REPORT_ITEMS);
    const [owner] = await db.query(`SELECT min(register) AS register, count(import_id)::int AS imports FROM recommendations`);
    expect(owner).toEqual({ register: 'non-domestic', imports: 0 });
    // Search gave no report number here: the document's fills it.
    expect(await db.query(`SELECT related_certificate_number FROM certificates WHERE certificate_number = $1`, [CEPC])).toEqual([
      { related_certificate_number: CEPC_RR },
    ]);

    // A list left out (no MEDIUM items) numbers the next ones on, with no gap.
    const report = sample('CEPC-8.0.0__cepc-rr');
    delete report.medium_payback;
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: report })]);
    expect((await recommendations(db, CEPC)).map((r) => [r.item, r.payback_type, r.recommendation_code])).toEqual([
      [1, 'SHORT', 'ECP-L5'], [2, 'SHORT', 'EPC-L7'], [3, 'LONG', 'EPC-R5'], [4, 'OTHER', 'EPC-R4'],
    ]);
  });

  it("keeps the report number search gave, and changes nothing when the same documents are stored again", async () => {
    await db.query(`UPDATE certificates SET related_certificate_number = '2100-0000-0000-0000-0009' WHERE certificate_number = $1`, [CEPC]);
    const result = fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: sample('CEPC-8.0.0__cepc-rr') });
    await storeDocuments(db, [result]);
    const before = await recommendations(db, CEPC);
    await storeDocuments(db, [structuredClone(result)]);
    expect(await recommendations(db, CEPC)).toEqual(before);
    expect(before).toEqual(CEPC_REPORT_ITEMS);
    expect(await db.query(`SELECT related_certificate_number FROM certificates WHERE certificate_number = $1`, [CEPC])).toEqual([
      { related_certificate_number: '2100-0000-0000-0000-0009' },
    ]);
  });

  it("replaces the file's recommendations with the report's; a document naming no report removes only the API's", async () => {
    await storeBulkRecommendations(db, CEPC, 7);
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: sample('CEPC-8.0.0__cepc-rr') })]);
    expect(await recommendations(db, CEPC)).toEqual(CEPC_REPORT_ITEMS);

    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc', null))]);
    expect(await recommendations(db, CEPC)).toEqual([]);

    // The file's set stays when the document names no report.
    await storeBulkRecommendations(db, CEPC, 2);
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc', null))]);
    expect((await recommendations(db, CEPC)).map((r) => [r.item, r.source])).toEqual([[1, 'bulk'], [2, 'bulk']]);
  });

  it('stores the document of a certificate whose report the API answered 404 for, notes it, and keeps its recommendations', async () => {
    await storeBulkRecommendations(db, CEPC, 2);
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: null })]);
    const [state] = await db.query(
      `SELECT document_status, document_error, asset_rating, document->>'related_certificate_number' AS named FROM certificates WHERE certificate_number = $1`,
      [CEPC],
    );
    expect(state).toEqual({ document_status: 'fetched', document_error: expect.stringMatching(/404.*report/), asset_rating: 84, named: CEPC_RR });
    expect((await recommendations(db, CEPC)).map((r) => [r.item, r.source])).toEqual([[1, 'bulk'], [2, 'bulk']]);

    // A later fetch that gets the report replaces them and clears the note.
    await storeDocuments(db, [fetched(CEPC, naming('CEPC-8.0.0__cepc+rr', CEPC_RR), { number: CEPC_RR, document: sample('CEPC-8.0.0__cepc-rr') })]);
    expect(await recommendations(db, CEPC)).toEqual(CEPC_REPORT_ITEMS);
    expect(await db.query(`SELECT document_error FROM certificates WHERE certificate_number = $1`, [CEPC])).toEqual([{ document_error: null }]);
  });

  it("fills a display certificate's operational ratings, its floor area into total_floor_area, and its report's items", async () => {
    await storeDocuments(db, [fetched(DEC, naming('CEPC-8.0.0__dec', DEC_RR), { number: DEC_RR, document: sample('CEPC-8.0.0__dec-rr') })]);
    const [stored] = await db.query(
      `SELECT current_operational_rating, yr1_operational_rating, yr2_operational_rating, electric_co2, heating_co2, renewables_co2,
              total_floor_area, floor_area, asset_rating, main_heating_fuel, other_fuel_desc, special_energy_uses, building_category,
              nominated_date::text, or_assessment_end_date::text, occupancy_level, annual_thermal_fuel_usage, typical_electrical_fuel_usage,
              aircon_kw_rating, aircon_present, building_environment, property_type, report_type
       FROM certificates_decoded WHERE certificate_number = $1`,
      [DEC],
    );
    expect(stored).toEqual({
      current_operational_rating: 1, yr1_operational_rating: 24, yr2_operational_rating: 40, electric_co2: 7, heating_co2: 3, renewables_co2: 0,
      total_floor_area: 99, floor_area: null, asset_rating: null, main_heating_fuel: 'Natural Gas', other_fuel_desc: 'other', special_energy_uses: 'special',
      building_category: 'C1', nominated_date: '2020-01-01', or_assessment_end_date: '2020-05-01', occupancy_level: 'level', annual_thermal_fuel_usage: 1,
      typical_electrical_fuel_usage: 1, aircon_kw_rating: 1, aircon_present: null, building_environment: 'Heating and Natural Ventilation',
      property_type: 'B1 Offices and Workshop businesses', report_type: '1',
    });
    expect((await recommendations(db, DEC)).map((r) => [r.item, r.payback_type, r.recommendation_code, r.related_certificate_number])).toEqual([
      [1, 'SHORT', 'ECP-L5', DEC_RR], [2, 'SHORT', 'EPC-L7', DEC_RR], [3, 'MEDIUM', 'ECP-C1', DEC_RR], [4, 'LONG', 'ECP-F4', DEC_RR], [5, 'OTHER', 'ECP-H2', DEC_RR],
    ]);
  });

  it('reads an operational rating of 9999 (a default DEC) as unknown: NULL, the other years kept', async () => {
    const document = sample('CEPC-8.0.0__dec');
    (document.this_assessment as Document).energy_rating = 9999;
    (document.year1_assessment as Document).energy_rating = '9999';
    await storeDocuments(db, [fetched(DEC, document)]);
    expect(
      await db.query(`SELECT current_operational_rating, yr1_operational_rating, yr2_operational_rating, document #>> '{this_assessment,energy_rating}' AS sent
                      FROM certificates WHERE certificate_number = $1`, [DEC]),
    ).toEqual([{ current_operational_rating: null, yr1_operational_rating: null, yr2_operational_rating: 40, sent: '9999' }]);
  });

  it("reads a column the registers share from each certificate's own register's place in its document", async () => {
    await storeDocuments(db, [
      fetched(HOME, sample('RdSAP-Schema-21.0.1__epc')),
      fetched(CEPC, sample('CEPC-8.0.0__cepc')),
      fetched(DEC, sample('CEPC-8.0.0__dec')),
    ]);
    const rows = await db.query(
      `SELECT certificate_number, total_floor_area, floor_area, property_type, inspection_date::text, main_heating_fuel FROM certificates_decoded ORDER BY 1`,
    );
    expect(rows).toEqual([
      // The domestic document's property type is a code: the column keeps the file's label (none here).
      { certificate_number: HOME, total_floor_area: 55, floor_area: null, property_type: null, inspection_date: '2025-04-04', main_heating_fuel: null },
      {
        certificate_number: CEPC, total_floor_area: null, floor_area: 951, property_type: 'A1/A2 Retail and Financial/Professional services',
        inspection_date: '2021-03-19', main_heating_fuel: 'Grid Supplied Electricity',
      },
      {
        certificate_number: DEC, total_floor_area: 99, floor_area: null, property_type: 'B1 Offices and Workshop businesses', inspection_date: '2020-05-04',
        main_heating_fuel: 'Natural Gas',
      },
    ]);
    // The domestic certificate's recommendations are its improvements, untouched by the others'.
    expect((await recommendations(db, HOME)).map((r) => [r.item, r.payback_type])).toEqual([[1, null], [2, null], [3, null]]);
  });
});
