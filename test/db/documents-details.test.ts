/**
 * A fetched certificate document fills the certificate's typed details (floor area, costs,
 * descriptions, inspection date) and its recommendations, straight against the database: what a user
 * querying `certificates_decoded` (the certificates with their texts), `certificate_details` and
 * `recommendations` sees after `storeDocuments`.
 * The documents are the real sample documents of test/fixtures/documents.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { storeDocuments, type DocumentResult } from '../../src/db/documents.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

type Document = Record<string, unknown>;

const sample = (name: string): Document =>
  JSON.parse(readFileSync(new URL(`../fixtures/documents/${name}__epc.json`, import.meta.url), 'utf8')) as Document;

const A = '0000-0000-0000-0000-0001';
const B = '0000-0000-0000-0000-0002';

const row = (certificateNumber: string, schemaType = 'RdSAP-Schema-21.0.1'): CertificateRow => ({
  certificateNumber,
  addressLine1: '1 Some Street',
  addressLine2: null,
  addressLine3: null,
  addressLine4: null,
  postcode: 'A0 0AA',
  postTown: 'Whitbury',
  council: null,
  constituency: null,
  currentEnergyEfficiencyBand: 'E',
  registrationDate: '2025-04-04',
  uprn: 12457,
  schemaType,
});

const fetched = (certificateNumber: string, document: Document): DocumentResult => ({ certificateNumber, status: 'fetched', document, error: null });
const failed = (certificateNumber: string): DocumentResult => ({ certificateNumber, status: 'failed', document: null, error: 'socket hang up' });
const notFound = (certificateNumber: string): DocumentResult => ({
  certificateNumber, status: 'not_found', document: null, error: 'the API answered 404 Certificate not found; retried next run',
});

interface Details {
  total_floor_area: number | null;
  heating_cost_current: number | null;
  walls_description: string | null;
  mainheat_description: string | null;
  inspection_date: string | null;
}

const DETAILS = 'total_floor_area, heating_cost_current, walls_description, mainheat_description, inspection_date';

const details = async (db: Db, n: string): Promise<Details | undefined> =>
  (await db.query<Details>(`SELECT ${DETAILS} FROM certificates_decoded WHERE certificate_number = $1`, [n]))[0];

const viewDetails = async (db: Db, n: string): Promise<Details | undefined> =>
  (await db.query<Details>(`SELECT ${DETAILS} FROM certificate_details WHERE certificate_number = $1`, [n]))[0];

interface Recommendation {
  item: number;
  source: string;
  improvement_id: string | null;
  summary: string | null;
  description: string | null;
  indicative_cost: string | null;
}

const recommendations = (db: Db, n: string) =>
  db.query<Recommendation>(
    `SELECT item, source, improvement_id, summary, description, indicative_cost FROM recommendations
     WHERE certificate_number = $1 ORDER BY item`,
    [n],
  );

/** A set as the bulk import leaves it (source 'bulk', texts from the file as terms). */
const storeBulkRecommendations = (db: Db, n: string, items: number) =>
  db.query(
    `INSERT INTO recommendation_sets (certificate_number, register, source, import_id, items, improvement_id, summary, description, indicative_cost)
     SELECT $1, 'domestic', 'bulk', 1, array_agg(i::smallint ORDER BY i), array_agg(epc_term_id('5')),
            array_agg(epc_term_id('Increase loft insulation to 270 mm')), array_agg(epc_term_id('Loft insulation laid in the loft space')),
            array_agg(epc_term_id('£100 - £350'))
     FROM generate_series(1, $2::int) AS i`,
    [n, items],
  );

// What a user reads off each sample: hand-copied from the documents, in the three shapes the schemas
// use (descriptions as { value, language } or plain text, costs as numbers or { value, currency }).
const CASES: Array<[name: string, expected: Details]> = [
  ['RdSAP-Schema-21.0.1', {
    total_floor_area: 55,
    heating_cost_current: 365.98,
    walls_description: 'Solid brick, as built, no insulation (assumed)',
    mainheat_description: 'Boiler and radiators, anthracite, Boiler and radiators, mains gas',
    inspection_date: '2025-04-04',
  }],
  ['RdSAP-Schema-20.0.0', {
    total_floor_area: 55,
    heating_cost_current: 365.98,
    walls_description: 'Solid brick, as built, no insulation (assumed)',
    mainheat_description: 'Boiler and radiators, anthracite, Boiler and radiators, mains gas',
    inspection_date: '2020-05-04',
  }],
  ['RdSAP-Schema-17.0', {
    total_floor_area: 55,
    heating_cost_current: 214,
    walls_description: 'System built, with internal insulation',
    mainheat_description: 'Electric storage heaters',
    inspection_date: '2016-01-12',
  }],
];

