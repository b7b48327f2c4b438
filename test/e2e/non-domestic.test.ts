/**
 * The non-domestic and display registers' days end to end, in process: the project's fake API on
 * loopback (its non-domestic search counts every certificate but pages only those with a
 * recommendation report, as the real one does), the real client, the real sync, and a real database
 * (PGlite always; PostgreSQL too when TEST_DATABASE_URL is set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import type { Register } from '../../src/config/types.js';
import { addDays } from '../../src/days.js';
import { exitCodeForRun } from '../../src/exit-codes.js';
import type { Queryable } from '../../src/db/client.js';
import { upsertCertificates } from '../../src/db/certificates.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { walkDay } from '../../src/sync/walk-day.js';
import { FAKE_TOKEN, generateRegisterDay, startFakeApi, type FakeApi, type SearchRow } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { memoryLogger, openHarness, type Harness } from '../helpers/harness.js';
import { searchRequests } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);

interface DayRow {
  status: string;
  expected_count: number | null;
  stored_count: number | null;
  not_served: number | null;
  last_error: string | null;
}

async function checkpointOf(q: Queryable, register: Register, day: string): Promise<DayRow | undefined> {
  const [row] = await q.query<DayRow>(
    `SELECT status, expected_count, stored_count, not_served, last_error FROM sync_checkpoint WHERE register = $1 AND day = $2`,
    [register, day],
  );
  return row;
}

/** The register's stored certificates of a day in the API's row shape, the report number as `relatedRrn`. */
async function storedOf(q: Queryable, register: Register, day: string): Promise<Map<string, SearchRow>> {
  const rows = await q.query<SearchRow>(
    `SELECT certificate_number AS "certificateNumber", address_line1 AS "addressLine1", address_line2 AS "addressLine2",
            address_line3 AS "addressLine3", address_line4 AS "addressLine4", postcode, post_town AS "postTown",
            council, constituency, current_energy_efficiency_band AS "currentEnergyEfficiencyBand",
            registration_date::text AS "registrationDate", uprn, schema_type AS "schemaType", related_certificate_number AS "relatedRrn"
     FROM certificates WHERE register = $1 AND registration_date = $2`,
    [register, day],
  );
  return new Map(rows.map((r) => [r.certificateNumber, register === 'non-domestic' ? r : { ...r, relatedRrn: undefined }]));
}

const byNumber = (rows: readonly SearchRow[]) => new Map(rows.map((r) => [r.certificateNumber, { ...r }]));
const servedRows = (api: FakeApi, day: string) => api.store.rowsForDay(day, 'non-domestic').filter((r) => r.relatedRrn !== null);

