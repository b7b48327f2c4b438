/** /metrics, /healthz and the webhook against real things: a database, a run on the fake API, an HTTP receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/api/index.js';
import { eachDay } from '../../src/days.js';
import { Metrics } from '../../src/ops/metrics.js';
import { createNotifier } from '../../src/ops/notify.js';
import { startOpsServer } from '../../src/ops/server.js';
import { backfill } from '../../src/sync/commands.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { memoryLogger, openHarness, type Harness } from '../helpers/harness.js';

const NOW = new Date('2026-11-24T12:00:00Z');
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe.each(TARGETS)('operations endpoint on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => '2026-11-24', rateLimit: false, seed: 2 });
    for (const day of eachDay('2026-11-01', '2026-11-06')) api.store.addCertificates(generateDay(day, 200, { seed: 1 }));
    h = await openHarness(api, database, { EPC_REQUESTS_PER_SECOND: '20' }, NOW);
  });
  afterEach(async () => {
    await h.close().catch(() => undefined);
    await api.close();
    await database.drop();
  });

  it('exposes counters that move as a run does, and state read from the database', async () => {
    const metrics = new Metrics(h.db, 'domestic');
    const client = createApiClient(h.config.api, { logger: h.deps.logger, onEvent: (e) => metrics.apiRequest(e) });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db: h.db, isSchedulerRunning: () => true, logger: h.deps.logger });
    try {
      api.failNext({ count: 2, fault: 'status429' });
      const scrape = async () => (await fetch(`${ops.url}/metrics`)).text();
      const run = backfill({ ...h.deps, api: client, metrics }, { from: '2026-11-01', to: '2026-11-06', force: false });
      await new Promise((r) => setTimeout(r, 400));
      const during = await scrape();
      await run;
      const after = await scrape();

      const requests = (t: string) => value(t, 'epc_sync_api_requests_total{endpoint="search",status="200"}') ?? 0;
      expect(requests(after)).toBeGreaterThan(requests(during));
      expect(value(after, 'epc_sync_api_rate_limited_total')).toBe(2);
      expect(value(after, 'epc_sync_api_retries_total{endpoint="search",reason="rate_limited"}')).toBe(2);
      expect(value(after, 'epc_sync_rows_upserted_total{source="api"}')).toBe(1200);
      expect(value(after, 'epc_sync_days{status="done"}')).toBe(6);
      expect(value(after, 'epc_sync_newest_complete_day_timestamp_seconds')).toBe(Date.parse('2026-11-06T00:00:00Z') / 1000);
      expect(value(after, 'epc_sync_last_run_outcome{outcome="succeeded"}')).toBe(1);
      expect(value(after, 'epc_sync_runs_total{kind="backfill",outcome="succeeded"}')).toBe(1);
      expect(after).toMatch(/epc_sync_api_request_duration_seconds_bucket\{le="0.05",endpoint="search"\}/);
      // Low cardinality: no day or certificate ever becomes a label.
      expect(after).not.toMatch(/2026-11-0\d|\d{4}-\d{4}-\d{4}/);
    } finally {
      await ops.close();
      await client.stop();
    }
  });

  it('/healthz is 200 while all is well, 503 naming the scheduler or the database otherwise', async () => {
    let scheduling = true;
    const metrics = new Metrics(h.db, 'domestic');
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db: h.db, isSchedulerRunning: () => scheduling, logger: h.deps.logger });
    try {
      const probe = async () => {
        const res = await fetch(`${ops.url}/healthz`);
        return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
      };
      expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
      scheduling = false;
      expect(await probe()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'scheduler stopped' } });
      scheduling = true;
      await h.db.close();
      expect(await probe()).toMatchObject({ status: 503, body: { reason: expect.stringMatching(/^database unreachable/) } });
      const text = await (await fetch(`${ops.url}/metrics`)).text();
      expect(value(text, 'epc_sync_database_up')).toBe(0);
    } finally {
      await ops.close();
    }
  });
});

describe('failure webhook', () => {
  let receiver: Server;
  let posts: Array<Record<string, unknown>>;
  let url: string;
  beforeEach(async () => {
    posts = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook/secret-part`;
  });
  afterEach(() => new Promise<void>((r) => receiver.close(() => r())));

  it('posts once per failed run, and once per lag crossing, never logging the URL path', async () => {
    const { logger, lines } = memoryLogger();
    const notifier = createNotifier(url, logger);
    const failed = { runId: 7, kind: 'sync', outcome: 'failed', error: 'the EPB API did not answer', register: 'domestic' };
    await notifier.runFailed(failed);
    await notifier.runFailed(failed);
    await notifier.runFailed({ ...failed, runId: 8 });
    for (const daysBehind of [3, 4, 1, 5]) await notifier.lagChecked({ daysBehind, threshold: 2, newestDoneDay: '2026-11-20', register: 'domestic' });
    expect(posts.map((p) => [p.event, p.runId ?? p.daysBehind])).toEqual([
      ['run_failed', 7],
      ['run_failed', 8],
      ['lag_exceeded', 3],
      ['lag_exceeded', 5],
    ]);
    expect(posts[0]).toMatchObject({ register: 'domestic', message: expect.stringMatching(/run #7 ended failed: the EPB API did not answer/), at: expect.any(String) });

    receiver.closeAllConnections();
    await new Promise<void>((r) => receiver.close(() => r()));
    await createNotifier(url, logger).runFailed(failed);
    expect(lines.join('\n')).toMatch(/notification webhook unreachable/);
    expect(lines.join('\n')).not.toContain('secret-part');
    receiver = createServer();
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  });
});
