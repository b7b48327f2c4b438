/**
 * /metrics and /healthz over real HTTP against a real database (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set): counters move when the Metrics methods are called, the state gauges
 * follow rows written with plain SQL, and health names what is wrong.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { Metrics, type Endpoint } from '../../src/ops/metrics.js';
import { startOpsServer, type OpsServer } from '../../src/ops/server.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { families, memoryLogger, parseScrape, valueOf } from './support.js';

const epoch = (iso: string) => Date.parse(iso) / 1000;

describe.each(TARGETS)('ops server on %s', (target) => {
  let database: TestDatabase;
  let db: Db;
  let ops: OpsServer | null = null;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    db = await database.open();
  });
  afterEach(async () => {
    await ops?.close();
    ops = null;
    await db.close();
    await database.drop();
  });

  const start = async (metrics: Metrics, isSchedulerRunning: () => boolean = () => true) => {
    ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db, isSchedulerRunning, logger: memoryLogger().logger });
    return ops;
  };
  const scrape = async (server: OpsServer) => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    return { text, samples: parseScrape(text) };
  };

  it('/metrics exposes the counters, and they move when the Metrics methods are called', async () => {
    const metrics = new Metrics(db, ['domestic']);
    const server = await start(metrics);

    const before = await scrape(server);
    expect(valueOf(before.samples, 'epc_sync_api_requests_total', { endpoint: 'search', status: '200' })).toBeUndefined();
    for (const name of ['epc_sync_api_requests_total', 'epc_sync_api_retries_total', 'epc_sync_api_rate_limited_total', 'epc_sync_api_request_duration_seconds', 'epc_sync_rows_upserted_total', 'epc_sync_documents_upserted_total', 'epc_sync_rejected_rows_total', 'epc_sync_queue_depth', 'epc_sync_runs_finished_total']) {
      expect(families(before.text).has(name), name).toBe(true);
    }
    expect(valueOf(before.samples, 'epc_sync_documents_upserted_total')).toBe(0);

    for (const ms of [40, 120, 700]) metrics.apiRequest({ endpoint: 'search', status: 200, durationMs: ms, outcome: 'ok' });
    metrics.apiRequest({ endpoint: 'search', status: 429, durationMs: 5, outcome: 'retry', reason: 'HTTP 429 (Retry-After)', failure: 'rate_limited' });
    metrics.apiRequest({ endpoint: 'certificate', status: 503, durationMs: 30, outcome: 'retry', reason: 'HTTP 503', failure: 'server_error' });
    metrics.apiRequest({ endpoint: 'certificate', status: undefined, durationMs: 10_000, outcome: 'fail', reason: 'connection failed (ECONNRESET); gave up after 9 attempts', failure: 'connection' });
    metrics.apiRequest({ endpoint: 'deltas', status: undefined, durationMs: 60_000, outcome: 'retry', reason: 'timed out', failure: 'timeout' });
    // A caller passing something that is not an endpoint must not mint a label from it.
    metrics.apiRequest({ endpoint: '/api/domestic/search?date_start=2026-01-01' as Endpoint, status: 200, durationMs: 1 });
    metrics.rowsUpserted(120);
    metrics.rowsUpserted(30, 'bulk');
    metrics.rowsUpserted(0);
    metrics.documentsUpserted(7);
    metrics.rejects(2);
    metrics.queueDepth('store', 2);
    metrics.runStarted('sync');
    const during = await scrape(server);
    expect(valueOf(during.samples, 'epc_sync_runs_in_progress', { kind: 'sync' })).toBe(1);
    metrics.runFinished({ kind: 'sync', outcome: 'succeeded', durationMs: 90_000 });
    metrics.runFinished({ kind: 'backfill', outcome: 'failed' });

    const { samples, text } = await scrape(server);
    const v = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels);
    expect(v('epc_sync_api_requests_total', { endpoint: 'search', status: '200' })).toBe(3);
    expect(v('epc_sync_api_requests_total', { endpoint: 'search', status: '429' })).toBe(1);
    expect(v('epc_sync_api_requests_total', { endpoint: 'certificate', status: '0' })).toBe(1);
    expect(v('epc_sync_api_requests_total', { endpoint: 'deltas', status: '0' })).toBe(1);
    expect(v('epc_sync_api_requests_total', { endpoint: 'other', status: '200' })).toBe(1);
    expect(v('epc_sync_api_rate_limited_total', { endpoint: 'search' })).toBe(1);
    expect(v('epc_sync_api_retries_total', { endpoint: 'search', reason: 'rate_limited' })).toBe(1);
    expect(v('epc_sync_api_retries_total', { endpoint: 'certificate', reason: 'server_error' })).toBe(1);
    expect(v('epc_sync_api_retries_total', { endpoint: 'deltas', reason: 'timeout' })).toBe(1);
    expect(v('epc_sync_api_failed_requests_total', { endpoint: 'certificate' })).toBe(1);
    expect(v('epc_sync_api_request_duration_seconds_count', { endpoint: 'search' })).toBe(4);
    expect(v('epc_sync_api_request_duration_seconds_bucket', { endpoint: 'search', le: '0.05' })).toBe(2);
    expect(v('epc_sync_api_request_duration_seconds_bucket', { endpoint: 'search', le: '1' })).toBe(4);
    expect(v('epc_sync_rows_upserted_total', { source: 'api' })).toBe(120);
    expect(v('epc_sync_rows_upserted_total', { source: 'bulk' })).toBe(30);
    expect(v('epc_sync_documents_upserted_total')).toBe(7);
    expect(v('epc_sync_rejected_rows_total', { source: 'api' })).toBe(2);
    expect(v('epc_sync_queue_depth', { queue: 'store' })).toBe(2);
    expect(v('epc_sync_runs_started_total', { kind: 'sync' })).toBe(1);
    expect(v('epc_sync_runs_in_progress', { kind: 'sync' })).toBe(0);
    expect(v('epc_sync_runs_in_progress', { kind: 'backfill' })).toBe(0); // never below zero
    expect(v('epc_sync_runs_finished_total', { kind: 'sync', outcome: 'succeeded' })).toBe(1);
    expect(v('epc_sync_runs_finished_total', { kind: 'backfill', outcome: 'failed' })).toBe(1);
    expect(v('epc_sync_run_duration_seconds_sum', { kind: 'sync' })).toBe(90);

    // Every family carries the prefix, process metrics included.
    for (const name of families(text).keys()) expect(name).toMatch(/^epc_sync_/);
    expect(families(text).has('epc_sync_process_resident_memory_bytes')).toBe(true);
    // Low cardinality: no label value is a day, a path or a query string.
    for (const s of samples) for (const value of Object.values(s.labels)) expect(value).not.toMatch(/\d{4}-\d{2}-\d{2}|[/?&=]/);
  });

  it('the database gauges follow sync_checkpoint and sync_runs as written with SQL', async () => {
    const metrics = new Metrics(db, ['domestic'], { defaultMetrics: false });
    const server = await start(metrics);

    // Empty database: every status is 0, nothing is known about lag or runs, and the database is up.
    let { samples } = await scrape(server);
    expect(valueOf(samples, 'epc_sync_database_up')).toBe(1);
    expect(valueOf(samples, 'epc_sync_days', { status: 'done' })).toBe(0);
    expect(valueOf(samples, 'epc_sync_lag_days')).toBeUndefined();
    expect(valueOf(samples, 'epc_sync_last_run_outcome', { kind: 'sync', outcome: 'failed' })).toBeUndefined();

    // Yesterday (Europe/London) as the database sees it: y-5..y-3 done, y-2 failed, y-1 incomplete, y untouched.
    const [{ yesterday } = { yesterday: '' }] = await db.query<{ yesterday: string }>(`SELECT ((now() AT TIME ZONE 'Europe/London')::date - 1)::text AS yesterday`);
    await db.query(
      `INSERT INTO sync_checkpoint (register, day, status, expected_count, stored_count)
       SELECT 'domestic', $1::date - v.n, v.s, 10, 10 FROM (VALUES (5, 'done'), (4, 'done'), (3, 'done'), (2, 'failed'), (1, 'incomplete')) AS v(n, s)`,
      [yesterday],
    );
    // Another register's rows must not leak into this register's gauges.
    await db.query(`INSERT INTO sync_checkpoint (register, day, status) VALUES ('display', $1::date, 'done')`, [yesterday]);
    await db.query(
      `INSERT INTO sync_runs (register, kind, outcome, started_at, finished_at) VALUES
         ('domestic', 'sync', 'succeeded', '2026-11-20T02:30:00Z', '2026-11-20T03:00:00Z'),
         ('domestic', 'sync', 'failed', '2026-11-21T02:30:00Z', '2026-11-21T02:45:00Z'),
         ('domestic', 'backfill', 'running', '2026-11-21T05:00:00Z', NULL),
         ('domestic', 'Odd Kind 2026-11-21', 'failed', '2026-11-21T06:00:00Z', '2026-11-21T06:01:00Z'),
         ('display', 'sync', 'succeeded', '2026-11-22T02:30:00Z', '2026-11-22T02:31:00Z')`,
    );

    let text: string;
    ({ samples, text } = await scrape(server));
    const v = (name: string, labels: Record<string, string> = {}) => valueOf(samples, name, labels);
    expect(v('epc_sync_database_up')).toBe(1);
    expect(v('epc_sync_days', { status: 'done' })).toBe(3);
    expect(v('epc_sync_days', { status: 'failed' })).toBe(1);
    expect(v('epc_sync_days', { status: 'incomplete' })).toBe(1);
    expect(v('epc_sync_days', { status: 'pending' })).toBe(0);
    expect(v('epc_sync_lag_days', { register: 'domestic' })).toBe(3);
    expect(samples.filter((s) => s.labels.register !== undefined && s.labels.register !== 'domestic')).toEqual([]);
    expect(v('epc_sync_missing_days')).toBe(3);
    expect(v('epc_sync_newest_complete_day_timestamp_seconds')).toBe(epoch(`${yesterday}T00:00:00Z`) - 3 * 86_400);

    expect(v('epc_sync_last_run_outcome', { kind: 'sync', outcome: 'failed' })).toBe(1);
    expect(v('epc_sync_last_run_outcome', { kind: 'sync', outcome: 'succeeded' })).toBe(0);
    expect(v('epc_sync_last_run_start_timestamp_seconds', { kind: 'sync' })).toBe(epoch('2026-11-21T02:30:00Z'));
    expect(v('epc_sync_last_run_end_timestamp_seconds', { kind: 'sync' })).toBe(epoch('2026-11-21T02:45:00Z'));
    expect(v('epc_sync_last_run_duration_seconds', { kind: 'sync' })).toBe(900);
    expect(v('epc_sync_last_success_timestamp_seconds', { kind: 'sync' })).toBe(epoch('2026-11-20T03:00:00Z'));
    // A run still going: its start and outcome, no end, no duration, no success yet.
    expect(v('epc_sync_last_run_outcome', { kind: 'backfill', outcome: 'running' })).toBe(1);
    expect(v('epc_sync_last_run_start_timestamp_seconds', { kind: 'backfill' })).toBe(epoch('2026-11-21T05:00:00Z'));
    expect(v('epc_sync_last_run_end_timestamp_seconds', { kind: 'backfill' })).toBeUndefined();
    expect(v('epc_sync_last_success_timestamp_seconds', { kind: 'backfill' })).toBeUndefined();
    // A kind that is not a plain word never becomes a label.
    expect(text).not.toContain('Odd Kind');

    // The next scrape sees the next change: the day catches up, a sync succeeds.
    await db.query(`UPDATE sync_checkpoint SET status = 'done' WHERE register = 'domestic'`);
    await db.query(`INSERT INTO sync_checkpoint (register, day, status) VALUES ('domestic', $1::date, 'done')`, [yesterday]);
    await db.query(`INSERT INTO sync_runs (register, kind, outcome, started_at, finished_at) VALUES ('domestic', 'sync', 'succeeded', '2026-11-22T02:30:00Z', '2026-11-22T02:40:00Z')`);
    ({ samples } = await scrape(server));
    expect(valueOf(samples, 'epc_sync_lag_days')).toBe(0);
    expect(valueOf(samples, 'epc_sync_missing_days')).toBe(0);
    expect(valueOf(samples, 'epc_sync_days', { status: 'failed' })).toBe(0);
    expect(valueOf(samples, 'epc_sync_last_run_outcome', { kind: 'sync', outcome: 'failed' })).toBe(0);
    expect(valueOf(samples, 'epc_sync_last_run_outcome', { kind: 'sync', outcome: 'succeeded' })).toBe(1);
    expect(valueOf(samples, 'epc_sync_last_success_timestamp_seconds', { kind: 'sync' })).toBe(epoch('2026-11-22T02:40:00Z'));
  });

  it('/healthz: 200 while all is well, 503 naming the scheduler or the database, and /metrics says so too', async () => {
    let scheduling = true;
    const metrics = new Metrics(db, ['domestic'], { defaultMetrics: false });
    const server = await start(metrics, () => scheduling);
    const probe = async () => {
      const res = await fetch(`${server.url}/healthz`);
      expect(res.headers.get('content-type')).toBe('application/json');
      return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
    };
    await db.query(`INSERT INTO sync_checkpoint (register, day, status) VALUES ('domestic', '2026-01-01', 'done')`);

    expect(await probe()).toEqual({ status: 200, body: { status: 'ok' } });
    scheduling = false;
    expect(await probe()).toEqual({ status: 503, body: { status: 'unavailable', reason: 'scheduler stopped' } });
    scheduling = true;
    expect((await probe()).status).toBe(200);

    await db.close();
    const down = await probe();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.reason).toMatch(/^database unreachable: \S/);
    scheduling = false;
    expect((await probe()).body.reason).toMatch(/^scheduler stopped; database unreachable: /);

    // The scrape still answers: the database is reported down and its gauges are gone, not stale.
    const { samples } = await scrape(server);
    expect(valueOf(samples, 'epc_sync_database_up')).toBe(0);
    expect(valueOf(samples, 'epc_sync_days', { status: 'done' })).toBeUndefined();
    expect(valueOf(samples, 'epc_sync_lag_days')).toBeUndefined();
  });
});

describe('ops server without a database connection that answers', () => {
  // A database that never answers (a network partition): probes and scrapes must come back anyway.
  const hung = { query: () => new Promise<never>(() => undefined), queryArrays: () => new Promise<never>(() => undefined), copyText: () => new Promise<never>(() => undefined) };

  it('answers /healthz and /metrics within their timeouts, and handles other requests', async () => {
    let stateQueries = 0;
    const counting = { ...hung, query: () => (stateQueries++, new Promise<never>(() => undefined)) };
    const metrics = new Metrics(counting, ['domestic'], { stateTimeoutMs: 150, defaultMetrics: false });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db: hung, isSchedulerRunning: () => true, logger: memoryLogger().logger, healthTimeoutMs: 150 });
    try {
      const t0 = Date.now();
      const health = await fetch(`${ops.url}/healthz`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable', reason: 'database unreachable: the database did not answer within 150 ms' });
      const text = await (await fetch(`${ops.url}/metrics`)).text();
      expect(valueOf(parseScrape(text), 'epc_sync_database_up')).toBe(0);
      expect(Date.now() - t0).toBeLessThan(2000);
      // A second scrape waits on the read still stuck rather than sending the database another one.
      const queries = stateQueries;
      await fetch(`${ops.url}/metrics`);
      expect(stateQueries).toBe(queries);

      expect((await fetch(`${ops.url}/nope`)).status).toBe(404);
      expect((await fetch(`${ops.url}/metrics`, { method: 'POST' })).status).toBe(405);
      const head = await fetch(`${ops.url}/healthz`, { method: 'HEAD' });
      expect(head.status).toBe(503);
      expect(await head.text()).toBe('');
    } finally {
      await Promise.all([ops.close(), ops.close()]);
      await ops.close(); // idempotent
    }
    await expect(fetch(`${ops.url}/healthz`)).rejects.toThrow();
  });

  it('says which port it took when asked for any', async () => {
    const metrics = new Metrics(hung, ['domestic'], { defaultMetrics: false });
    const ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, db: hung, isSchedulerRunning: () => true, logger: memoryLogger().logger });
    try {
      expect(ops.port).toBeGreaterThan(0);
      expect(ops.url).toBe(`http://127.0.0.1:${ops.port}`);
    } finally {
      await ops.close();
    }
  });
});
