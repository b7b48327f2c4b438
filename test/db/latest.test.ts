/**
 * `latest_certificates`: one row per register and property, the newest certificate the register still
 * publishes (registration date, then lodgement time, then certificate number), a property being its
 * UPRN, else its normalised address and postcode. Rows are stored as the day walk stores them
 * (`upsertCertificates`), removals as the deltas apply them (`applyRemovals`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { applyRemovals } from '../../src/db/deltas.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

type Register = 'domestic' | 'non-domestic' | 'display';

interface Cert {
  n: number;
  day: string;
  uprn?: number | null;
  register?: Register;
  address?: [string | null, (string | null)?];
  postcode?: string | null;
  band?: string;
  /** The register's lodgement time (the bulk file's lodgement_datetime, the document's created_at). */
  lodged?: string | null;
}

interface Latest {
  property_key: string;
  register: string;
  certificate_number: string;
  registration_date: string;
  band: string | null;
  uprn: number | null;
  address: string;
  postcode: string | null;
}

const num = (i: number) => `0000-0000-0000-0000-${String(i).padStart(4, '0')}`;

const toRow = (c: Cert): CertificateRow => ({
  certificateNumber: num(c.n),
  addressLine1: c.address ? c.address[0] : `${c.n} Some Street`,
  addressLine2: c.address?.[1] ?? null,
  addressLine3: null,
  addressLine4: null,
  postcode: c.postcode === undefined ? 'A0 0AA' : c.postcode,
  postTown: 'Whitbury',
  council: null,
  constituency: null,
  currentEnergyEfficiencyBand: c.band ?? 'D',
  registrationDate: c.day,
  uprn: c.uprn === undefined ? 1000 + c.n : c.uprn,
  schemaType: 'RdSAP-Schema-21.0.1',
});

async function store(db: Db, certs: readonly Cert[]): Promise<void> {
  for (const register of ['domestic', 'non-domestic', 'display'] as const) {
    const rows = certs.filter((c) => (c.register ?? 'domestic') === register).map(toRow);
    if (rows.length > 0) await db.transaction((tx) => upsertCertificates(tx, register, rows));
  }
  for (const c of certs.filter((x) => x.lodged !== undefined)) {
    await db.query(`UPDATE certificates SET lodgement_datetime = $2 WHERE certificate_number = $1`, [num(c.n), c.lodged]);
  }
}

const latest = (db: Db, where = 'true') =>
  db.query<Latest>(
    `SELECT property_key, register, certificate_number, registration_date::text AS registration_date, band, uprn, address, postcode
     FROM latest_certificates WHERE ${where} ORDER BY register, property_key`,
  );

const numbers = async (db: Db, where?: string) => (await latest(db, where)).map((r) => r.certificate_number);

