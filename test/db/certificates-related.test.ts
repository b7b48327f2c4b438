/**
 * The non-domestic search row's report number in `certificates.related_certificate_number`: written by
 * that register's rows, straight in or through the merge, a change counted as a change; never blanked
 * by a row of a register whose search row has no such field.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const row = (n: number, over: Partial<CertificateRow> = {}): CertificateRow => ({
  certificateNumber: `0000-0000-0000-0000-${String(n).padStart(4, '0')}`,
  addressLine1: 'Unit 4', addressLine2: 'Mill Lane', addressLine3: null, addressLine4: null,
  postcode: 'EX1 1AA', postTown: 'Exeter', council: 'Exeter', constituency: 'Exeter',
  currentEnergyEfficiencyBand: 'A+', registrationDate: '2026-03-04', uprn: null, schemaType: 'CEPC-8.0.0',
  ...over,
});

describe.each(TARGETS)('the report number of a non-domestic certificate on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });
  const related = async () =>
    db.query<{ certificate_number: string; related_certificate_number: string | null; band: string }>(
      `SELECT certificate_number, related_certificate_number, current_energy_efficiency_band AS band FROM certificates ORDER BY 1`,
    );
  const upsert = (register: string, rows: CertificateRow[]) => db.transaction((tx) => upsertCertificates(tx, register, rows));

  it('stores it on a new day, counts a changed one as a change, and an identical one as unchanged', async () => {
    expect(await upsert('non-domestic', [row(1, { relatedRrn: '1111-0000-0000-0000-0001' }), row(2, { relatedRrn: '1111-0000-0000-0000-0002' })])).toEqual({ inserted: 2, changed: 0, unchanged: 0 });
    expect(await related()).toEqual([
      { certificate_number: row(1).certificateNumber, related_certificate_number: '1111-0000-0000-0000-0001', band: 'A+' },
      { certificate_number: row(2).certificateNumber, related_certificate_number: '1111-0000-0000-0000-0002', band: 'A+' },
    ]);
    const again = await upsert('non-domestic', [row(1, { relatedRrn: '1111-0000-0000-0000-0009' }), row(2, { relatedRrn: '1111-0000-0000-0000-0002' })]);
    expect(again).toEqual({ inserted: 0, changed: 1, unchanged: 1 });
    expect((await related())[0]?.related_certificate_number).toBe('1111-0000-0000-0000-0009');
  });

  it('is left alone by a row of another register, which has no report number to give', async () => {
    await upsert('display', [row(3)]);
    // The document of a certificate can name a related one; the search row of its register does not.
    await db.query(`UPDATE certificates SET related_certificate_number = '2222-0000-0000-0000-0003'`);
    expect(await upsert('display', [row(3)])).toEqual({ inserted: 0, changed: 0, unchanged: 1 });
    expect((await related())[0]?.related_certificate_number).toBe('2222-0000-0000-0000-0003');
  });
});
