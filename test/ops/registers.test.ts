/**
 * The ops port of a process that keeps several registers (EPC_REGISTERS), wired as the daemon wires
 * it (openContext, serveOps): every state gauge has a series per register kept, and none for a
 * register the mirror does not keep; /status.json has each register's report.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openContext, type Context } from '../../src/context.js';
import type { MirrorStatus } from '../../src/ops/status-registers.js';
import { serveOps } from '../../src/ops/serve.js';
import type { OpsServer } from '../../src/ops/server.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { closedPort } from '../helpers/servers.js';
import { memoryLogger, parseScrape, valueOf } from './support.js';

describe.each(TARGETS)('the ops port of a mirror of two registers on %s', (target) => {
  let database: TestDatabase;
  let ctx: Context;
  let ops: OpsServer | null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    const port = await closedPort();
    const config = loadConfig(
      { ...database.env, EPC_REGISTERS: 'non-domestic,domestic', METRICS_PORT: String(port), LOG_LEVEL: 'silent' },
      { requireToken: false },
    );
    ctx = await openContext(config, memoryLogger().logger, { api: false });
    ops = await serveOps(ctx, () => true);
  });
  afterEach(async () => {
    await ops?.close();
    await ctx.close();
    await database.drop();
  });

  it('gauges per register kept, and /status.json with each register\'s report and the certificates search does not serve', async () => {
    const { db } = ctx;
    const [{ yesterday } = { yesterday: '' }] = await db.query<{ yesterday: string }>(`SELECT ((now() AT TIME ZONE 'Europe/London')::date - 1)::text AS yesterday`);
    await db.query(
      `INSERT INTO sync_checkpoint (register, day, status, expected_count, stored_count, not_served)
       SELECT 'domestic', $1::date - n, 'done', 10, 10, NULL FROM generate_series(0, 3) AS n
       UNION ALL SELECT 'non-domestic', $1::date - n, CASE WHEN n = 1 THEN 'failed' ELSE 'done' END, 12, 10, 2 FROM generate_series(0, 2) AS n
       UNION ALL SELECT 'display', $1::date, 'done', 5, 5, NULL`,
      [yesterday],
    );
    await db.query(
      `INSERT INTO sync_runs (register, kind, outcome, started_at, finished_at) VALUES
         ('domestic', 'sync', 'succeeded', '2026-11-20T02:30:00Z', '2026-11-20T02:40:00Z'),
         ('non-domestic', 'sync', 'failed', '2026-11-20T02:40:00Z', '2026-11-20T02:45:00Z')`,
    );

    const samples = parseScrape(await (await fetch(`${ops!.url}/metrics`)).text());
    const v = (name: string, labels: Record<string, string>) => valueOf(samples, name, labels);
    expect(v('epc_sync_days', { register: 'domestic', status: 'done' })).toBe(4);
    expect(v('epc_sync_days', { register: 'non-domestic', status: 'done' })).toBe(2);
    expect(v('epc_sync_days', { register: 'non-domestic', status: 'failed' })).toBe(1);
    expect(v('epc_sync_lag_days', { register: 'domestic' })).toBe(0);
    expect(v('epc_sync_missing_days', { register: 'non-domestic' })).toBe(1);
    expect(v('epc_sync_last_run_outcome', { register: 'non-domestic', kind: 'sync', outcome: 'failed' })).toBe(1);
    expect(v('epc_sync_last_run_outcome', { register: 'domestic', kind: 'sync', outcome: 'succeeded' })).toBe(1);
    // The mirror does not keep display: its rows never become a series.
    expect(samples.filter((s) => s.labels.register === 'display')).toEqual([]);

    const status = (await (await fetch(`${ops!.url}/status.json`)).json()) as MirrorStatus;
    expect(Object.keys(status.registers)).toEqual(['domestic', 'non-domestic']);
    expect(status).toMatchObject({ register: 'domestic', healthy: false, days: { done: 4 } });
    expect(status.verdict).toMatch(/^non-domestic: 1 day\(s\) failed/);
    expect(status.registers['non-domestic']).toMatchObject({ days: { done: 2, failed: 1 }, notServed: 6, lastRun: { outcome: 'failed' } });
    expect(status.registers.domestic).toMatchObject({ notServed: 0, healthy: true });
  });
});
