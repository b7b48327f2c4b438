/**
 * What production does to a process: SIGKILL at random points, SIGTERM, the database server stopping
 * mid-run, and two processes on one database. Child processes of the built CLI, the fake API here.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachDay } from '../../src/days.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { logLines, runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv } from '../helpers/harness.js';
import { searchRequests } from '../helpers/queries.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../helpers/throwaway-postgres.js';

const DAYS = [...eachDay('2026-08-01', '2026-08-24')];

async function exactness(database: TestDatabase, api: FakeApi) {
  const db = await database.open();
  try {
    const perDay = await db.query<{ day: string; n: number }>(`SELECT registration_date::text AS day, count(*)::int AS n FROM certificates GROUP BY 1 ORDER BY 1`);
    const states = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM sync_checkpoint GROUP BY 1`);
    const attempts = await db.query<{ day: string; attempts: number }>(`SELECT day::text AS day, attempts FROM sync_checkpoint ORDER BY day`);
    return { perDay, states, attempts, expected: DAYS.map((day) => ({ day, n: api.store.rowsForDay(day).length })).filter((d) => d.n > 0) };
  } finally {
    await db.close();
  }
}

describe.each(TARGETS)('crash safety on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ rateLimit: false, seed: 5 });
    for (const day of DAYS) api.store.addCertificates(generateDay(day, 150, { seed: day.length + Number(day.slice(-2)) }));
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('survives SIGKILL at random points across a backfill: every rerun ends exact, done days are never fetched again', async () => {
    const env = fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '25', EPC_CONCURRENCY: '2', SYNC_LEASE_SECONDS: '1' });
    const args = ['backfill', '--from', DAYS[0]!, '--to', DAYS.at(-1)!];
    let kills = 0;
    for (let trial = 0; trial < 5; trial += 1) {
      const db = await database.open();
      const doneBefore = new Set((await db.query<{ day: string }>(`SELECT day::text AS day FROM sync_checkpoint WHERE status = 'done'`)).map((r) => r.day));
      await db.close();
      api.resetRequests();
      const child = startCli(args, env);
      await child.waitFor(/"msg":"run started"/).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 900)));
      if (child.child.exitCode === null) {
        child.child.kill('SIGKILL');
        kills += 1;
      }
      await child.done;
      expect(searchRequests(api).filter((r) => r.day && doneBefore.has(r.day))).toEqual([]);
    }
    const final = await runCli(args, env);
    expect(final.code, final.stderr).toBe(0);
    const result = await exactness(database, api);
    expect(result.perDay).toEqual(result.expected);
    expect(result.states).toEqual([{ status: 'done', n: DAYS.length }]);
    expect(kills).toBeGreaterThan(0);
  });

  it('on SIGTERM, a backfill releases the days in flight and exits within a bounded time', async () => {
    const env = fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '4', EPC_CONCURRENCY: '2' });
    const child = startCli(['backfill', '--from', DAYS[0]!, '--to', DAYS.at(-1)!], env);
    await child.waitFor(/"msg":"day stored"/);
    const signalled = Date.now();
    child.child.kill('SIGTERM');
    const result = await child.done;
    expect(Date.now() - signalled).toBeLessThan(10_000);
    // A one-shot backfill stopped before every day was done says so: exit 1, run interrupted.
    expect(result.code).toBe(1);
    expect(logLines(result.stderr, 'run finished')[0]).toMatchObject({ outcome: 'interrupted' });
    const db = await database.open();
    expect(await db.query(`SELECT day FROM sync_checkpoint WHERE status = 'running' OR lease_owner IS NOT NULL`)).toEqual([]);
    await db.close();
  });
});

const SERVER = TARGETS.filter((t) => t === 'postgres');

describe.each(SERVER)('one database, several processes and an outage (%s)', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ rateLimit: false, seed: 6 });
    for (const day of DAYS) api.store.addCertificates(generateDay(day, 150, { seed: Number(day.slice(-2)) }));
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('two processes over the same range never work the same day at once and end exact', async () => {
    const env = fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '40', EPC_CONCURRENCY: '2' });
    const args = ['backfill', '--from', DAYS[0]!, '--to', DAYS.at(-1)!];
    const [a, b] = await Promise.all([runCli(args, env), runCli(args, env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const result = await exactness(database, api);
    expect(result.perDay).toEqual(result.expected);
    // Each day was claimed exactly once between them.
    expect(result.attempts.every((d) => d.attempts === 1)).toBe(true);
    expect(logLines(a.stderr, 'day stored').length + logLines(b.stderr, 'day stored').length).toBe(DAYS.length);
  });

  it('a process that dies holding days loses them to the other after the lease runs out', async () => {
    const env = fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '10', EPC_CONCURRENCY: '2', SYNC_LEASE_SECONDS: '2' });
    const args = ['backfill', '--from', DAYS[0]!, '--to', DAYS.at(-1)!];
    const doomed = startCli(args, env);
    await doomed.waitFor(/"msg":"day stored"/);
    const survivor = startCli(args, { ...env, EPC_REQUESTS_PER_SECOND: '60' });
    await new Promise((r) => setTimeout(r, 300));
    doomed.child.kill('SIGKILL');
    const result = await survivor.done;
    expect(result.code, result.stderr).toBe(0);
    const exact = await exactness(database, api);
    expect(exact.perDay).toEqual(exact.expected);
    expect(exact.states).toEqual([{ status: 'done', n: DAYS.length }]);
  });

  /** A backfill against a server of its own, which is stopped once three days are stored. */
  const backfillThenStop = async (server: ThrowawayPostgres) => {
    const env = { ...fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '12', EPC_CONCURRENCY: '2' }), DATABASE_URL: server.url };
    const child = startCli(['backfill', '--from', DAYS[0]!, '--to', DAYS.at(-1)!], env);
    await child.waitFor((t) => (t.match(/"msg":"day stored"/g) ?? []).length >= 3);
    server.stop();
    return child;
  };

  it('waits out a database server stopped mid-run, reconnects and finishes exact', async () => {
    const server = await startThrowawayPostgres();
    try {
      const child = await backfillThenStop(server);
      await new Promise((r) => setTimeout(r, 3000));
      server.start();
      const result = await child.done;
      expect(result.code, result.stderr.slice(-3000)).toBe(0);
      expect(result.stderr).toMatch(/database unavailable; waiting to reconnect/);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const perDay = (await client.query(`SELECT registration_date::text AS day, count(*)::int AS n FROM certificates GROUP BY 1 ORDER BY 1`)).rows;
      const open = (await client.query(`SELECT day FROM sync_checkpoint WHERE status <> 'done'`)).rows;
      await client.end();
      expect(perDay).toEqual(DAYS.map((day) => ({ day, n: api.store.rowsForDay(day).length })));
      expect(open).toEqual([]);
    } finally {
      server.destroy();
    }
  });

  it('on SIGTERM during a database outage, exits within 20 s with nothing marked done that was not stored', async () => {
    const server = await startThrowawayPostgres();
    try {
      const child = await backfillThenStop(server);
      await child.waitFor(/database unavailable; waiting to reconnect/, 30_000);
      const stopping = Date.now();
      child.child.kill('SIGTERM');
      const result = await child.done;
      expect(Date.now() - stopping, result.stderr.slice(-3000)).toBeLessThan(20_000);
      expect(result.code).not.toBe(0);
      server.start();
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const done = (await client.query(`SELECT day::text AS day, stored_count AS n FROM sync_checkpoint WHERE status = 'done' ORDER BY day`)).rows as Array<{ day: string; n: number }>;
      const stored = (await client.query(`SELECT registration_date::text AS day, count(*)::int AS n FROM certificates GROUP BY 1`)).rows as Array<{ day: string; n: number }>;
      await client.end();
      const storedOn = new Map(stored.map((r) => [r.day, r.n]));
      expect(done.length).toBeGreaterThanOrEqual(3);
      for (const { day } of done) expect({ day, n: storedOn.get(day) }).toEqual({ day, n: api.store.rowsForDay(day).length });
    } finally {
      server.destroy();
    }
  });
});
