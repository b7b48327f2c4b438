/** The certificate upsert (COPY into staging, then one merge), straight against the database. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

const row = (n: number, over: Partial<CertificateRow> = {}): CertificateRow => ({
  certificateNumber: `0000-0000-0000-0000-${String(n).padStart(4, '0')}`,
  addressLine1: 'Flat 1',
  addressLine2: null,
  addressLine3: null,
  addressLine4: null,
  postcode: 'EX1 1AA',
  postTown: 'Exeter',
  council: 'Exeter',
  constituency: 'Exeter',
  currentEnergyEfficiencyBand: 'C',
  registrationDate: '2026-03-04',
  uprn: 100040000000 + n,
  schemaType: 'RdSAP-Schema-21.0.1',
  ...over,
});

// Every character COPY's text format escapes, CSV's quote, and text that only looks like a NULL.
const AWKWARD = ['back\\slash', 'tab\there', 'new\nline', 'carriage\r\nreturn', '"quoted", with commas', '\\N', '', 'Tŷ Dŵr, Maes-y-Dâl', '\\\\n literally'];

const stored = (db: Db) =>
  db.query<{ certificate_number: string; address_line1: string | null; address_line2: string | null; uprn: number | null }>(
    `SELECT certificate_number, address_line1, address_line2, uprn FROM certificates ORDER BY certificate_number`,
  );

describe.each(TARGETS)('certificate upsert on %s', (target) => {
  let database: TestDatabase;
  let db: Db;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    db = await database.open();
  });
  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  it('stores awkward text byte for byte, and keeps an empty string apart from NULL', async () => {
    const rows = AWKWARD.map((text, i) => row(i, { addressLine1: text, addressLine2: i % 2 ? null : text, uprn: i % 3 ? null : i + 1 }));
    const counts = await db.transaction((tx) => upsertCertificates(tx, 'domestic', rows));
    expect(counts).toEqual({ inserted: AWKWARD.length, changed: 0, unchanged: 0 });
    expect(await stored(db)).toEqual(
      rows.map((r) => ({ certificate_number: r.certificateNumber, address_line1: r.addressLine1, address_line2: r.addressLine2, uprn: r.uprn })),
    );
  });

  it('counts inserted, changed and unchanged rows, across several batches in one transaction', async () => {
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1), row(2), row(3)]));
    const counts = await db.transaction(async (tx) => {
      const first = await upsertCertificates(tx, 'domestic', [row(1), row(2, { postcode: 'EX2 2BB' })]);
      const second = await upsertCertificates(tx, 'domestic', [row(4)]);
      return [first, second];
    });
    expect(counts).toEqual([{ inserted: 0, changed: 1, unchanged: 1 }, { inserted: 1, changed: 0, unchanged: 0 }]);
    expect((await stored(db)).map((r) => r.certificate_number)).toHaveLength(4);
  });
});
