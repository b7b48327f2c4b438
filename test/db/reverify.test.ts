/**
 * What a re-walk of a day writes, straight against the database: UPRN changes kept in the history,
 * certificates an exact walk no longer finds flagged (never deleted) and un-flagged when seen again,
 * the day's verification time, and the migration that starts the clock for days already done.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { openDatabase } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { claimDay, leastRecentlyVerifiedDays } from '../../src/db/checkpoint.js';
import { applyRemovals, applyUprnChange } from '../../src/db/deltas.js';
import { MIGRATIONS_FOLDER, migrate } from '../../src/db/migrate.js';
import { storeDay } from '../../src/sync/store.js';
import type { DayFetch } from '../../src/sync/walk-day.js';
import { TARGETS, createTestDatabase } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const DAY = '2026-03-04';
const number = (n: number) => `0000-0000-0000-0000-${String(n).padStart(4, '0')}`;
const row = (n: number, over: Partial<CertificateRow> = {}): CertificateRow => ({
  certificateNumber: number(n), addressLine1: `${n} High Street`, addressLine2: null, addressLine3: null, addressLine4: null,
  postcode: 'EX1 1AA', postTown: 'Exeter', council: 'Exeter', constituency: 'Exeter', currentEnergyEfficiencyBand: 'C',
  registrationDate: DAY, uprn: 100040000000 + n, schemaType: 'RdSAP-Schema-21.0.1', ...over,
});
const fetchOf = (rows: CertificateRow[], over: Partial<DayFetch> = {}): DayFetch => ({
  day: DAY, expected: rows.length, rows, rejects: [], strays: [], complete: true, shortfall: 0, pages: 1, requests: 1, stoppedAt: null, ...over,
});

describe.each(TARGETS)('re-walking a day on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });

  /** One walk of DAY stored as the sync stores it: claimed (forced), then rows and checkpoint in one transaction. */
  const walk = async (fetch: DayFetch) => {
    const claim = await claimDay(db, { register: 'domestic', day: DAY, owner: 'test', runId: 1, leaseSeconds: 60, force: true });
    expect(claim.kind).toBe('claimed');
    return storeDay(db, { register: 'domestic', owner: 'test', runId: 1, fetch });
  };
  const flags = (n: number) =>
    db.query<{ removed: boolean; missing: boolean }>(
      `SELECT removed_at IS NOT NULL AS removed, missing_since IS NOT NULL AS missing FROM certificates WHERE certificate_number = $1`,
      [number(n)],
    );
  const events = (n: number) =>
    db.query<{ event: string; old_uprn: number | null; new_uprn: number | null }>(
      `SELECT event, old_uprn, new_uprn FROM certificate_events WHERE certificate_number = $1 ORDER BY id`,
      [number(n)],
    );

  it('stores a row the API answered for another day under that day, and counts it nowhere', async () => {
    const stray = row(9, { registrationDate: '2020-05-04' });
    await walk(fetchOf([], { expected: 1, complete: false, shortfall: 1, strays: [stray], stoppedAt: 'page sizes' }));
    expect(await db.query(`SELECT registration_date::text AS day FROM certificates WHERE certificate_number = $1`, [number(9)])).toEqual([{ day: '2020-05-04' }]);
    expect(await db.query(`SELECT status, stored_count, last_error FROM sync_checkpoint WHERE day = $1`, [DAY])).toEqual([
      { status: 'incomplete', stored_count: 0, last_error: expect.stringMatching(/1 of 1 .*stopped at: page sizes/) },
    ]);
  });

  it('records every UPRN a walk changes, with the old value, and nothing for an unchanged one', async () => {
    await walk(fetchOf([row(1, { uprn: null }), row(2), row(3), row(4)]));
    await walk(fetchOf([row(1), row(2, { uprn: 7 }), row(3, { uprn: null }), row(4)]));
    expect(await events(1)).toEqual([{ event: 'uprn_updated', old_uprn: null, new_uprn: row(1).uprn }]);
    expect(await events(2)).toEqual([{ event: 'uprn_updated', old_uprn: row(2).uprn, new_uprn: 7 }]);
    expect(await events(3)).toEqual([{ event: 'uprn_updated', old_uprn: row(3).uprn, new_uprn: null }]);
    expect(await events(4)).toEqual([]);
    // The change feed's correction for the same UPRN, applied later, does not record it a second time.
    await applyUprnChange(db, 'domestic', { certificateNumber: number(2), timestamp: '2026-03-10T10:00:00Z', newUprn: 7, document: undefined });
    expect(await events(2)).toHaveLength(1);
    // A correction the walk had not seen is recorded as before.
    await applyUprnChange(db, 'domestic', { certificateNumber: number(4), timestamp: '2026-03-10T10:00:00Z', newUprn: 8, document: undefined });
    expect(await events(4)).toEqual([{ event: 'uprn_updated', old_uprn: row(4).uprn, new_uprn: 8 }]);
  });

  it('flags what an exact walk no longer finds, once, never deletes it, and un-flags it when it is served again', async () => {
    await walk(fetchOf([row(1), row(2), row(3), row(4)]));
    await applyRemovals(db, 'domestic', [{ certificateNumber: number(4), timestamp: '2026-03-09T10:00:00Z' }]);
    // Another day's certificate is not this walk's business.
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(9, { registrationDate: '2026-03-05' })]));

    const result = await walk(fetchOf([row(1), row(3)]));
    expect(result).toMatchObject({ status: 'done', missing: 1 });
    expect(await flags(2)).toEqual([{ removed: false, missing: true }]);
    // Provisional until a later walk confirms it (here no deltas are read, so nothing to wait for).
    expect(await events(2)).toEqual([]);
    // Removed (and reported): not missing. The other day's certificate: untouched.
    expect(await flags(4)).toEqual([{ removed: true, missing: false }]);
    expect(await flags(9)).toEqual([{ removed: false, missing: false }]);
    expect(await db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 5 }]);

    expect((await walk(fetchOf([row(1), row(3)]))).missing).toBe(0);
    expect((await events(2)).map((e) => e.event)).toEqual(['missing']);

    await walk(fetchOf([row(1), row(2), row(3)]));
    expect(await flags(2)).toEqual([{ removed: false, missing: false }]);
    expect((await events(2)).map((e) => e.event)).toEqual(['missing', 'reappeared']);
  });

  it('records the absence only once the change feed has been read past the day it was seen, dated when first seen', async () => {
    const deltasThrough = (offset: number) =>
      db.query(
        `INSERT INTO delta_checkpoint (register, day) VALUES ('domestic', (now() AT TIME ZONE 'Europe/London')::date + $1::int)
         ON CONFLICT DO NOTHING`,
        [offset],
      );
    await deltasThrough(-1);
    await walk(fetchOf([row(1), row(2)]));
    await walk(fetchOf([row(1)]));
    // The feed is read through today only: a removal logged today may still be on its way.
    await deltasThrough(0);
    await walk(fetchOf([row(1)]));
    expect(await events(2)).toEqual([]);
    await deltasThrough(1);
    await walk(fetchOf([row(1)]));
    await walk(fetchOf([row(1)]));
    const [recorded] = await db.query<{ same: boolean }>(
      `SELECT e.event_at = c.missing_since AS same FROM certificate_events e JOIN certificates c USING (certificate_number)
       WHERE e.certificate_number = $1 AND e.event = 'missing'`,
      [number(2)],
    );
    expect(recorded).toEqual({ same: true });
    expect((await events(2)).map((e) => e.event)).toEqual(['missing']);
  });

  it('flags nothing from a walk that fell short, or that rejected a row it cannot name', async () => {
    await walk(fetchOf([row(1), row(2), row(3)]));
    expect((await walk(fetchOf([row(1)], { expected: 3, complete: false, shortfall: 2 }))).missing).toBe(0);
    const nameless = { source: 'api' as const, day: DAY, reason: 'certificateNumber missing', raw: '{"addressLine1":"1 High Street"}' };
    expect((await walk(fetchOf([row(1)], { expected: 3, rejects: [nameless] }))).missing).toBe(0);
    // A row rejected for its band is still served: its certificate is not missing.
    const badBand = { source: 'api' as const, day: DAY, reason: 'band', raw: JSON.stringify({ ...row(2), currentEnergyEfficiencyBand: 'Z' }) };
    expect((await walk(fetchOf([row(1)], { expected: 3, rejects: [badBand] }))).missing).toBe(1);
    expect(await flags(2)).toEqual([{ removed: false, missing: false }]);
    expect(await flags(3)).toEqual([{ removed: false, missing: true }]);
  });

  it('un-flags a missing certificate even when it comes back on a day never stored, where rows are COPied straight in', async () => {
    await walk(fetchOf([row(1), row(2)]));
    await walk(fetchOf([row(1)]));
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(2, { registrationDate: '2026-03-06' }), row(5, { registrationDate: '2026-03-06' })]));
    expect(await flags(2)).toEqual([{ removed: false, missing: false }]);
    expect((await events(2)).map((e) => e.event)).toEqual(['missing', 'reappeared']);
  });

  it('lets a removal the feed reports after the walk explain a missing certificate', async () => {
    await walk(fetchOf([row(1), row(2)]));
    // The walk runs before the sync reads the deltas: it sees the certificate gone first.
    await walk(fetchOf([row(1)]));
    await applyRemovals(db, 'domestic', [{ certificateNumber: number(2), timestamp: '2026-03-09T10:00:00Z' }]);
    expect(await flags(2)).toEqual([{ removed: true, missing: false }]);
    expect((await events(2)).map((e) => e.event)).toEqual(['removed']);
    // Re-read deltas change nothing.
    await applyRemovals(db, 'domestic', [{ certificateNumber: number(2), timestamp: '2026-03-09T10:00:00Z' }]);
    expect((await events(2)).map((e) => e.event)).toEqual(['removed']);
  });

  it('times each walk that ends done, keeps the time through an incomplete one, and lists the least recently verified first', async () => {
    const at = async (day: string) =>
      (await db.query<{ v: Date | null }>(`SELECT verified_at AS v FROM sync_checkpoint WHERE day = $1`, [day]))[0]!.v;
    await walk(fetchOf([row(1)]));
    const first = await at(DAY);
    expect(first).not.toBeNull();
    await walk(fetchOf([row(1)], { expected: 2, complete: false, shortfall: 1 }));
    expect(await at(DAY)).toEqual(first);
    await walk(fetchOf([row(1)]));
    expect((await at(DAY))!.getTime()).toBeGreaterThan(first!.getTime());

    await db.query(
      `INSERT INTO sync_checkpoint (register, day, status, verified_at) VALUES
         ('domestic', '2026-01-01', 'done', '2026-02-01T00:00:00Z'), ('domestic', '2026-01-02', 'done', NULL),
         ('domestic', '2026-01-03', 'done', '2026-01-15T00:00:00Z'), ('domestic', '2026-01-04', 'failed', NULL),
         ('domestic', '2026-01-05', 'done', NULL), ('non-domestic', '2026-01-06', 'done', NULL)`,
    );
    expect(await leastRecentlyVerifiedDays(db, 'domestic', '2026-12-31', 10)).toEqual(['2026-01-02', '2026-01-05', '2026-01-03', '2026-01-01', DAY]);
    expect(await leastRecentlyVerifiedDays(db, 'domestic', '2026-01-04', 3)).toEqual(['2026-01-02', '2026-01-03', '2026-01-01']);
    expect(await leastRecentlyVerifiedDays(db, 'domestic', '2026-12-31', 0)).toEqual([]);
  });
});

