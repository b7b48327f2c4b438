/**
 * The coded fields of API documents, decoded in `certificate_details` through the codes lookup: by the
 * document's schema version and assessment type where a key's meaning differs, and to the same label
 * the bulk file carries for the same certificate. The lookup is the service's own
 * (test/fixtures/codes.csv, what `epc-sync codes` stores from the fake API), stored with `replaceCodes`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CodeRow } from '../../src/codes/parse.js';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { replaceCodes } from '../../src/db/codes.js';
import { storeDocuments } from '../../src/db/documents.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

type Document = Record<string, unknown>;

const sample = (file: string): Document => JSON.parse(readFileSync(new URL(`../fixtures/documents/${file}.json`, import.meta.url), 'utf8')) as Document;

const LOOKUP: CodeRow[] = (parse(readFileSync(new URL('../fixtures/codes.csv', import.meta.url), 'utf8'), { columns: true }) as Array<Record<string, string>>).map(
  (r) => ({ attribute: r.attribute!, key: r.key!, schemaVersion: r.schema_version!, assessmentType: r.assessment_type!, value: r.value! }),
);

/** The warehouse's bulk fixture row 0001: the RdSAP-Schema-20.0.0 sample as the export decoded it. */
const BULK_0001 = (parse(readFileSync(new URL('../fixtures/legacy-bulk/domestic.csv', import.meta.url)), { columns: true, relax_column_count: true }) as Array<
  Record<string, string>
>)[0]!;

const CODED = ['property_type', 'built_form', 'construction_age_band', 'main_fuel', 'energy_tariff', 'glazed_area', 'glazed_type', 'mechanical_ventilation', 'heat_loss_corridor'] as const;
type Coded = Record<(typeof CODED)[number] | 'tenure' | 'transaction_type', string | null>;

const row = (certificateNumber: string, schemaType: string): CertificateRow => ({
  certificateNumber, addressLine1: '1 Some Street', addressLine2: null, addressLine3: null, addressLine4: null, postcode: 'A0 0AA', postTown: 'Whitbury',
  council: null, constituency: null, currentEnergyEfficiencyBand: 'D', registrationDate: '2025-04-04', uprn: 12457, schemaType,
});

const n = (i: number) => `0000-0000-0000-0000-${String(i).padStart(4, '0')}`;

async function apiCertificate(db: Db, i: number, schemaType: string, document: Document, register = 'domestic'): Promise<string> {
  await db.transaction((tx) => upsertCertificates(tx, register, [row(n(i), schemaType)]));
  await storeDocuments(db, [{ certificateNumber: n(i), status: 'fetched', document: { ...document, schema_type: schemaType }, error: null }]);
  return n(i);
}

const decoded = async (db: Db, number: string): Promise<Coded> =>
  (await db.query<Coded>(`SELECT ${[...CODED, 'tenure', 'transaction_type'].join(', ')} FROM certificate_details WHERE certificate_number = $1`, [number]))[0]!;

