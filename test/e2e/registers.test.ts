/**
 * One mirror of several registers (EPC_REGISTERS): each register's days walked in turn through the one
 * API client, each with its own checkpoint rows and run; a register whose run fails does not stop the
 * next; the change feed is applied once per sync, whatever the registers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/api/index.js';
import { exitCodeForRun } from '../../src/exit-codes.js';
import { readStatuses } from '../../src/ops/status-registers.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { eachDay, generateDay, generateRegisterDay, startFakeApi, type FakeApi, type FakeRegister } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DAYS = [...eachDay('2026-11-10', '2026-11-17')];
const searchesOf = (api: FakeApi, register: FakeRegister) => api.requests.filter((r) => r.path === `/api/${register}/search`);

describe.each(TARGETS)('several registers in one mirror on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 4 });
    for (const [i, day] of DAYS.entries()) {
      api.store.addCertificates(generateDay(day, 40, { seed: i + 1 }));
      api.store.addCertificates(generateRegisterDay('display', day, 15, { seed: i + 1 }), { register: 'display' });
    }
  });
  afterEach(async () => {
    await h?.close();
    await api.close();
    await database.drop();
  });

  const stored = (register: string) =>
    h.db.query<{ day: string; n: number }>(
      `SELECT registration_date::text AS day, count(*)::int AS n FROM certificates WHERE register = $1 GROUP BY 1 ORDER BY 1`,
      [register],
    );
  const expected = (register: FakeRegister) => DAYS.map((day) => ({ day, n: api.store.rowsForDay(day, register).length }));

  it('a backfill of EPC_REGISTERS=domestic,display walks domestic, then display, under one rate limit, each row under its register', async () => {
    // Pages of 20: several requests a day, enough for the limiter to pace them.
    h = await openHarness(api, database, { EPC_REGISTERS: 'display,domestic', EPC_REQUESTS_PER_SECOND: '20', EPC_PAGE_SIZE: '20' }, NOW);
    expect(h.config.sync.registers).toEqual(['domestic', 'display']);

    const report = await backfill(h.deps, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false });

    expect(report.outcome).toBe('succeeded');
    expect(exitCodeForRun(report)).toBe(0);
    expect(report.registers.map((r) => [r.register, r.outcome, r.counts.daysDone])).toEqual([['domestic', 'succeeded', 8], ['display', 'succeeded', 8]]);
    expect(report.counts.daysDone).toBe(16);
    expect(await h.db.query(`SELECT register, status, count(*)::int AS n FROM sync_checkpoint GROUP BY 1, 2 ORDER BY 1, 2`)).toEqual([
      { register: 'display', status: 'done', n: 8 },
      { register: 'domestic', status: 'done', n: 8 },
    ]);
    expect(await stored('domestic')).toEqual(expected('domestic'));
    expect(await stored('display')).toEqual(expected('display'));
    const displayNumbers = DAYS.flatMap((day) => api.store.rowsForDay(day, 'display').map((r) => r.certificateNumber)).sort();
    expect((await h.db.query<{ n: string }>(`SELECT certificate_number AS n FROM certificates WHERE register = 'display' ORDER BY 1`)).map((r) => r.n)).toEqual(displayNumbers);
    // A run of each register, in turn: display's searches begin after domestic's last.
    expect(await h.db.query(`SELECT register, kind, outcome FROM sync_runs ORDER BY id`)).toEqual([
      { register: 'domestic', kind: 'backfill', outcome: 'succeeded' },
      { register: 'display', kind: 'backfill', outcome: 'succeeded' },
    ]);
    const lastDomestic = Math.max(...searchesOf(api, 'domestic').map((r) => r.time));
    expect(Math.min(...searchesOf(api, 'display').map((r) => r.time))).toBeGreaterThanOrEqual(lastDomestic);
    // One limiter for both registers: it started every request the API saw, and paced them all at 20/s.
    expect((h.deps.api as ApiClient).stats().started).toBe(api.requests.length);
    const times = api.requests.map((r) => r.time).sort((a, b) => a - b);
    expect(times.length).toBeGreaterThan(40);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((times.length - 1) * 50);

    const status = await readStatuses(h.db, h.config.sync.registers, { fetchDocuments: false });
    expect(Object.keys(status.registers)).toEqual(['domestic', 'display']);
    expect(status.registers.display).toMatchObject({ register: 'display', days: { done: 8, failed: 0, incomplete: 0 }, certificates: displayNumbers.length });
    expect(status).toMatchObject({ register: 'domestic', days: { done: 8 } });
  });

  it('a backfill narrowed to one register walks only that register, configured or not', async () => {
    h = await openHarness(api, database, { EPC_REGISTERS: 'domestic', EPC_REQUESTS_PER_SECOND: '50' }, NOW);
    const report = await backfill(h.deps, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false }, undefined, ['display']);
    expect(report.outcome).toBe('succeeded');
    expect(report.registers.map((r) => r.register)).toEqual(['display']);
    expect(searchesOf(api, 'domestic')).toEqual([]);
    expect(await h.db.query(`SELECT DISTINCT register FROM sync_checkpoint`)).toEqual([{ register: 'display' }]);
    expect(await stored('display')).toEqual(expected('display'));
    expect(await stored('domestic')).toEqual([]);
  });

  it('a register whose days fail does not stop the next: display is done, the run of both ends failed', async () => {
    h = await openHarness(api, database, { EPC_REGISTERS: 'domestic,display', EPC_REQUESTS_PER_SECOND: '100', EPC_MAX_RETRIES: '1' }, NOW);
    api.failNext({ count: 10_000, status: 500, path: /^\/api\/domestic\/search$/ });

    const report = await backfill(h.deps, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false });

    expect(report.outcome).toBe('failed');
    expect(exitCodeForRun(report)).toBe(1);
    expect(report.registers.map((r) => [r.register, r.outcome])).toEqual([['domestic', 'failed'], ['display', 'succeeded']]);
    expect(await h.db.query(`SELECT register, status, count(*)::int AS n FROM sync_checkpoint GROUP BY 1, 2 ORDER BY 1, 2`)).toEqual([
      { register: 'display', status: 'done', n: 8 },
      { register: 'domestic', status: 'failed', n: 8 },
    ]);
    expect(await stored('display')).toEqual(expected('display'));
    const status = await readStatuses(h.db, h.config.sync.registers, { fetchDocuments: false });
    expect(status.healthy).toBe(false);
    expect(status.verdict).toMatch(/^domestic: 8 day\(s\) failed/);
    expect(status.registers.display).toMatchObject({ days: { done: 8, failed: 0 }, lastRun: { kind: 'backfill', outcome: 'succeeded' } });
  });

  it('a sync of both registers reads the change feed once, applies it to every register\'s certificates, and records it for each', async () => {
    h = await openHarness(api, database, { EPC_REGISTERS: 'domestic,display', SYNC_START_DATE: DAYS[0]!, EPC_REQUESTS_PER_SECOND: '100', SYNC_LOOKBACK_DAYS: '1' }, NOW);
    api.store.addCertificates(generateRegisterDay('display', '2026-11-23', 5, { seed: 9 }), { register: 'display' });
    expect((await syncOnce(h.deps, undefined, NOW)).outcome).toBe('succeeded');
    const [gone] = api.store.rowsForDay('2026-11-23', 'display');
    api.store.removeCertificate(gone!.certificateNumber, `${TODAY}T09:30:00.000Z`);
    api.setToday('2026-11-25');
    api.resetRequests();

    const report = await syncOnce(h.deps, undefined, new Date('2026-11-25T12:00:00Z'));

    expect(report.outcome).toBe('succeeded');
    expect(report.registers.map((r) => r.register)).toEqual(['domestic', 'display']);
    // One request per day of the feed, not one per register.
    expect(api.requests.filter((r) => r.path === '/api/deltas').map((r) => r.query.date_start)).toEqual(['2026-11-24']);
    const [row] = await h.db.query<{ removed_at: Date | null }>(`SELECT removed_at FROM certificates WHERE certificate_number = $1`, [gone!.certificateNumber]);
    expect(row?.removed_at?.toISOString()).toBe(`${TODAY}T09:30:00.000Z`);
    expect(await h.db.query(`SELECT register, event FROM certificate_events WHERE certificate_number = $1`, [gone!.certificateNumber])).toEqual([
      { register: 'display', event: 'removed' },
    ]);
    expect(await h.db.query(`SELECT register, max(day)::text AS day FROM delta_checkpoint GROUP BY 1 ORDER BY 1`)).toEqual([
      { register: 'display', day: '2026-11-24' },
      { register: 'domestic', day: '2026-11-24' },
    ]);
    // The feed's frontier is the mirror's, whichever registers a later sync keeps.
    const status = await readStatuses(h.db, ['display'], { fetchDocuments: false });
    expect(status.deltaFrontier).toBe('2026-11-24');
  });

  it('seeds each register\'s empty mirror from its own bulk file, then walks each register\'s days after it', async () => {
    const fileDays = [...eachDay('2026-10-28', '2026-10-31')];
    for (const [i, day] of fileDays.entries()) {
      api.store.addCertificates(generateDay(day, 30, { seed: 20 + i }));
      api.store.addCertificates(generateRegisterDay('display', day, 10, { seed: 20 + i }), { register: 'display' });
    }
    const made = '2026-11-01T00:31:19.000+00:00';
    await api.publishBulkFile({ register: 'domestic', lastUpdated: made, rows: fileDays.flatMap((d) => api.store.rowsForDay(d, 'domestic')) });
    await api.publishBulkFile({ register: 'display', lastUpdated: made, rows: fileDays.flatMap((d) => api.store.rowsForDay(d, 'display')) });
    h = await openHarness(api, database, { EPC_REGISTERS: 'domestic,display', SYNC_SEED: 'bulk', EPC_REQUESTS_PER_SECOND: '100' }, NOW);

    const report = await syncOnce(h.deps, undefined, NOW);

    expect(report.outcome, JSON.stringify(report)).toBe('succeeded');
    expect(await h.db.query(`SELECT register, status, cutoff_day::text AS cutoff FROM bulk_imports ORDER BY id`)).toEqual([
      { register: 'domestic', status: 'succeeded', cutoff: '2026-10-31' },
      { register: 'display', status: 'succeeded', cutoff: '2026-10-31' },
    ]);
    expect(api.requests.filter((r) => r.path.startsWith('/api/files/') && r.path.endsWith('/info')).map((r) => r.path)).toEqual([
      '/api/files/domestic/csv/info', '/api/files/display/csv/info',
    ]);
    // Each register walks only the days after its file (the file's own days are only probed by the lookback).
    for (const register of ['domestic', 'display'] as const) {
      const walked = new Set(searchesOf(api, register).filter((r) => r.query.page_size !== '1').map((r) => r.query.date_start));
      expect([...walked].sort(), register).toEqual([...eachDay('2026-11-01', '2026-11-23')]);
    }
    expect(await stored('display')).toEqual([...fileDays.map((day) => ({ day, n: 10 })), ...expected('display')]);
    expect(await stored('domestic')).toEqual([...fileDays.map((day) => ({ day, n: 30 })), ...expected('domestic')]);
  });
});
