/**
 * Every stop that retrying cannot fix prints one line on stderr naming the setting to look at,
 * whatever LOG_LEVEL is, and none of them hangs. The built CLI as a child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv } from '../helpers/harness.js';
import { closedPort, serveHtml } from '../helpers/servers.js';

const DAY = '2026-09-01';
const BACKFILL = ['backfill', '--from', '2026-08-01', '--to', DAY];

/** The lines a user sees on a terminal when the logs are filtered away: ours start with "epc-sync: ". */
const operatorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('epc-sync: '));

describe('one line for every stop the operator must fix', () => {
  let api: FakeApi;
  let database: TestDatabase;
  beforeAll(async () => {
    api = await startFakeApi({ rateLimit: false });
    api.store.addCertificates(generateDay(DAY, 20, { seed: 3 }));
    database = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await api.close();
    await database.drop();
  });

  for (const level of ['fatal', 'info']) {
    it(`a refused token: exit 2 and a line naming EPC_API_TOKEN (LOG_LEVEL=${level})`, async () => {
      const result = await runCli(BACKFILL, fakeEnv(api, database, { EPC_API_TOKEN: 'W'.repeat(64), LOG_LEVEL: level }));
      expect(result.code).toBe(2);
      expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/HTTP 403.*EPC_API_TOKEN/)]);
      if (level === 'fatal') expect(result.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('a base URL that serves a web site (HTML): exit 2 at once, naming EPC_API_BASE_URL', async () => {
    const site = await serveHtml();
    try {
      const started = Date.now();
      const result = await runCli(BACKFILL, fakeEnv(api, database, { EPC_API_BASE_URL: site.url, LOG_LEVEL: 'fatal', EPC_MAX_RETRIES: '2' }));
      expect(result.code).toBe(2);
      expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/answers HTML.*EPC_API_BASE_URL/)]);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await site.close();
    }
  });

  it('a base URL whose 404 is not the API\'s JSON: exit 2, naming EPC_API_BASE_URL', async () => {
    const result = await runCli(BACKFILL, fakeEnv(api, database, { EPC_API_BASE_URL: `${api.url}/not-the-api`, LOG_LEVEL: 'fatal' }));
    expect(result.code).toBe(2);
    expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/404 that is not the EPB API's JSON.*EPC_API_BASE_URL/)]);
  });

  it('an API host that answers nothing: the run stops after its first request, not after every day, naming the host', async () => {
    const port = await closedPort();
    const started = Date.now();
    const result = await runCli(BACKFILL, fakeEnv(api, database, { EPC_API_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'fatal', EPC_MAX_RETRIES: '2' }));
    // 32 days at ~1.5 s of retries each would be ~50 s; stopping after the first is a few seconds.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(1);
    expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port} does not answer.*EPC_API_BASE_URL`))]);
    const status = await runCli(['sql', '--json', `SELECT status, count(*)::int AS n FROM sync_checkpoint WHERE day BETWEEN '2026-08-01' AND '${DAY}' GROUP BY 1`], fakeEnv(api, database));
    // Nothing was marked failed: the days wait, untouched, for the next run.
    expect(JSON.parse(status.stdout)).toEqual([{ status: 'pending', n: 32 }]);
  });

  it('a database that cannot be reached: a line naming DATABASE_URL (host and database, not the password) within 30 s, while it retries; SIGTERM ends it', async () => {
    const port = await closedPort();
    const child = startCli(['status'], fakeEnv(api, database, { DATABASE_URL: `postgres://epc:s3cret-pw@127.0.0.1:${port}/mirror`, LOG_LEVEL: 'fatal' }));
    const started = Date.now();
    await child.waitFor(/epc-sync: cannot reach/, 30_000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(child.stderr()).toContain(`PostgreSQL at 127.0.0.1:${port}/mirror (DATABASE_URL)`);
    expect(child.stderr()).not.toContain('s3cret-pw');
    expect(child.child.exitCode).toBeNull(); // still retrying
    const stopping = Date.now();
    child.child.kill('SIGTERM');
    const result = await child.done;
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  for (const [what, dir] of [['cannot be created (/proc/nope)', '/proc/nope'], ['is a file', '/etc/hostname']] as const) {
    it(`an EPC_DATA_DIR that ${what}: exit 2 naming the setting, without hanging`, async () => {
      const started = Date.now();
      const result = await runCli(['status'], { EPC_DATA_DIR: dir, LOG_LEVEL: 'fatal' }, { timeoutMs: 20_000 });
      expect(result.code).toBe(2);
      expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/^epc-sync: EPC_DATA_DIR/)]);
      expect(Date.now() - started).toBeLessThan(15_000);
    });
  }

  it('import-bulk when the API publishes no file: exit 1 and a line saying so and what else to do', async () => {
    const result = await runCli(['import-bulk'], fakeEnv(api, database, { LOG_LEVEL: 'fatal' }));
    expect(result.code).toBe(1);
    expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/publishes no domestic bulk file.*import-bulk --file PATH/)]);
  });

  it('a METRICS_PORT another process holds: exit 2 naming the setting', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '0.0.0.0', resolve));
    const { port } = holder.address() as AddressInfo;
    try {
      const result = await runCli([...BACKFILL, '--metrics'], fakeEnv(api, database, { METRICS_PORT: String(port), LOG_LEVEL: 'fatal' }));
      expect(result.code).toBe(2);
      expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(new RegExp(`METRICS_PORT ${port} is in use`))]);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  it('prints its version', async () => {
    const result = await runCli(['--version'], {});
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });
});

describe.each(TARGETS.filter((t) => t === 'postgres'))('a DATABASE_URL naming a database the server lacks (%s)', () => {
  it('says the database does not exist and names DATABASE_URL, not table permissions', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/epc_sync_no_such_database';
    const result = await runCli(['status'], { DATABASE_URL: url.toString(), LOG_LEVEL: 'fatal' }, { timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(operatorLines(result.stderr)).toEqual([expect.stringMatching(/epc_sync_no_such_database.*does not exist.*create the database or fix DATABASE_URL/)]);
  });
});
