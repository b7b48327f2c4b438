/**
 * The coverage page in a real browser: Debian's Chromium, headless, driven by playwright-core (no
 * browser download). After a backfill against the fake API, the page at `/` of the ops server must
 * show every walked day in its state and the days never walked as such, with the verdict, without a
 * single console message and without asking anything of any other host. A screenshot is saved to
 * look at (test/output/). The global setup finds Chromium (test/helpers/chromium.ts): where CI asks for
 * it (CHROMIUM_PATH) and it is missing, the whole run fails, as it does for an unreachable
 * TEST_DATABASE_URL; on a machine with none installed it says so and this file does not run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Metrics } from '../../src/ops/metrics.js';
import { coveragePage } from '../../src/ops/page/index.js';
import { startOpsServer, type OpsServer } from '../../src/ops/server.js';
import { backfill } from '../../src/sync/commands.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { memoryLogger, openHarness, type Harness } from '../helpers/harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH;

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const WALKED = ['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'];
const SHORT_DAY = '2026-11-12';

let browser: Browser;
beforeAll(async () => {
  if (!CHROMIUM) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The machine's network is closed: Chromium's own background traffic would only fail noisily.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

describe.runIf(CHROMIUM).each(TARGETS)('the coverage page in Chromium, on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let harness: Harness | null = null;
  let ops: OpsServer | null = null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 11 });
  });
  afterEach(async () => {
    await ops?.close();
    ops = null;
    await harness?.close();
    harness = null;
    await api.close();
    await database.drop();
  });

  it('shows every walked day in its state, the rest as not walked, the verdict, and logs nothing', async () => {
    for (const [i, day] of WALKED.entries()) api.store.addCertificates(generateDay(day, 40 + i, { seed: i }));
    // A certificate search counts but never lists: its day cannot be made exact.
    api.unlisted.add(api.store.rowsForDay(SHORT_DAY)[0]!.certificateNumber);
    harness = await openHarness(api, database, { SYNC_START_DATE: '2026-11-01', SYNC_RECONCILE_ATTEMPTS: '1' }, NOW);
    const report = await backfill(harness.deps, { from: WALKED[0]!, to: WALKED.at(-1)!, force: false });
    expect(report.outcome).toBe('incomplete');

    const h = harness;
    ops = await startOpsServer({
      port: 0, host: '127.0.0.1', db: h.db, logger: memoryLogger().logger, isSchedulerRunning: () => true,
      metrics: new Metrics(h.db, h.config.sync.registers),
      page: (year) => coveragePage(h.db, h.config, year, NOW),
    });

    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const console: string[] = [];
    const elsewhere: string[] = [];
    page.on('console', (m) => console.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(ops!.url)) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const response = await page.goto(`${ops.url}/`);
    expect(response?.status()).toBe(200);

    const titles = await page.locator('svg.cal rect title').allTextContents();
    // 2026 from the start date to yesterday, a cell a day.
    expect(titles).toHaveLength(23);
    for (const day of WALKED.filter((d) => d !== SHORT_DAY)) expect(titles).toContainEqual(expect.stringMatching(new RegExp(`^${day}: done \\(API\\) \\d+/\\d+$`)));
    expect(titles).toContainEqual(expect.stringMatching(new RegExp(`^${SHORT_DAY}: incomplete \\d+/\\d+$`)));
    expect(titles).toContain('2026-11-05: not walked');
    expect(titles).toContain('2026-11-23: not walked');
    await expect(page.locator('.verdict').first().textContent()).resolves.toMatch(/1 day\(s\) incomplete/);
    expect(await page.locator(`svg.cal rect.incomplete`).count()).toBe(1);

    mkdirSync(join('test', 'output'), { recursive: true });
    await page.screenshot({ path: join('test', 'output', `coverage-page-${target}.png`), fullPage: true });
    await page.close();
    expect(console).toEqual([]);
    expect(elsewhere).toEqual([]);
  }, 60_000);
});
