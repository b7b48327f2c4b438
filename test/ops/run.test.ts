/**
 * /metrics and the webhook while a real run goes on: the fake API, the real API client and sync, a
 * real database and a real HTTP receiver. The counters must move as the run does, and a failed run
 * must post once however many requests were retried on the way.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { Metrics } from '../../src/ops/metrics.js';
import { createNotifier } from '../../src/ops/notify.js';
import { startOpsServer } from '../../src/ops/server.js';
import { backfill } from '../../src/sync/commands.js';
import { eachDay, generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { parseScrape, valueOf } from './support.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const DAYS = [...eachDay('2026-11-01', '2026-11-06')];

describe.each(TARGETS)('operations during a run on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => '2026-11-24', rateLimit: false, seed: 2 });
    for (const [i, day] of DAYS.entries()) api.store.addCertificates(generateDay(day, 200, { seed: i + 1 }));
    h = await openHarness(api, database, { EPC_REQUESTS_PER_SECOND: '20', EPC_MAX_RETRIES: '3' }, NOW);
  });
  afterEach(async () => {
    await h.close().catch(() => undefined);
    await api.close();
    await database.drop();
  });

  it('/metrics counters move as a backfill does, and the state gauges end on what it stored', async () => {
    const metrics = new Metrics(h.db, ['domestic'], { defaultMetrics: false });
    const client = createApiClient(h.config.api, { logger: h.deps.logger, onEvent: (e) => metrics.apiRequest(e) });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db: h.db, isSchedulerRunning: () => true, logger: h.deps.logger });
    const scrape = async () => parseScrape(await (await fetch(`${ops.url}/metrics`)).text());
    try {
      api.failNext({ count: 2, fault: 'status429', path: /search/ });
      const run = backfill({ ...h.deps, api: client, metrics }, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false });
      // 20 requests/s: the six days take a few hundred milliseconds, so this scrape lands mid-run.
      await new Promise((resolve) => setTimeout(resolve, 250));
      const during = await scrape();
      const report = await run;
      const after = await scrape();
      expect(report.outcome).toBe('succeeded');

      const ok = (s: typeof after) => valueOf(s, 'epc_sync_api_requests_total', { endpoint: 'search', status: '200' }) ?? 0;
      expect(valueOf(during, 'epc_sync_runs_in_progress', { kind: 'backfill' })).toBe(1);
      expect(ok(after)).toBeGreaterThan(ok(during));
      expect(ok(after)).toBe(api.requests.filter((r) => r.path.endsWith('/search') && r.status === 200).length);
      expect(valueOf(after, 'epc_sync_api_rate_limited_total', { endpoint: 'search' })).toBe(2);
      expect(valueOf(after, 'epc_sync_api_retries_total', { endpoint: 'search', reason: 'rate_limited' })).toBe(2);
      expect(valueOf(after, 'epc_sync_rows_upserted_total', { source: 'api' })).toBe(1200);
      expect(valueOf(after, 'epc_sync_days', { register: 'domestic', status: 'done' })).toBe(6);
      expect(valueOf(after, 'epc_sync_newest_complete_day_timestamp_seconds', { register: 'domestic' })).toBe(Date.parse('2026-11-06T00:00:00Z') / 1000);
      expect(valueOf(after, 'epc_sync_last_run_outcome', { register: 'domestic', kind: 'backfill', outcome: 'succeeded' })).toBe(1);
      expect(valueOf(after, 'epc_sync_runs_finished_total', { kind: 'backfill', outcome: 'succeeded' })).toBe(1);
      expect(valueOf(after, 'epc_sync_runs_in_progress', { kind: 'backfill' })).toBe(0);
      // Low cardinality: no day, certificate number or URL ever becomes a label value.
      for (const sample of after) {
        for (const value of Object.values(sample.labels)) expect(value).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{4}-\d{4}-\d{4}|\/|\?/);
      }
    } finally {
      await ops.close();
      await client.stop();
    }
  });

  it('a run that fails after many retries posts to the webhook once', async () => {
    const posts: Array<Record<string, unknown>> = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const notifier = createNotifier({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, logger: h.deps.logger });
    try {
      // One day answers 500 to every attempt: it is retried EPC_MAX_RETRIES times, then the day fails.
      api.failNext({ count: 1000, status: 500, match: (r) => r.query.get('date_start') === DAYS[2] });
      const report = await backfill({ ...h.deps, notifier }, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false });
      expect(report.outcome).toBe('failed');
      expect(report.counts.daysFailed).toBe(1);
      expect(api.requests.filter((r) => r.status === 500).length).toBe(4);
      expect(posts).toHaveLength(1);
      expect(posts[0]).toMatchObject({ event: 'run_failed', kind: 'backfill', outcome: 'failed', runId: report.runId, register: 'domestic' });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