describe.each(TARGETS)('certificate documents fill details and recommendations on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(async () => {
    db = fresh.db;
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(A), row(B)]));
  });

  it.each(CASES)('fills floor area, costs, descriptions and inspection date from a %s document, typed', async (name, expected) => {
    await storeDocuments(db, [fetched(A, sample(name))]);

    const stored = await details(db, A);
    expect(stored).toEqual(expected);
    expect(typeof stored?.total_floor_area).toBe('number');
    expect(typeof stored?.heating_cost_current).toBe('number');
    const [types] = await db.query<Record<string, string>>(
      `SELECT pg_typeof(total_floor_area)::text AS area, pg_typeof(heating_cost_current)::text AS cost, pg_typeof(inspection_date)::text AS inspected
       FROM certificates WHERE certificate_number = $1`,
      [A],
    );
    expect(types).toEqual({ area: 'real', cost: 'real', inspected: 'date' });
    expect(await viewDetails(db, A)).toEqual(expected);
    // The certificate that got no document has no details.
    expect(await details(db, B)).toEqual({
      total_floor_area: null, heating_cost_current: null, walls_description: null, mainheat_description: null, inspection_date: null,
    });
  });

  it("joins the main heating systems' descriptions with ', ', as the bulk file's mainheat_description does", async () => {
    // The warehouse's bulk fixture row 0001 is the RdSAP-Schema-20.0.0 sample exported to the file.
    const [bulk] = parse(readFileSync(new URL('../fixtures/legacy-bulk/domestic.csv', import.meta.url)), { columns: true, relax_column_count: true }) as Array<
      Record<string, string>
    >;
    expect(bulk?.MAINHEAT_DESCRIPTION).toBe('Boiler and radiators, anthracite, Boiler and radiators, mains gas');

    // Plain-text descriptions (20.0.0) and { value, language } ones (21.0.1) read the same.
    await storeDocuments(db, [fetched(A, sample('RdSAP-Schema-20.0.0')), fetched(B, sample('RdSAP-Schema-21.0.1'))]);
    const rows = await db.query<{ mainheat_description: string }>(`SELECT mainheat_description FROM certificate_details ORDER BY certificate_number`);
    expect(rows).toEqual([{ mainheat_description: bulk!.MAINHEAT_DESCRIPTION }, { mainheat_description: bulk!.MAINHEAT_DESCRIPTION }]);
  });

  it("stores the document's suggested improvements as the certificate's recommendations, source 'api'", async () => {
    await storeDocuments(db, [fetched(A, sample('RdSAP-Schema-21.0.1')), fetched(B, sample('RdSAP-Schema-20.0.0'))]);
    expect(await recommendations(db, A)).toEqual([
      { item: 1, source: 'api', improvement_id: '66', summary: null, description: null, indicative_cost: '£220 - £250' },
      { item: 2, source: 'api', improvement_id: '19', summary: null, description: null, indicative_cost: '£4,000 - £7,000' },
      { item: 3, source: 'api', improvement_id: '34', summary: null, description: null, indicative_cost: '£8,000 - £10,000' },
    ]);
    // 20.0.0: a cost sent as a number, and an assessor's own improvement (texts, no number).
    expect(await recommendations(db, B)).toEqual([
      { item: 1, source: 'api', improvement_id: '5', summary: null, description: null, indicative_cost: '£100 - £350' },
      { item: 2, source: 'api', improvement_id: '1', summary: null, description: null, indicative_cost: '2000' },
      { item: 3, source: 'api', improvement_id: null, summary: 'An improvement summary', description: 'An improvement desc', indicative_cost: '1000' },
    ]);
    const [owner] = await db.query<{ register: string; imports: number }>(
      `SELECT min(register) AS register, count(import_id)::int AS imports FROM recommendations`,
    );
    expect(owner).toEqual({ register: 'domestic', imports: 0 });
  });

  it('changes nothing when the same document is stored again', async () => {
    const document = sample('RdSAP-Schema-21.0.1');
    await storeDocuments(db, [fetched(A, document)]);
    const before = { details: await details(db, A), recommendations: await recommendations(db, A) };
    expect(before.details?.total_floor_area).toBe(55);
    expect(before.recommendations).toHaveLength(3);
    const [first] = await db.query<{ document: unknown }>(`SELECT document FROM certificates WHERE certificate_number = $1`, [A]);

    await storeDocuments(db, [fetched(A, structuredClone(document))]);
    expect({ details: await details(db, A), recommendations: await recommendations(db, A) }).toEqual(before);
    const [again] = await db.query<{ document: unknown; document_status: string }>(
      `SELECT document, document_status FROM certificates WHERE certificate_number = $1`,
      [A],
    );
    expect(again).toEqual({ document: first!.document, document_status: 'fetched' });
  });

  it('keeps the document, its details and its recommendations through a later failed fetch or 404', async () => {
    await storeDocuments(db, [fetched(A, sample('RdSAP-Schema-21.0.1'))]);
    const before = { details: await details(db, A), recommendations: await recommendations(db, A) };
    expect(before.details).toEqual(CASES[0]![1]);
    expect(before.recommendations).toHaveLength(3);

    await storeDocuments(db, [failed(A)]);
    await storeDocuments(db, [notFound(A)]);
    expect({ details: await details(db, A), recommendations: await recommendations(db, A) }).toEqual(before);
    expect(await viewDetails(db, A)).toEqual(before.details);
    const [state] = await db.query<{ status: string; error: string; has_document: boolean }>(
      `SELECT document_status AS status, document_error AS error, document IS NOT NULL AS has_document FROM certificates WHERE certificate_number = $1`,
      [A],
    );
    expect(state).toEqual({ status: 'fetched', error: 'the API answered 404 Certificate not found; retried next run', has_document: true });
  });

  it('fills nothing on a failure stored in the same batch as a fetched document', async () => {
    await db.query(`UPDATE certificates SET total_floor_area = 61.5, walls_description = epc_term_id('Cavity wall, filled cavity') WHERE certificate_number = $1`, [B]);
    await storeBulkRecommendations(db, B, 2);
    await storeDocuments(db, [fetched(A, sample('RdSAP-Schema-21.0.1')), failed(B)]);
    expect(await details(db, B)).toEqual({
      total_floor_area: 61.5, heating_cost_current: null, walls_description: 'Cavity wall, filled cavity', mainheat_description: null, inspection_date: null,
    });
    expect((await recommendations(db, B)).map((r) => r.source)).toEqual(['bulk', 'bulk']);
    expect(await recommendations(db, A)).toHaveLength(3);
  });

  it('keeps a value the bulk file stored when the document lacks it, and takes the ones it has', async () => {
    // As the bulk import leaves a certificate: typed values, some the document does not carry at all.
    await db.query(
      `UPDATE certificates SET total_floor_area = 61.5, heating_cost_current = 400, floor_height = 2.45, main_fuel = epc_term_id('mains gas (not community)'),
         walls_description = epc_term_id('Cavity wall, filled cavity'), inspection_date = '2025-03-01'
       WHERE certificate_number = $1`,
      [A],
    );
    const document = sample('RdSAP-Schema-21.0.1');
    delete document.total_floor_area;
    delete document.walls;
    document.inspection_date = 'NO DATA!';
    await storeDocuments(db, [fetched(A, document)]);

    expect(await details(db, A)).toEqual({
      total_floor_area: 61.5,
      heating_cost_current: 365.98,
      walls_description: 'Cavity wall, filled cavity',
      mainheat_description: 'Boiler and radiators, anthracite, Boiler and radiators, mains gas',
      inspection_date: '2025-03-01',
    });
    const [untouched] = await db.query<{ floor_height: number; main_fuel: string }>(
      `SELECT floor_height, main_fuel FROM certificates_decoded WHERE certificate_number = $1`,
      [A],
    );
    expect(untouched).toEqual({ floor_height: 2.45, main_fuel: 'mains gas (not community)' });
  });

  it("replaces the file's recommendations with the document's; a document without improvements removes only the API's", async () => {
    await storeBulkRecommendations(db, A, 4);
    await storeBulkRecommendations(db, B, 2);

    const without = sample('RdSAP-Schema-21.0.1');
    delete without.suggested_improvements;
    await storeDocuments(db, [fetched(A, sample('RdSAP-Schema-21.0.1')), fetched(B, without)]);
    // A: the document's three, nothing left of the file's four. B: the file's set stays.
    expect((await recommendations(db, A)).map((r) => [r.item, r.source, r.improvement_id, r.summary])).toEqual([
      [1, 'api', '66', null],
      [2, 'api', '19', null],
      [3, 'api', '34', null],
    ]);
    expect((await recommendations(db, B)).map((r) => [r.item, r.source])).toEqual([
      [1, 'bulk'],
      [2, 'bulk'],
    ]);

    // A later document of A without improvements (or with an empty list) leaves A none from the API.
    await storeDocuments(db, [fetched(A, { ...without, suggested_improvements: [] })]);
    expect(await recommendations(db, A)).toEqual([]);
  });

  it('stores a document that repeats an improvement sequence or has one without a sequence (the first wins)', async () => {
    const document = sample('RdSAP-Schema-21.0.1');
    const items = document.suggested_improvements as Array<Record<string, unknown>>;
    document.suggested_improvements = [...items, { ...items[0], indicative_cost: '£1' }, { indicative_cost: '£2' }];
    await storeDocuments(db, [fetched(A, document)]);
    expect((await recommendations(db, A)).map((r) => [r.item, r.indicative_cost])).toEqual([
      [1, '£220 - £250'],
      [2, '£4,000 - £7,000'],
      [3, '£8,000 - £10,000'],
    ]);
  });
});
