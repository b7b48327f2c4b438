/** The checkpoint's lease rules, straight against the database (PGlite, and PostgreSQL when configured). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { claimDay, finishDay, releaseDay, renewLeases, seedPending } from '../../src/db/checkpoint.js';
import { upsertCertificates } from '../../src/db/certificates.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';
import { checkpoint } from '../helpers/queries.js';

const key = { register: 'domestic', day: '2026-03-04' };
const claim = (db: Db, owner: string, extra: { force?: boolean; leaseSeconds?: number } = {}) =>
  claimDay(db, { ...key, owner, runId: 1, leaseSeconds: extra.leaseSeconds ?? 60, force: extra.force ?? false });
const finish = (db: Db, owner: string) =>
  finishDay(db, { ...key, owner, status: 'done', expectedCount: 1, storedCount: 1, rejectedCount: 0, pages: 1, requests: 1, error: null });

describe.each(TARGETS)('checkpoint leases on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });

  it('gives a day to one owner at a time, and to nobody once it is done', async () => {
    expect((await claim(db, 'a')).kind).toBe('claimed');
    expect((await claim(db, 'b')).kind).toBe('busy');
    await finish(db, 'a');
    expect(await claim(db, 'b')).toEqual({ kind: 'done' });
    expect((await claim(db, 'b', { force: true })).kind).toBe('claimed');
  });

  it('hands a day over once the holder stops renewing its lease, and the old holder cannot then finish it', async () => {
    expect((await claim(db, 'dead', { leaseSeconds: 1 })).kind).toBe('claimed');
    expect((await claim(db, 'alive')).kind).toBe('busy');
    await new Promise((r) => setTimeout(r, 1200));
    expect((await claim(db, 'alive')).kind).toBe('claimed');
    await expect(finish(db, 'dead')).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await finish(db, 'alive');
    expect((await checkpoint(db, key.day)).status).toBe('done');
  });

  it('keeps a renewed lease', async () => {
    await claim(db, 'a', { leaseSeconds: 1 });
    await new Promise((r) => setTimeout(r, 600));
    expect(await renewLeases(db, 'a', 1)).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    expect((await claim(db, 'b')).kind).toBe('busy');
  });

  it('rolls back the rows of a day whose lease was lost, in the same transaction', async () => {
    await claim(db, 'a', { leaseSeconds: 1 });
    await new Promise((r) => setTimeout(r, 1200));
    await claim(db, 'b');
    const row = {
      certificateNumber: '1234-1234-1234-1234-1234', addressLine1: 'x', addressLine2: null, addressLine3: null, addressLine4: null,
      postcode: null, postTown: null, council: null, constituency: null, currentEnergyEfficiencyBand: 'C',
      registrationDate: key.day, uprn: null, schemaType: null,
    };
    await expect(
      db.transaction(async (tx) => {
        await upsertCertificates(tx, 'domestic', [row]);
        await finish(tx as Db, 'a');
      }),
    ).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(await db.query(`SELECT * FROM certificates`)).toEqual([]);
  });

  it('releasing returns a day to where it was, never to done unless it was done', async () => {
    await seedPending(db, 'domestic', key.day, key.day);
    const first = await claim(db, 'a');
    expect(first).toEqual({ kind: 'claimed', previous: expect.objectContaining({ status: 'pending' }) });
    await releaseDay(db, key, 'a', 'pending');
    expect(await checkpoint(db, key.day)).toMatchObject({ status: 'pending', lease_owner: null });
    await claim(db, 'a');
    await finish(db, 'a');
    await claim(db, 'a', { force: true });
    await releaseDay(db, key, 'a', 'done');
    expect((await checkpoint(db, key.day)).status).toBe('done');
  });
});
