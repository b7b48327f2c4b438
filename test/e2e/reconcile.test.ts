/**
 * The reconciliation ladder end to end: the real API client and the real day walk against the
 * project's fake API on loopback (and, for a misbehaving API, a one-answer server), then a backfill
 * into a real database. Days shaped like the one an operator reported: every row in one council and
 * one constituency, more rows without a band than fit a page, so no band, council or constituency
 * filter can split them and only the address rungs can.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import { exitCodeForRun } from '../../src/exit-codes.js';
import { backfill } from '../../src/sync/commands.js';
import { walkDay } from '../../src/sync/walk-day.js';
import { FAKE_TOKEN, PLACES, generateDay, startFakeApi, type FakeApi, type SearchRow } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { memoryLogger, openHarness, type Harness } from '../helpers/harness.js';
import { certificateRows, checkpoint, searchRequests } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const EXETER = ['Exeter', 'Exeter'] as const;
const byNumber = (rows: readonly SearchRow[]) => new Map(rows.map((r) => [r.certificateNumber, r]));

let api: FakeApi | null = null;
let client: ApiClient | null = null;
afterEach(async () => {
  await client?.stop();
  await api?.close();
  client = null;
  api = null;
});

function clientFor(baseUrl: string, pageSize: number): ApiClient {
  client = createApiClient(
    { baseUrl, token: FAKE_TOKEN, requestsPerSecond: 500, concurrency: 4, timeoutMs: 10_000, maxRetries: 2, pageSize },
    { logger: memoryLogger().logger },
  );
  return client;
}

describe('walking a day through the reconciliation ladder', () => {
  it('completes a day in one council and one constituency, with more than a page of rows without a band, from filters alone', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 3, cacheTtlMs: 60_000 });
    const day = '2026-11-03';
    api.store.addCertificates(generateDay(day, 600, { seed: 21, place: EXETER, noBand: 120 }));

    // No re-fetch with another page size: whatever the walk finds, the filters found.
    const fetch = await walkDay(clientFor(api.url, 100), { register: 'domestic', day, pageSize: 100, reconcileAttempts: 0 });

    expect(fetch).toMatchObject({ complete: true, expected: 600, shortfall: 0, stoppedAt: null, strays: [], rejects: [] });
    expect(byNumber(fetch.rows)).toEqual(byNumber(api.store.rowsForDay(day)));
    // The counts are the fake's own log: one request per page asked for, every one answered.
    const searches = searchRequests(api);
    expect(fetch.requests).toBe(searches.length);
    expect(fetch.pages).toBe(api.requests.filter((r) => r.status === 200).length);
    expect(api.requests.some((r) => typeof r.query.address === 'string')).toBe(true);
    expect(searches.every((r) => r.pageSize === 100 || r.pageSize === 1)).toBe(true);
  });

  it('costs a normal busy day (every band under a page) exactly the requests the walk always made', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 7 });
    const day = '2026-11-02';
    api.store.addCertificates(generateDay(day, 9_000, { seed: 11 }));
    const bands = new Map<string | null, number>();
    for (const r of api.store.rowsForDay(day)) bands.set(r.currentEnergyEfficiencyBand, (bands.get(r.currentEnergyEfficiencyBand) ?? 0) + 1);
    expect(Math.max(...bands.values())).toBeLessThan(5_000);

    const fetch = await walkDay(clientFor(api.url, 5_000), { register: 'domestic', day, pageSize: 5_000, reconcileAttempts: 5 });

    expect(fetch).toMatchObject({ complete: true, expected: 9_000, stoppedAt: null });
    expect(fetch.rows).toHaveLength(9_000);
    // 2 pages of the day, 7 bands, 3 groups of councils for the rows with no band: 12, as before the ladder.
    expect(fetch.requests).toBe(12);
    expect(searchRequests(api)).toHaveLength(12);
  });

  it('never counts rows of another day: a server answering its one example row for any day leaves the day incomplete', async () => {
    // What a mock generated from the OpenAPI spec answers: the example, dated 2020-05-04, whatever is asked.
    const example = {
      addressLine1: '1 Some Street', addressLine2: null, addressLine3: null, addressLine4: null, uprn: 100121241798,
      certificateNumber: '0000-0000-0000-0000-0000', constituency: 'Chelsea and Fulham', council: 'Hammersmith and Fulham',
      currentEnergyEfficiencyBand: 'B', postTown: 'Whitbury', postcode: 'SW10 0AA', registrationDate: '2020-05-04', schemaType: 'RdSAP-Schema-20.0.0',
    };
    const body = JSON.stringify({ data: [example], pagination: { totalRecords: 4, currentPage: 1, totalPages: 1, nextPage: null, prevPage: null, pageSize: 5000 } });
    const mock: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => mock.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(mock.address() as AddressInfo).port}`;
      const fetch = await walkDay(clientFor(url, 5_000), { register: 'domestic', day: '2024-01-02', pageSize: 5_000, reconcileAttempts: 2 });

      expect(fetch).toMatchObject({ day: '2024-01-02', expected: 4, complete: false, shortfall: 4, rows: [], rejects: [], stoppedAt: 'page sizes' });
      expect(fetch.strays).toEqual([{ ...example }]);
      expect(fetch.requests).toBe(3);
    } finally {
      await new Promise((resolve) => mock.close(resolve));
    }
  });

  it('stops when every rung is climbed, naming the last, when the API counts a certificate it never serves', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 5 });
    const day = '2026-11-04';
    const rows = generateDay(day, 600, { seed: 22, place: EXETER, noBand: 120 });
    api.store.addCertificates(rows);
    api.unlisted.add(rows[0]!.certificateNumber);

    const fetch = await walkDay(clientFor(api.url, 100), { register: 'domestic', day, pageSize: 100, reconcileAttempts: 2 });

    expect(fetch).toMatchObject({ complete: false, expected: 600, shortfall: 1, stoppedAt: 'page sizes' });
    expect(fetch.rows).toHaveLength(599);
    // Once the row is cornered in a group that comes back whole yet short, the walk stops chasing it.
    expect(fetch.requests).toBeLessThan(150);

    // A day that would cost more than the guard allows stops there, and says so.
    const capped = await walkDay(client!, { register: 'domestic', day, pageSize: 100, reconcileAttempts: 2, maxRequests: 20 });
    expect(capped).toMatchObject({ complete: false, stoppedAt: 'request budget' });
    expect(capped.requests).toBeLessThan(20 + 8 * 2);
  });
});

describe.each(TARGETS)('a backfill over days in one place on %s', (target) => {
  let database: TestDatabase;
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
    await database.drop();
  });

  it('ends every day done and the run succeeded on the first run', async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 9, cacheTtlMs: 60_000 });
    const days = ['2026-10-12', '2026-10-13', '2026-10-14'];
    days.forEach((day, i) => api!.store.addCertificates(generateDay(day, 500 + 50 * i, { seed: 30 + i, place: PLACES[i]!, noBand: 110 })));
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '100', SYNC_RECONCILE_ATTEMPTS: '0' }, NOW);

    const report = await backfill(harness.deps, { from: days[0]!, to: days[2]!, force: false });

    expect(report.outcome).toBe('succeeded');
    expect(exitCodeForRun(report)).toBe(0);
    expect(report.counts).toMatchObject({ daysDone: 3, daysIncomplete: 0, daysFailed: 0 });
    for (const day of days) {
      const expected = api.store.rowsForDay(day);
      expect(await checkpoint(harness.db, day)).toMatchObject({ status: 'done', expected_count: expected.length, stored_count: expected.length });
      expect(byNumber(await certificateRows(harness.db, day))).toEqual(byNumber(expected));
    }
  });
});