describe.each(TARGETS)('coded fields decoded in certificate_details on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(async () => {
    db = fresh.db;
    await replaceCodes(db, LOOKUP, new Date());
  });

  it("reads a document's codes as the labels the bulk file carries for the same certificate", async () => {
    const api = await apiCertificate(db, 1, 'RdSAP-Schema-20.0.0', sample('RdSAP-Schema-20.0.0__epc'));
    // The same certificate as the bulk file brings it: labels in the typed columns, no document.
    await db.query(
      `INSERT INTO certificates (certificate_number, register, registration_date, source, ${CODED.join(', ')})
       VALUES ($1, 'domestic', '2021-02-22', 'bulk', ${CODED.map((_, i) => `epc_term_id($${i + 2})`).join(', ')})`,
      [n(2), ...CODED.map((c) => BULK_0001[c.toUpperCase()]!)],
    );

    const fromApi = await decoded(db, api);
    const fromBulk = await decoded(db, n(2));
    expect(fromApi).toMatchObject({
      property_type: 'House',
      built_form: 'Semi-Detached',
      construction_age_band: 'England and Wales: 2007-2011',
      main_fuel: 'mains gas (not community)',
      energy_tariff: 'Single',
      glazed_area: 'Normal',
      glazed_type: 'double glazing installed during or after 2002',
      mechanical_ventilation: 'natural',
      heat_loss_corridor: 'unheated corridor',
      tenure: 'owner-occupied',
      transaction_type: 'Marketed sale',
    });
    for (const field of CODED) expect(fromApi[field], field).toBe(fromBulk[field]);
  });

  it("decodes by the document's schema version where a key's meaning changed between versions", async () => {
    // Construction age band K: "2007-2011" since RdSAP 17, "2007 onwards" in SAP-Schema-16.3.
    const rdsap20 = await apiCertificate(db, 1, 'RdSAP-Schema-20.0.0', sample('RdSAP-Schema-20.0.0__epc'));
    const older = sample('SAP-Schema-16.3__rdsap');
    const sap163 = await apiCertificate(db, 2, 'SAP-Schema-16.3', { ...older, sap_building_parts: [{ construction_age_band: 'K' }] });
    // Age band M exists only from RdSAP-Schema-21.0.0.
    const rdsap21 = await apiCertificate(db, 3, 'RdSAP-Schema-21.0.1', sample('RdSAP-Schema-21.0.1__epc'));

    expect((await decoded(db, rdsap20)).construction_age_band).toBe('England and Wales: 2007-2011');
    expect((await decoded(db, sap163)).construction_age_band).toBe('England and Wales: 2007 onwards');
    expect(await decoded(db, rdsap21)).toMatchObject({ construction_age_band: 'England and Wales: 2022 onwards', mechanical_ventilation: 'positive input from outside' });
  });

  it('decodes by assessment type where SAP, RdSAP and CEPC give one key different meanings', async () => {
    // SAP-Schema-16.3 carries both: tariff 1 is "standard tariff" for SAP and the meter type "dual" for RdSAP.
    const sap = await apiCertificate(db, 1, 'SAP-Schema-16.3', sample('SAP-Schema-16.3__sap'));
    const rdsap = await apiCertificate(db, 2, 'SAP-Schema-16.3', { ...sample('SAP-Schema-16.3__rdsap'), sap_heating: { main_heating_details: [{ main_fuel_type: 1 }] } });

    expect(await decoded(db, sap)).toMatchObject({ energy_tariff: 'standard tariff', main_fuel: 'Gas: mains gas', built_form: 'Mid-Terrace', transaction_type: 'New dwelling' });
    expect(await decoded(db, rdsap)).toMatchObject({
      energy_tariff: 'dual',
      main_fuel: 'mains gas - this is for backwards compatibility only and should not be used',
      built_form: 'Semi-Detached',
    });
    // A non-domestic certificate's transaction type 1 is the CEPC wording, a domestic one's the RdSAP wording.
    const cepc = await apiCertificate(db, 3, 'CEPC-8.0.0', sample('CEPC-8.0.0__cepc'), 'non-domestic');
    const domestic = await apiCertificate(db, 4, 'RdSAP-Schema-20.0.0', sample('RdSAP-Schema-20.0.0__epc'));
    expect((await decoded(db, cepc)).transaction_type).toBe('Mandatory issue (Marketed sale).');
    expect((await decoded(db, domestic)).transaction_type).toBe('Marketed sale');
  });

  it("reads a schema version the lookup lacks as the newest of its family, and shows a code it does not know as sent", async () => {
    const document = { ...sample('RdSAP-Schema-21.0.1__epc'), built_form: 4, property_type: 9, sap_building_parts: [{ construction_age_band: 'L' }] };
    const newer = await apiCertificate(db, 1, 'RdSAP-Schema-22.0.0', document);
    // Age band L is "2012-2021" in RdSAP-Schema-21.0.x, "2012 onwards" in the RdSAP assessments of older schemas.
    expect(await decoded(db, newer)).toMatchObject({ built_form: 'Mid-Terrace', property_type: '9', construction_age_band: 'England and Wales: 2012-2021' });
  });

  it('shows the codes as sent until the lookup is filled', async () => {
    await replaceCodes(db, [], new Date());
    const api = await apiCertificate(db, 1, 'RdSAP-Schema-20.0.0', sample('RdSAP-Schema-20.0.0__epc'));
    expect(await decoded(db, api)).toMatchObject({ built_form: '2', property_type: '0', construction_age_band: 'K', main_fuel: '26', energy_tariff: '2' });
  });
});
