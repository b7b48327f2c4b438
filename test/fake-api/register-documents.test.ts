/**
 * The fake's /api/certificate for the non-domestic and display registers: each document agrees with
 * the certificate's search row, names its recommendation report, and the report's number answers the
 * report; the domestic documents are those of `documentFor`, as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRegisterDay } from './generate.js';
import { FAKE_TOKEN, documentFor, generateDay, startFakeApi, type FakeApi, type SearchRow } from './index.js';
import { bandOfRating, displayReportNumber, isDefaultDec } from './register-documents.js';

const TODAY = '2026-11-24';
const DAY = '2026-11-20';
type Document = Record<string, unknown> & { technical_information: Record<string, unknown> };

async function certificate(api: FakeApi, n: string): Promise<{ status: number; data: Document }> {
  const res = await fetch(`${api.url}/api/certificate?certificate_number=${n}`, { headers: { authorization: `Bearer ${FAKE_TOKEN}` } });
  return { status: res.status, data: ((await res.json()) as { data: Document }).data };
}

/** What every document of the certificate says that its search row says too. */
const fromRow = (row: SearchRow) => ({
  registration_date: row.registrationDate,
  postcode: row.postcode,
  post_town: row.postTown,
  uprn: row.uprn,
  schema_type: row.schemaType,
  ...(row.addressLine1 === null ? {} : { address_line_1: row.addressLine1 }),
});

describe('fake EPB API: non-domestic and display documents and their recommendation reports', () => {
  let api: FakeApi;
  const cepcs = generateRegisterDay('non-domestic', DAY, 40, { seed: 8, withoutReport: 5 });
  const decs = generateRegisterDay('display', DAY, 40, { seed: 9 });
  const homes = generateDay(DAY, 5, { seed: 10 });
  // A default DEC: band G, a number ending in 9.
  decs[0] = { ...decs[0]!, certificateNumber: `${decs[0]!.certificateNumber.slice(0, -1)}9`, currentEnergyEfficiencyBand: 'G' };
  beforeAll(async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false });
    api.store.addCertificates(cepcs, { register: 'non-domestic' });
    api.store.addCertificates(decs, { register: 'display' });
    api.store.addCertificates(homes);
  });
  afterAll(() => api.close());

  it("serves a CEPC document that agrees with its search row: address, dates, UPRN, schema, an asset rating in the row's band", async () => {
    for (const row of cepcs) {
      const { status, data } = await certificate(api, row.certificateNumber);
      expect(status).toBe(200);
      expect(data).toMatchObject({ ...fromRow(row), assessment_type: 'CEPC' });
      const rating = data.asset_rating as number;
      if (row.currentEnergyEfficiencyBand === null) expect(rating).toBe(0);
      else expect(bandOfRating(rating)).toBe(row.currentEnergyEfficiencyBand);
      expect(data.current_energy_efficiency_band).toBe(bandOfRating(rating));
      expect(data.technical_information.floor_area).toEqual(expect.any(Number));
      if (row.relatedRrn) expect(data.related_certificate_number).toBe(row.relatedRrn);
      else expect(data).not.toHaveProperty('related_certificate_number');
    }
    expect(cepcs.filter((r) => r.relatedRrn === null)).toHaveLength(5);
  });

  it("answers a CEPC's report number with the report, pointing back at the certificate, with its four payback lists", async () => {
    for (const row of cepcs.filter((r) => r.relatedRrn)) {
      const { status, data } = await certificate(api, row.relatedRrn!);
      expect(status).toBe(200);
      expect(data).toMatchObject({ ...fromRow(row), assessment_type: 'CEPC-RR', related_certificate_number: row.certificateNumber });
      for (const list of ['short_payback', 'medium_payback', 'long_payback', 'other_payback']) {
        expect(data[list]).toEqual(expect.arrayContaining([expect.objectContaining({ recommendation_code: expect.any(String), recommendation: expect.any(String) })]));
      }
    }
  });

  it('serves a DEC naming its report, with an operational rating in its band (9999 for a default DEC), and the report', async () => {
    for (const row of decs) {
      const { data } = await certificate(api, row.certificateNumber);
      const report = displayReportNumber(row.certificateNumber)!;
      expect(data).toMatchObject({ ...fromRow(row), assessment_type: 'DEC', related_certificate_number: report });
      const rating = (data.this_assessment as { energy_rating: number }).energy_rating;
      if (isDefaultDec(row)) expect(rating).toBe(9999);
      else if (row.currentEnergyEfficiencyBand === null) expect(rating).toBe(0);
      else expect(bandOfRating(rating)).toBe(row.currentEnergyEfficiencyBand);
      const answered = await certificate(api, report);
      expect(answered.data).toMatchObject({ assessment_type: 'DEC-RR', related_certificate_number: row.certificateNumber, registration_date: DAY });
    }
    expect(isDefaultDec(decs[0]!)).toBe(true);
  });

  it('answers 404 for a report marked missing, a removed certificate and its report, and an unknown number; domestic documents as before', async () => {
    const [withReport, removed] = cepcs.filter((r) => r.relatedRrn);
    api.store.missingDocuments.add(withReport!.relatedRrn!);
    expect((await certificate(api, withReport!.relatedRrn!)).status).toBe(404);
    expect((await certificate(api, withReport!.certificateNumber)).status).toBe(200);
    api.store.removeCertificate(removed!.certificateNumber);
    expect((await certificate(api, removed!.certificateNumber)).status).toBe(404);
    expect((await certificate(api, removed!.relatedRrn!)).status).toBe(404);
    expect((await certificate(api, '0000-1111-2222-3333-4444')).status).toBe(404);

    for (const row of homes) {
      const { data } = await certificate(api, row.certificateNumber);
      expect(data).toEqual(JSON.parse(JSON.stringify(documentFor(api.store.get(row.certificateNumber)!.row, data.total_floor_area as number))));
    }
  });
});
