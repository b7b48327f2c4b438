/**
 * A first load's deferred indexes (`db/deferred-indexes.ts`): dropped only from an empty mirror,
 * never while the import that dropped them runs built by someone else, and built back exactly as
 * they were. The import's own use of them, a stop and a kill, is in test/e2e/bulk.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { upsertCertificates } from '../../src/db/certificates.js';
import type { Db } from '../../src/db/client.js';
import { buildDeferredIndexes, deferIndexes } from '../../src/db/deferred-indexes.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const indexes = (db: Db) =>
  db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'certificates' ORDER BY indexname`);

async function importRow(db: Db, status: string): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO bulk_imports (register, file_name, sha256, bytes, status) VALUES ('domestic', 'f.zip', 'x', 1, $1) RETURNING id`,
    [status],
  );
  return row!.id;
}

describe.each(TARGETS)('deferred indexes on %s', (target) => {
  const t = databasePerTest(target);

  it('drops the secondary indexes of an empty mirror only, and builds them back as they were', async () => {
    const before = await indexes(t.db);
    const importId = await importRow(t.db, 'running');
    const dropped = await deferIndexes(t.db, importId);
    // The postcode, UPRN and day indexes; the primary key and the (empty) partial indexes stay.
    expect(dropped).toEqual(['certificates_postcode_idx', 'certificates_registration_date_idx', 'certificates_uprn_idx']);
    expect((await indexes(t.db)).map((i) => i.indexname)).toEqual(before.map((i) => i.indexname).filter((name) => !dropped.includes(name)));

    // A run starting meanwhile leaves them to the import that dropped them.
    expect(await buildDeferredIndexes(t.db)).toEqual([]);
    expect(await buildDeferredIndexes(t.db, importId)).toEqual(dropped);
    expect(await indexes(t.db)).toEqual(before);
    expect(await t.db.query(`SELECT count(*)::int AS n FROM deferred_indexes`)).toEqual([{ n: 0 }]);
    // Nothing is left to build twice.
    expect(await buildDeferredIndexes(t.db, importId)).toEqual([]);
  });

  it('builds, at the next run\'s start, the indexes of an import that no longer runs', async () => {
    const before = await indexes(t.db);
    const importId = await importRow(t.db, 'running');
    const dropped = await deferIndexes(t.db, importId);
    expect(dropped.length).toBe(3);
    await t.db.query(`UPDATE bulk_imports SET status = 'interrupted' WHERE id = $1`, [importId]);
    expect(await buildDeferredIndexes(t.db)).toEqual(dropped);
    expect(await indexes(t.db)).toEqual(before);
  });

  it('drops nothing from a mirror that holds a certificate', async () => {
    const before = await indexes(t.db);
    await t.db.transaction((tx) =>
      upsertCertificates(tx, 'domestic', [{
        certificateNumber: '0000-0000-0000-0000-0001', addressLine1: 'Flat 1', addressLine2: null, addressLine3: null, addressLine4: null,
        postcode: 'EX1 1AA', postTown: 'Exeter', council: 'Exeter', constituency: 'Exeter', currentEnergyEfficiencyBand: 'C',
        registrationDate: '2026-03-04', uprn: 100040000001, schemaType: 'RdSAP-Schema-21.0.1',
      }]));
    expect(await deferIndexes(t.db, await importRow(t.db, 'running'))).toEqual([]);
    expect(await indexes(t.db)).toEqual(before);
  });
});
