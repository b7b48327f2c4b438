/**
 * The day walk end to end, in process: the project's fake EPB API on loopback, the real client, the
 * real sync, and a real database (PGlite always; PostgreSQL too when TEST_DATABASE_URL is set).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, eachDay } from '../../src/days.js';
import { exitCodeForRun } from '../../src/exit-codes.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { FAKE_TOKEN, generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { certificateRows, checkpoint, searchRequests } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);

describe.each(TARGETS)('day walk on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let harness: Harness | null = null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 7 });
  });
  afterEach(async () => {
    await harness?.close();
    harness = null;
    await api.close();
    await database.drop();
  });

  it('stores exactly the API rows of a 12,000-row day whose pages overlap and skip', async () => {
    const day = '2026-11-02';
    api.store.addCertificates(generateDay(day, 12_000, { seed: 1 }));
    harness = await openHarness(api, database, {}, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false });

    expect(report.outcome).toBe('succeeded');
    const stored = await certificateRows(harness.db, day);
    const expected = api.store.rowsForDay(day);
    expect(stored.length).toBe(12_000);
    // Every field byte for byte, awkward text included.
    expect(new Map(stored.map((r) => [r.certificateNumber, r]))).toEqual(new Map(expected.map((r) => [r.certificateNumber, r])));
    expect(await checkpoint(harness.db, day)).toMatchObject({ status: 'done', expected_count: 12_000, stored_count: 12_000 });
    // Plain paging alone came up short: reconciliation had to split the day by band.
    expect(searchRequests(api).some((r) => r.bands.length > 0)).toBe(true);
  });

  it('walks ordinary and empty days, and a rerun fetches nothing again and changes nothing', async () => {
    api.store.addCertificates(generateDay('2026-10-05', 40, { seed: 2 }));
    api.store.addCertificates(generateDay('2026-10-07', 25, { seed: 3 }));
    harness = await openHarness(api, database, {}, NOW);

    const first = await backfill(harness.deps, { from: '2026-10-05', to: '2026-10-07', force: false });
    expect(first.outcome).toBe('succeeded');
    expect(first.counts).toMatchObject({ daysDone: 3, rowsUpserted: 65 });
    expect(await checkpoint(harness.db, '2026-10-06')).toMatchObject({ status: 'done', expected_count: 0, stored_count: 0 });
    const before = await harness.db.query(`SELECT certificate_number, last_changed_at FROM certificates ORDER BY 1`);

    api.resetRequests();
    const again = await backfill(harness.deps, { from: '2026-10-05', to: '2026-10-07', force: false });
    expect(again.outcome).toBe('succeeded');
    expect(again.daysSkipped).toBe(3);
    expect(searchRequests(api)).toHaveLength(0);

    const forced = await backfill(harness.deps, { from: '2026-10-05', to: '2026-10-07', force: true });
    expect(forced.counts).toMatchObject({ daysDone: 3, rowsUpserted: 0 });
    expect(await harness.db.query(`SELECT certificate_number, last_changed_at FROM certificates ORDER BY 1`)).toEqual(before);
  });

  it('picks up a late arrival on a done day through the lookback', async () => {
    const lastDay = addDays(TODAY, -1);
    api.store.addCertificates(generateDay(lastDay, 30, { seed: 4 }));
    harness = await openHarness(api, database, { SYNC_START_DATE: addDays(TODAY, -3), SYNC_LOOKBACK_DAYS: '7' }, NOW);
    expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
    expect(await checkpoint(harness.db, lastDay)).toMatchObject({ status: 'done', expected_count: 30 });

    // Loaded into the register "today": hidden until tomorrow.
    const [late] = generateDay(lastDay, 1, { seed: 99 });
    api.store.addCertificates([late!], { createdAt: TODAY });
    const tomorrow = addDays(TODAY, 1);
    api.setToday(tomorrow);
    const report = await syncOnce(harness.deps, undefined, new Date(`${tomorrow}T12:00:00Z`));

    expect(report.outcome).toBe('succeeded');
    expect(await checkpoint(harness.db, lastDay)).toMatchObject({ status: 'done', expected_count: 31, stored_count: 31 });
    expect((await certificateRows(harness.db, lastDay)).map((r) => r.certificateNumber)).toContain(late!.certificateNumber);
    // Unchanged lookback days cost one small request each, not a re-walk.
    const probes = searchRequests(api).filter((r) => r.pageSize === 1);
    expect(probes.length).toBeGreaterThanOrEqual(2);
  });

  it('marks a day it cannot complete as incomplete with the shortfall, never done', async () => {
    const day = '2026-09-09';
    const rows = generateDay(day, 1_500, { seed: 5 });
    api.store.addCertificates(rows);
    // Counted in the day's total, never served on a page: no query can reach it.
    api.unlisted.add(rows[0]!.certificateNumber);
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '100', SYNC_RECONCILE_ATTEMPTS: '0' }, NOW);

    const report = await backfill(harness.deps, { from: day, to: day, force: false });

    expect(report.outcome).toBe('incomplete');
    expect(exitCodeForRun(report)).toBe(1);
    const row = await checkpoint(harness.db, day);
    expect(row.status).toBe('incomplete');
    expect(row.expected_count).toBe(1_500);
    expect(row.stored_count).toBeLessThan(1_500);
    expect(row.last_error).toMatch(/could not be fetched/);
    const [missing] = await harness.db.query<{ shortfall: number }>(`SELECT shortfall FROM sync_missing_days WHERE day = $1`, [day]);
    expect(missing?.shortfall).toBe(1_500 - (row.stored_count ?? 0));
  });

  it('stops at the first 403 with exit code 2 and marks nothing done', async () => {
    api.store.addCertificates(generateDay('2026-08-01', 10, { seed: 6 }));
    harness = await openHarness(api, database, { EPC_API_TOKEN: 'Z'.repeat(64) }, NOW);

    const report = await backfill(harness.deps, { from: '2026-08-01', to: '2026-08-20', force: false });

    expect(report.outcome).toBe('failed');
    expect(exitCodeForRun(report)).toBe(2);
    expect(report.fatal?.message).toMatch(/EPC_API_TOKEN/);
    const states = await harness.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM sync_checkpoint GROUP BY status`,
    );
    expect(states.find((s) => s.status === 'done')).toBeUndefined();
    expect(states.find((s) => s.status === 'running')).toBeUndefined();
    // It stopped instead of trying the other days: at most one request per walker.
    expect(api.requests.length).toBeLessThanOrEqual(harness.config.api.concurrency);
    expect(JSON.stringify(report.fatal)).not.toContain(FAKE_TOKEN);
  });

  it('never exceeds EPC_REQUESTS_PER_SECOND in any one-second window, retries included', async () => {
    for (const day of eachDay('2026-07-01', '2026-07-20')) api.store.addCertificates(generateDay(day, 50, { seed: 8 }));
    api.setFaults({ rate429: 0.15, seed: 3 });
    harness = await openHarness(api, database, { EPC_REQUESTS_PER_SECOND: '8' }, NOW);

    const report = await backfill(harness.deps, { from: '2026-07-01', to: '2026-07-20', force: false });

    expect(report.outcome).toBe('succeeded');
    const times = api.requests.map((r) => r.time).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(16);
    expect(api.requests.some((r) => r.status === 429)).toBe(true);
    let worst = 0;
    for (let i = 0, j = 0; j < times.length; j += 1) {
      while (times[j]! - times[i]! >= 1000) i += 1;
      worst = Math.max(worst, j - i + 1);
    }
    expect(worst).toBeLessThanOrEqual(8);
    expect(await harness.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 1_000 }]);
  });
});
