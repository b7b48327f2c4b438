/**
 * The re-verification of old days, end to end: the fake EPB API on loopback, the real client and sync,
 * a real database. What the change feed never reports (an opt-in, a UPRN filled in by address
 * matching, a certificate gone without a removal) reaches the mirror through a full re-walk of days
 * the lookback no longer covers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { addDays } from '../../src/days.js';
import { readStatus } from '../../src/ops/status.js';
import { syncOnce } from '../../src/sync/commands.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { certificateRows, checkpoint, searchRequests } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const noon = (day: string) => new Date(`${day}T12:00:00Z`);
// Three weeks before yesterday: far outside the default 7-day lookback.
const OLD = '2026-11-02';
const OLDER_NEIGHBOUR = '2026-11-03';
const RECENT = '2026-11-20';

describe.each(TARGETS)('re-verifying old days on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 11 });
    api.store.addCertificates(generateDay(OLD, 30, { seed: 21 }));
    api.store.addCertificates(generateDay(OLDER_NEIGHBOUR, 20, { seed: 22 }));
    api.store.addCertificates(generateDay(RECENT, 10, { seed: 23 }));
    h = await openHarness(api, database, { SYNC_START_DATE: '2026-11-01' }, noon(TODAY));
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
  });

  /** One sync as the daemon runs it on `today`, with SYNC_REVERIFY_DAYS (and any other setting) as given. */
  const sync = (today: string, reverifyDays: number, over: { api?: Partial<Config['api']>; sync?: Partial<Config['sync']> } = {}) => {
    api.setToday(today);
    const config = { ...h.config, api: { ...h.config.api, ...over.api }, sync: { ...h.config.sync, reverifyDays, ...over.sync } };
    return syncOnce({ ...h.deps, config }, undefined, noon(today));
  };
  const certificate = async (n: string) => {
    const [row] = await h.db.query<{ uprn: number | null; removed_at: Date | null; missing_since: Date | null }>(
      `SELECT uprn, removed_at, missing_since FROM certificates WHERE certificate_number = $1`,
      [n],
    );
    return row!;
  };
  const events = (n: string) =>
    h.db.query<{ event: string; old_uprn: number | null; new_uprn: number | null }>(
      `SELECT event, old_uprn, new_uprn FROM certificate_events WHERE certificate_number = $1 ORDER BY id`,
      [n],
    );
  const verifiedAt = async (day: string) => {
    const [row] = await h.db.query<{ verified_at: Date | null }>(`SELECT verified_at FROM sync_checkpoint WHERE day = $1`, [day]);
    return row!.verified_at;
  };

  it('brings an opt-in and a silent UPRN fill on days outside the lookback into the mirror in one sync', async () => {
    const [optIn, filled] = api.store.rowsForDay(OLD);
    api.store.updateCertificate(filled!.certificateNumber, { uprn: null });
    expect((await sync(TODAY, 0)).outcome).toBe('succeeded');
    // The register removes a certificate and says so in its change feed.
    api.store.removeCertificate(optIn!.certificateNumber, `${TODAY}T09:00:00.000Z`);
    expect((await sync(addDays(TODAY, 1), 0)).outcome).toBe('succeeded');
    expect((await certificate(optIn!.certificateNumber)).removed_at).not.toBeNull();

    // Then, with no event at all, the owner opts back in and address matching fills in a UPRN.
    api.store.restoreCertificate(optIn!.certificateNumber);
    api.store.updateCertificate(filled!.certificateNumber, { uprn: 100040012345 });
    // The lookback does not reach the day and the feed is silent: a sync without re-verification misses both.
    expect((await sync(addDays(TODAY, 2), 0)).outcome).toBe('succeeded');
    expect((await certificate(optIn!.certificateNumber)).removed_at).not.toBeNull();
    expect((await certificate(filled!.certificateNumber)).uprn).toBeNull();
    const before = await verifiedAt(OLD);

    api.resetRequests();
    const report = await sync(addDays(TODAY, 3), 40);

    expect(report.outcome).toBe('succeeded');
    expect(await certificate(optIn!.certificateNumber)).toMatchObject({ removed_at: null, missing_since: null });
    expect((await certificate(filled!.certificateNumber)).uprn).toBe(100040012345);
    expect((await events(optIn!.certificateNumber)).map((e) => e.event)).toEqual(['removed', 'reappeared']);
    expect(await events(filled!.certificateNumber)).toEqual([{ event: 'uprn_updated', old_uprn: null, new_uprn: 100040012345 }]);
    // Every day now holds exactly what the API serves for it.
    for (const day of [OLD, OLDER_NEIGHBOUR, RECENT]) expect(await certificateRows(h.db, day)).toEqual(api.store.rowsForDay(day));
    expect(await checkpoint(h.db, OLD)).toMatchObject({ status: 'done', expected_count: 30, stored_count: 30 });
    // The old day was walked in full (not probed) and its verification moved on.
    expect(searchRequests(api).some((r) => r.day === OLD && r.pageSize > 1)).toBe(true);
    expect((await verifiedAt(OLD))!.getTime()).toBeGreaterThan(before!.getTime());
  });

  it('flags a certificate the API stops serving without a removal, keeps it, and un-flags it when it comes back', async () => {
    expect((await sync(TODAY, 0)).outcome).toBe('succeeded');
    const [gone] = api.store.rowsForDay(OLD);
    api.store.hideCertificate(gone!.certificateNumber);

    expect((await sync(addDays(TODAY, 1), 40)).outcome).toBe('succeeded');
    const flagged = await certificate(gone!.certificateNumber);
    expect(flagged.missing_since).not.toBeNull();
    expect(flagged.removed_at).toBeNull();
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 60 }]);
    expect(await checkpoint(h.db, OLD)).toMatchObject({ status: 'done', expected_count: 29 });
    const status = await readStatus(h.db, 'domestic');
    expect(status).toMatchObject({ missingCertificates: 1, removedCertificates: 0 });
    expect(status.oldestVerification?.verifiedAt).not.toBeNull();

    // Still gone at the next re-walk: still flagged, since it was first seen gone.
    await sync(addDays(TODAY, 2), 40);
    expect((await certificate(gone!.certificateNumber)).missing_since).toEqual(flagged.missing_since);

    api.store.restoreCertificate(gone!.certificateNumber);
    expect((await sync(addDays(TODAY, 3), 40)).outcome).toBe('succeeded');
    expect((await certificate(gone!.certificateNumber)).missing_since).toBeNull();
    // The history keeps the absence, dated when it was first seen, then the return.
    expect((await events(gone!.certificateNumber)).map((e) => e.event)).toEqual(['missing', 'reappeared']);
    expect(await h.db.query(`SELECT event_at FROM certificate_events WHERE certificate_number = $1 AND event = 'missing'`, [gone!.certificateNumber])).toEqual([
      { event_at: flagged.missing_since },
    ]);
    expect((await readStatus(h.db, 'domestic')).missingCertificates).toBe(0);
  });

  it('flags nothing on a day whose re-walk comes up short', async () => {
    const busy = '2026-11-05';
    // Rows no filter can tell apart (no band, council, constituency or postcode; one address): a day of
    // more than one page of them can only be paged, and its pages overlap and skip.
    const alike = { currentEnergyEfficiencyBand: null, council: null, constituency: null, postcode: null, addressLine1: 'Flat', addressLine2: null, addressLine3: null, addressLine4: null, postTown: 'Exeter' };
    api.store.addCertificates(generateDay(busy, 300, { seed: 5 }).map((r) => ({ ...r, ...alike })));
    // Pages of 5,000: the day comes back whole in one page.
    expect((await sync(TODAY, 0)).outcome).toBe('succeeded');
    expect(await checkpoint(h.db, busy)).toMatchObject({ status: 'done', stored_count: 300 });
    const [gone] = api.store.rowsForDay(busy);
    api.store.hideCertificate(gone!.certificateNumber);

    // Pages of 100 and no re-fetch with other page sizes: the re-walk misses rows.
    const report = await sync(addDays(TODAY, 1), 40, { api: { pageSize: 100 }, sync: { reconcileAttempts: 0 } });

    expect(report.outcome).toBe('incomplete');
    expect((await checkpoint(h.db, busy)).status).toBe('incomplete');
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE missing_since IS NOT NULL`)).toEqual([{ n: 0 }]);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificate_events WHERE event = 'missing'`)).toEqual([{ n: 0 }]);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE registration_date = $1`, [busy])).toEqual([{ n: 300 }]);
  });
});