describe.each(TARGETS)('migration 0011 on %s', (target) => {
  it('starts the verification clock of every done day at the walk that finished it, and of no other day', async () => {
    const database = await createTestDatabase(target, undefined, true);
    const db = await openDatabase({ url: database.url, dataDir: database.dataDir }, pino({ level: 'silent' }));
    const folder = mkdtempSync(join(tmpdir(), 'epc-sync-migrations-'));
    try {
      cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
      const journalPath = join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ idx: number }> };
      journal.entries = journal.entries.filter((e) => e.idx <= 10);
      writeFileSync(journalPath, JSON.stringify(journal));
      await migrate(db, folder);
      await db.query(
        `INSERT INTO sync_checkpoint (register, day, status, source, finished_at) VALUES
           ('domestic', '2026-01-01', 'done', 'api', '2026-01-02T03:00:00Z'),
           ('domestic', '2026-01-02', 'done', 'bulk', '2026-02-01T04:00:00Z'),
           ('domestic', '2026-01-03', 'incomplete', 'api', '2026-01-04T03:00:00Z'),
           ('domestic', '2026-01-04', 'pending', 'api', NULL)`,
      );
      await db.query(`INSERT INTO certificates (certificate_number, registration_date) VALUES ('0000-0000-0000-0000-0001', '2026-01-01')`);

      // 0011 and every migration after it.
      expect((await migrate(db)).applied).toBe(readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length - 11);

      expect(await db.query(`SELECT day::text, verified_at FROM sync_checkpoint ORDER BY day`)).toEqual([
        { day: '2026-01-01', verified_at: new Date('2026-01-02T03:00:00Z') },
        { day: '2026-01-02', verified_at: new Date('2026-02-01T04:00:00Z') },
        { day: '2026-01-03', verified_at: null },
        { day: '2026-01-04', verified_at: null },
      ]);
      expect(await db.query(`SELECT missing_since FROM certificates`)).toEqual([{ missing_since: null }]);
    } finally {
      await db.close();
      await database.drop();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