describe.each(TARGETS)('latest_certificates on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });

  it('has exactly one row per register and UPRN: the newest certificate by registration date', async () => {
    await store(db, [
      { n: 1, day: '2015-03-02', uprn: 42, band: 'E' },
      { n: 2, day: '2021-06-10', uprn: 42, band: 'C' },
      { n: 3, day: '2018-01-05', uprn: 42, band: 'D' },
      { n: 4, day: '2019-09-09', uprn: 43 },
      // The same building in another register is another row.
      { n: 5, day: '2012-01-01', uprn: 42, register: 'non-domestic' },
      { n: 6, day: '2013-01-01', uprn: 42, register: 'non-domestic' },
      { n: 7, day: '2020-01-01', uprn: 42, register: 'display' },
    ]);

    expect(await latest(db)).toEqual([
      expect.objectContaining({ property_key: 'uprn:42', register: 'display', certificate_number: num(7) }),
      { property_key: 'uprn:42', register: 'domestic', certificate_number: num(2), registration_date: '2021-06-10', band: 'C', uprn: 42, address: '2 Some Street', postcode: 'A0 0AA' },
      expect.objectContaining({ property_key: 'uprn:43', register: 'domestic', certificate_number: num(4) }),
      expect.objectContaining({ property_key: 'uprn:42', register: 'non-domestic', certificate_number: num(6) }),
    ]);
    const dupes = await db.query(`SELECT register, uprn FROM latest_certificates WHERE uprn IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1`);
    expect(dupes).toEqual([]);
    // The fast path a user takes: one property by its UPRN.
    expect(await numbers(db, `register = 'domestic' AND uprn = 42`)).toEqual([num(2)]);
  });

  it('breaks a tie on the registration day by lodgement time, an unknown time last, then by certificate number', async () => {
    await store(db, [
      { n: 11, day: '2024-05-01', uprn: 7, lodged: '2024-05-01T09:00:00Z' },
      { n: 12, day: '2024-05-01', uprn: 7, lodged: '2024-05-01T16:30:00Z' },
      { n: 13, day: '2024-05-01', uprn: 7, lodged: null },
      { n: 21, day: '2024-05-02', uprn: 8, lodged: '2024-05-02T10:00:00Z' },
      { n: 22, day: '2024-05-02', uprn: 8, lodged: '2024-05-02T10:00:00Z' },
      { n: 31, day: '2024-05-03', uprn: 9 },
      { n: 32, day: '2024-05-03', uprn: 9 },
    ]);
    expect(await numbers(db)).toEqual([num(12), num(22), num(32)]);
  });

  it('keys a certificate without a UPRN by its address and postcode, written any way, and one without an address by itself', async () => {
    await store(db, [
      { n: 1, day: '2016-02-01', uprn: null, address: ['Flat 2, 1 High Street', null], postcode: 'EX1 1AA' },
      { n: 2, day: '2022-02-01', uprn: null, address: ['FLAT 2 1  HIGH STREET.', null], postcode: 'ex11aa' },
      { n: 3, day: '2019-02-01', uprn: null, address: ['Flat 2', '1 High Street'], postcode: 'EX1  1AA' },
      { n: 4, day: '2023-02-01', uprn: null, address: ['Flat 3, 1 High Street', null], postcode: 'EX1 1AA' },
      { n: 5, day: '2023-02-01', uprn: null, address: ["St John's Cottage", null], postcode: 'EX2 2BB' },
      { n: 6, day: '2024-02-01', uprn: null, address: ['St Johns Cottage', null], postcode: 'EX2 2BB' },
      // Nothing to key on but the certificate itself: each stands alone.
      { n: 7, day: '2020-02-01', uprn: null, address: [null, null], postcode: 'EX3 3CC' },
      { n: 8, day: '2021-02-01', uprn: null, address: [',', null], postcode: 'EX3 3CC' },
    ]);
    expect((await latest(db)).map((r) => [r.property_key, r.certificate_number])).toEqual([
      ['address:EX11AA:flat 2 1 high street', num(2)],
      ['address:EX11AA:flat 3 1 high street', num(4)],
      ['address:EX22BB:st johns cottage', num(6)],
      [`certificate:${num(7)}`, num(7)],
      [`certificate:${num(8)}`, num(8)],
    ]);
    // A filter on the UPRN skips every address-keyed property.
    expect(await numbers(db, 'uprn = 1001')).toEqual([]);
  });

  it('ignores removed certificates and those missing from search: the previous certificate is the latest again', async () => {
    await store(db, [
      { n: 1, day: '2017-01-01', uprn: 50 },
      { n: 2, day: '2023-01-01', uprn: 50 },
      { n: 3, day: '2020-01-01', uprn: 51 },
      { n: 4, day: '2018-01-01', uprn: 52 },
      { n: 5, day: '2024-01-01', uprn: 52 },
      { n: 6, day: '2019-01-01', uprn: null, address: ['9 Mill Lane', null] },
      { n: 7, day: '2025-01-01', uprn: null, address: ['9 Mill Lane', null] },
    ]);
    expect(await numbers(db)).toEqual([num(7), num(2), num(3), num(5)]);

    await applyRemovals(db, 'domestic', [
      { certificateNumber: num(2), timestamp: '2025-02-17T16:26:08.535Z' },
      { certificateNumber: num(3), timestamp: '2025-02-17T16:26:08.535Z' },
      { certificateNumber: num(7), timestamp: '2025-02-17T16:26:08.535Z' },
    ]);
    await db.query(`UPDATE certificates SET missing_since = now() WHERE certificate_number = $1`, [num(5)]);

    // UPRN 51 had only the removed certificate: it has none now.
    expect(await numbers(db)).toEqual([num(6), num(1), num(4)]);
    // A missing certificate that search serves again is the latest again.
    await db.query(`UPDATE certificates SET missing_since = NULL WHERE certificate_number = $1`, [num(5)]);
    expect(await numbers(db, 'uprn = 52')).toEqual([num(5)]);
  });
});
