/**
 * `epc-sync plan` and `epc-sync serve`, as a user meets them: a plan printed before a backfill
 * predicts the requests the backfill then makes, without a request of its own; `serve` shows the
 * coverage page of an embedded mirror while nothing syncs, and stops cleanly on SIGTERM.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachDay } from '../../src/days.js';
import { backfill } from '../../src/sync/commands.js';
import { planReport } from '../../src/sync/plan-report.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';
import { closedPort } from '../helpers/servers.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const HISTORY = [...eachDay('2026-10-01', '2026-10-14')];
const NEXT = [...eachDay('2026-10-15', '2026-10-28')];

describe.each(TARGETS)('epc-sync plan on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let harness: Harness | null = null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 5 });
  });
  afterEach(async () => {
    await harness?.close();
    harness = null;
    await api.close();
    await database.drop();
  });

  it('predicts the requests of a backfill within 25% from what recent walks cost, asking the API nothing', async () => {
    // Days of uneven size in pages of 40 that overlap and skip: some need reconciliation, some not.
    for (const [i, day] of [...HISTORY, ...NEXT].entries()) api.store.addCertificates(generateDay(day, 30 + ((i * 37) % 90), { seed: i }));
    harness = await openHarness(api, database, { EPC_PAGE_SIZE: '40', FETCH_DOCUMENTS: 'true', SYNC_START_DATE: '2026-10-01' }, NOW);
    await backfill(harness.deps, { from: HISTORY[0]!, to: HISTORY.at(-1)!, force: false });

    const before = api.requests.length;
    const plan = await planReport(harness.db, harness.config, ['domestic'], { kind: 'backfill', from: NEXT[0]!, to: NEXT.at(-1)!, force: false }, NOW);
    expect(api.requests.length).toBe(before);
    const [domestic] = plan.registers;
    expect(domestic).toMatchObject({ register: 'domestic', from: NEXT[0], to: NEXT.at(-1), skipped: 0, basis: { assumed: false, days: HISTORY.length } });
    expect(domestic!.days.backfill).toBe(NEXT.length);

    const report = await backfill(harness.deps, { from: NEXT[0]!, to: NEXT.at(-1)!, force: false });
    expect(report.outcome).toBe('succeeded');
    const made = report.counts.requests;
    expect(Math.abs(plan.total.requests - made) / made).toBeLessThanOrEqual(0.25);
    expect(plan.total.seconds).toBe(Math.ceil(plan.total.requests / harness.config.api.requestsPerSecond));
  }, 120_000);

  it('plans a sync by reason: new days, retried ones, the lookback, and skips done days of a backfill', async () => {
    for (const [i, day] of HISTORY.entries()) api.store.addCertificates(generateDay(day, 20, { seed: i }));
    harness = await openHarness(api, database, { SYNC_START_DATE: HISTORY[0]!, SYNC_LOOKBACK_DAYS: '3' }, NOW);
    await backfill(harness.deps, { from: HISTORY[0]!, to: HISTORY.at(-1)!, force: false });
    await harness.db.query(`UPDATE sync_checkpoint SET status = 'failed' WHERE day = $1`, [HISTORY[2]]);

    const sync = await planReport(harness.db, harness.config, ['domestic'], { kind: 'sync' }, NOW);
    // Yesterday is 2026-11-23: every day after the last done one is new.
    expect(sync.registers[0]!.days).toMatchObject({ new: 40, retry: 1, lookback: 3 });
    expect(sync.registers[0]!.from).toBe(HISTORY[2]);

    const again = await planReport(harness.db, harness.config, ['domestic'], { kind: 'backfill', from: HISTORY[0]!, to: HISTORY.at(-1)!, force: false }, NOW);
    expect(again.registers[0]).toMatchObject({ skipped: HISTORY.length - 1, days: { backfill: 1 } });
  }, 120_000);
});

describe('epc-sync plan and serve through the command line (embedded database)', () => {
  let database: TestDatabase;
  let api: FakeApi;
  beforeEach(async () => {
    database = await createTestDatabase('pglite');
    api = await startFakeApi({ rateLimit: false });
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('plan prints JSON without a token, says when it assumes, and refuses a backfill without its range', async () => {
    const env = { ...fakeEnv(api, database), EPC_API_TOKEN: '', LOG_LEVEL: 'fatal' };
    const planned = await runCli(['plan', 'backfill', '--from', '2026-01-01', '--to', '2026-01-31', '--json'], env, { timeoutMs: 60_000 });
    expect(planned.code).toBe(0);
    const report = JSON.parse(planned.stdout) as { registers: Array<{ days: { backfill: number }; basis: { assumed: boolean }; requests: { total: number } }> };
    expect(report.registers[0]).toMatchObject({ days: { backfill: 31 }, basis: { assumed: true } });
    expect(report.registers[0]!.requests.total).toBeGreaterThan(31);
    expect(api.requests).toHaveLength(0);

    const text = await runCli(['plan', 'backfill', '--from', '2026-01-01', '--to', '2026-01-31'], env, { timeoutMs: 60_000 });
    expect(text.stdout).toMatch(/domestic: 31 day\(s\) from 2026-01-01 to 2026-01-31/);
    expect(text.stdout).toMatch(/no walked day to learn from yet/);

    const bad = await runCli(['plan', 'backfill'], env, { timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--from must be a real date/);
  }, 120_000);

  it('serve shows the coverage page and status of the embedded mirror until SIGTERM, then exits 0', async () => {
    const port = await closedPort();
    const env = { ...fakeEnv(api, database, { METRICS_PORT: String(port), SYNC_START_DATE: '2026-11-01' }), EPC_API_TOKEN: '' };
    const serve = startCli(['serve'], env);
    await serve.waitFor(/coverage page: http/);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('<h2>domestic</h2>');
    expect(html).toMatch(/<title>2026-11-01: not walked<\/title>/);
    expect((await fetch(`http://127.0.0.1:${port}/status.json`)).status).toBe(200);
    serve.child.kill('SIGTERM');
    const done = await serve.done;
    expect(done.code).toBe(0);
    expect(api.requests).toHaveLength(0);

    const off = await runCli(['serve'], { ...env, METRICS_PORT: '0' }, { timeoutMs: 30_000 });
    expect(off.code).toBe(2);
    expect(off.stderr).toMatch(/serve needs METRICS_PORT/);
  }, 120_000);
});