describe.each(TARGETS)('non-domestic and display days on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let harness: Harness | null = null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 11 });
  });
  afterEach(async () => {
    await harness?.close();
    harness = null;
    await api.close();
    await database.drop();
  });

  it('ends a day holding certificates without a report done: every served row stored with its report, not_served the rest', async () => {
    const day = '2026-10-06';
    api.store.addCertificates(generateRegisterDay('non-domestic', day, 60, { seed: 1, withoutReport: 12 }), { register: 'non-domestic' });
    api.store.addCertificates(generateRegisterDay('domestic', day, 25, { seed: 1 }));
    harness = await openHarness(api, database, {}, NOW);
    // A certificate without a report the bulk file brought: never served, and an exact walk must not call it gone.
    const unserved = api.store.rowsForDay(day, 'non-domestic').find((r) => r.relatedRrn === null)!;
    await harness.db.transaction((tx) => upsertCertificates(tx, 'non-domestic', [unserved]));

    const report = await backfill(harness.deps, { from: day, to: day, force: false }, undefined, ['non-domestic']);

    expect(report.outcome).toBe('succeeded');
    expect(exitCodeForRun(report)).toBe(0);
    expect(await checkpointOf(harness.db, 'non-domestic', day)).toEqual({ status: 'done', expected_count: 60, stored_count: 48, not_served: 12, last_error: null });
    const stored = await storedOf(harness.db, 'non-domestic', day);
    expect(stored).toEqual(new Map([...byNumber(servedRows(api, day)), [unserved.certificateNumber, unserved]]));
    const [flags] = await harness.db.query<{ missing: number }>(`SELECT count(*)::int AS missing FROM certificates WHERE missing_since IS NOT NULL`);
    expect(flags?.missing).toBe(0);
    // The domestic register's day is its own: neither walked nor stored.
    expect(await checkpointOf(harness.db, 'domestic', day)).toBeUndefined();
    expect((await storedOf(harness.db, 'domestic', day)).size).toBe(0);
    expect(searchRequests(api)).toHaveLength(1);
  });

  it('ends a day of more served rows than a page, in pages that overlap and skip, done and exact', async () => {
    const day = '2026-10-07';
    api.store.addCertificates(generateRegisterDay('non-domestic', day, 700, { seed: 2, withoutReport: 150 }), { register: 'non-domestic' });
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '100' }, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false }, undefined, ['non-domestic']);

    expect(report.outcome).toBe('succeeded');
    expect(await checkpointOf(harness.db, 'non-domestic', day)).toMatchObject({ status: 'done', expected_count: 700, stored_count: 550, not_served: 150 });
    expect(await storedOf(harness.db, 'non-domestic', day)).toEqual(byNumber(servedRows(api, day)));
    const searches = searchRequests(api);
    // Seven pages counted, the seventh past the served rows (a 404); the overlaps sent the walk down the ladder.
    expect(searches.filter((r) => r.bands.length === 0 && r.pageSize === 100 && r.status === 404).map((r) => r.page)).toContain(7);
    expect(searches.some((r) => r.bands.length > 0)).toBe(true);
  });

  it('never ends done a day where search drops a row it serves', async () => {
    const day = '2026-10-08';
    const rows = generateRegisterDay('non-domestic', day, 700, { seed: 3, withoutReport: 150 });
    api.store.addCertificates(rows, { register: 'non-domestic' });
    // Counted, with a report, holding its place on every page, and never sent.
    const dropped = rows.find((r) => r.relatedRrn !== null)!;
    api.unlisted.add(dropped.certificateNumber);
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '100', SYNC_RECONCILE_ATTEMPTS: '2' }, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false }, undefined, ['non-domestic']);

    expect(report.outcome).toBe('incomplete');
    expect(exitCodeForRun(report)).toBe(1);
    const row = await checkpointOf(harness.db, 'non-domestic', day);
    expect(row).toMatchObject({ status: 'incomplete', expected_count: 700 });
    expect(row!.stored_count).toBeLessThanOrEqual(549);
    expect(row!.last_error).toMatch(/certificates search serves could not be fetched/);
    expect((await storedOf(harness.db, 'non-domestic', day)).has(dropped.certificateNumber)).toBe(false);
  });

  it('ends done with nothing stored a day whose every certificate lacks a report (its first page is a 404)', async () => {
    const day = '2026-10-09';
    api.store.addCertificates(generateRegisterDay('non-domestic', day, 5, { seed: 4, withoutReport: 5 }), { register: 'non-domestic' });
    harness = await openHarness(api, database, {}, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false }, undefined, ['non-domestic']);

    expect(report.outcome).toBe('succeeded');
    // The 404 shows no count: what the day does not serve is unknown.
    expect(await checkpointOf(harness.db, 'non-domestic', day)).toEqual({ status: 'done', expected_count: 0, stored_count: 0, not_served: null, last_error: null });
    expect(searchRequests(api).map((r) => r.status)).toEqual([404]);
  });

  it('re-walks a done non-domestic day when its count changes, whether or not the newcomer is served, and only then', async () => {
    const [busy, unserved] = [addDays(TODAY, -1), addDays(TODAY, -2)];
    api.store.addCertificates(generateRegisterDay('non-domestic', busy, 40, { seed: 5, withoutReport: 8 }), { register: 'non-domestic' });
    api.store.addCertificates(generateRegisterDay('non-domestic', unserved, 3, { seed: 6, withoutReport: 3 }), { register: 'non-domestic' });
    harness = await openHarness(api, database, { SYNC_START_DATE: addDays(TODAY, -3), SYNC_LOOKBACK_DAYS: '7' }, NOW);
    expect((await syncOnce(harness.deps, undefined, NOW, ['non-domestic'])).outcome).toBe('succeeded');
    expect(await checkpointOf(harness.db, 'non-domestic', busy)).toMatchObject({ status: 'done', expected_count: 40, stored_count: 32, not_served: 8 });

    // Loaded "today", hidden until tomorrow: one with a report, one without.
    const [late, lateUnserved] = generateRegisterDay('non-domestic', busy, 2, { seed: 99, withoutReport: 0 });
    api.store.addCertificates([{ ...late!, createdAt: TODAY }, { ...lateUnserved!, relatedRrn: null, createdAt: TODAY }], { register: 'non-domestic' });
    const tomorrow = addDays(TODAY, 1);
    api.setToday(tomorrow);
    api.resetRequests();
    expect((await syncOnce(harness.deps, undefined, new Date(`${tomorrow}T12:00:00Z`), ['non-domestic'])).outcome).toBe('succeeded');

    expect(await checkpointOf(harness.db, 'non-domestic', busy)).toMatchObject({ status: 'done', expected_count: 42, stored_count: 33, not_served: 9 });
    expect((await storedOf(harness.db, 'non-domestic', busy)).get(late!.certificateNumber)).toEqual(late);
    // The day that serves nothing still answers 404 to its probe: unchanged, one request.
    expect(searchRequests(api).filter((r) => r.day === unserved)).toEqual([expect.objectContaining({ pageSize: 1, status: 404 })]);

    api.resetRequests();
    const dayAfter = addDays(tomorrow, 1);
    api.setToday(dayAfter);
    expect((await syncOnce(harness.deps, undefined, new Date(`${dayAfter}T12:00:00Z`), ['non-domestic'])).outcome).toBe('succeeded');
    // Nothing changed: one probe for the day, no re-walk.
    expect(searchRequests(api).filter((r) => r.day === busy).map((r) => r.pageSize)).toEqual([1]);
  });

  it('walks a display day exactly as a domestic one: the same requests, every row, the total its target', async () => {
    const day = '2026-10-12';
    const rows = generateRegisterDay('display', day, 650, { seed: 7 });
    api.store.addCertificates(rows, { register: 'display' });
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '100' }, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false }, undefined, ['display']);

    expect(report.outcome).toBe('succeeded');
    expect(await checkpointOf(harness.db, 'display', day)).toEqual({ status: 'done', expected_count: 650, stored_count: 650, not_served: null, last_error: null });
    expect(await storedOf(harness.db, 'display', day)).toEqual(new Map(rows.map((r) => [r.certificateNumber, { ...r, relatedRrn: undefined }])));

    // The same rows as a domestic day, on a fake of the same seed: the walk asks exactly the same.
    const domestic = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 11 });
    let client: ApiClient | null = null;
    try {
      domestic.store.addCertificates(rows);
      client = createApiClient({ ...harness.config.api, baseUrl: domestic.url, token: FAKE_TOKEN }, { logger: memoryLogger().logger });
      const walked = await walkDay(client, { register: 'domestic', day, pageSize: 100, reconcileAttempts: harness.config.sync.reconcileAttempts });
      expect(walked).toMatchObject({ complete: true, expected: 650 });
      const asked = (fake: FakeApi) => fake.requests.map((r) => JSON.stringify(r.query)).sort();
      expect(asked(api)).toEqual(asked(domestic));
    } finally {
      await client?.stop();
      await domestic.close();
    }
  });
});
