/**
 * The CLI as an operator runs it: a child process of the built `epc-sync` (or `npm start`) against the
 * fake API in this process and a test database. Kills, signals and exit codes are real.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDay, generateRegisterDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { runCli, startCli, logLines } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv } from '../helpers/harness.js';
import { searchRequests } from '../helpers/queries.js';
import { closedPort } from '../helpers/servers.js';
import { eachDay } from '../../src/days.js';

describe('command line basics', () => {
  it('prints help listing every command, exit 0', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    for (const command of ['daemon', 'sync', 'backfill', 'status', 'sql', 'migrate']) expect(result.stdout).toContain(command);
  });

  it('refuses a bad setting with one line naming it and exit 2', async () => {
    const result = await runCli(['sync'], { EPC_API_TOKEN: 'x'.repeat(64), EPC_CONCURRENCY: 'lots' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^epc-sync: EPC_CONCURRENCY must be a whole number/)]);
  });

  it('refuses a register list it cannot follow with one line naming the setting and exit 2', async () => {
    const token = { EPC_API_TOKEN: 'x'.repeat(64), EPC_DATA_DIR: '/tmp/epc-sync-never-created' };
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['sync'], { EPC_REGISTERS: 'domestic,commercial' }, /^epc-sync: EPC_REGISTERS must list registers from domestic, non-domestic, display; "commercial" is not one$/],
      [['sync'], { EPC_REGISTERS: 'domestic,domestic' }, /^epc-sync: EPC_REGISTERS lists "domestic" twice/],
      [['status'], { EPC_REGISTERS: 'domestic,display', EPC_REGISTER: 'domestic' }, /^epc-sync: EPC_REGISTERS \(domestic,display\) and EPC_REGISTER \(domestic\) disagree/],
      [['backfill', '--from', '2026-01-01', '--to', '2026-01-02', '--register', 'commercial'], {}, /^epc-sync: --register must be one of domestic, non-domestic, display; got "commercial"$/],
      [['import-bulk', '--file', '/tmp/x.zip'], { EPC_REGISTERS: 'domestic,display' }, /^epc-sync: import-bulk --file imports one register's file, and EPC_REGISTERS keeps domestic, display: add --register/],
    ];
    for (const [args, env, message] of cases) {
      const result = await runCli(args, { ...token, ...env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    }
  });

  it('refuses a backfill range in the wrong order with exit 2', async () => {
    const result = await runCli(['backfill', '--from', '2026-02-01', '--to', '2026-01-01'], { EPC_API_TOKEN: 'x'.repeat(64), EPC_DATA_DIR: '/tmp/epc-sync-never-created' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--from 2026-02-01 is after --to 2026-01-01/);
  });
});

describe.each(TARGETS)('operating epc-sync on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ rateLimit: false, seed: 11 });
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('runs a backfill given by BACKFILL_FROM/BACKFILL_TO through `npm start`, exits 0, and status shows it', async () => {
    for (const day of eachDay('2026-10-01', '2026-10-04')) api.store.addCertificates(generateDay(day, 120, { seed: day.length }));
    const env = fakeEnv(api, database, { BACKFILL_FROM: '2026-10-01', BACKFILL_TO: '2026-10-04' });

    const result = await runCli([], env, { command: ['npm', 'start', '--silent'] });
    expect(result.code, result.stderr).toBe(0);
    expect(logLines(result.stderr, 'day stored')).toHaveLength(4);

    const status = await runCli(['status', '--json'], fakeEnv(api, database));
    const report = JSON.parse(status.stdout) as { days: { done: number }; certificates: number; lastRun: { outcome: string; kind: string } };
    expect(report.days.done).toBe(4);
    expect(report.certificates).toBe(480);
    expect(report.lastRun).toMatchObject({ kind: 'backfill', outcome: 'succeeded' });

    const sql = await runCli(['sql', 'SELECT count(*) AS n FROM certificates', '--json'], fakeEnv(api, database));
    expect(JSON.parse(sql.stdout)).toEqual([{ n: 480 }]);
  });

  it('resumes after SIGKILL: exact rows, and days done before the kill are not fetched again', async () => {
    const days = [...eachDay('2026-10-01', '2026-10-20')];
    for (const day of days) api.store.addCertificates(generateDay(day, 200, { seed: Number(day.slice(-2)) }));
    // Slow enough that the kill lands mid-run.
    const env = fakeEnv(api, database, { EPC_REQUESTS_PER_SECOND: '6', EPC_CONCURRENCY: '2', SYNC_LEASE_SECONDS: '2' });

    const first = startCli(['backfill', '--from', '2026-10-01', '--to', '2026-10-20'], env);
    await first.waitFor((text) => (text.match(/"msg":"day stored"/g) ?? []).length >= 4);
    first.child.kill('SIGKILL');
    expect((await first.done).signal).toBe('SIGKILL');

    const db = await database.open();
    const doneBefore = (await db.query<{ day: string }>(`SELECT day::text AS day FROM sync_checkpoint WHERE status = 'done'`)).map((r) => r.day);
    await db.close();
    expect(doneBefore.length).toBeGreaterThanOrEqual(4);
    expect(doneBefore.length).toBeLessThan(days.length);

    api.resetRequests();
    const second = await runCli(['backfill', '--from', '2026-10-01', '--to', '2026-10-20'], { ...env, EPC_REQUESTS_PER_SECOND: '200' });
    expect(second.code, second.stderr).toBe(0);

    const refetched = searchRequests(api).filter((r) => r.day && doneBefore.includes(r.day));
    expect(refetched).toEqual([]);
    const check = await database.open();
    const perDay = await check.query<{ day: string; n: number }>(
      `SELECT registration_date::text AS day, count(*)::int AS n FROM certificates GROUP BY 1 ORDER BY 1`,
    );
    const states = await check.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM sync_checkpoint GROUP BY 1`);
    await check.close();
    expect(perDay).toEqual(days.map((day) => ({ day, n: api.store.rowsForDay(day).length })));
    expect(states).toEqual([{ status: 'done', n: days.length }]);
  });

  it('on SIGTERM the daemon releases the days in flight and exits 0', async () => {
    for (const day of eachDay('2026-09-01', '2026-09-30')) api.store.addCertificates(generateDay(day, 100, { seed: 3 }));
    const env = fakeEnv(api, database, { SYNC_START_DATE: '2026-09-01', EPC_REQUESTS_PER_SECOND: '5', EPC_CONCURRENCY: '2' });

    const daemon = startCli(['daemon'], env);
    await daemon.waitFor(/"msg":"day stored"/);
    const signalled = Date.now();
    daemon.child.kill('SIGTERM');
    const result = await daemon.done;

    expect(result.code, result.stderr).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(15_000);
    expect(logLines(result.stderr, 'run finished')[0]).toMatchObject({ outcome: 'interrupted' });
    const db = await database.open();
    const running = await db.query(`SELECT day FROM sync_checkpoint WHERE status = 'running' OR lease_owner IS NOT NULL`);
    const [run] = await db.query<{ outcome: string }>(`SELECT outcome FROM sync_runs ORDER BY id DESC LIMIT 1`);
    await db.close();
    expect(running).toEqual([]);
    expect(run?.outcome).toBe('interrupted');
  });

  it('mirrors two registers: --register narrows a backfill, status shows each register, a failing one does not stop the other', async () => {
    const days = [...eachDay('2026-10-01', '2026-10-03')];
    for (const [i, day] of days.entries()) {
      api.store.addCertificates(generateDay(day, 50, { seed: i + 1 }));
      api.store.addCertificates(generateRegisterDay('display', day, 20, { seed: i + 1 }), { register: 'display' });
    }
    const both = fakeEnv(api, database, { EPC_REGISTERS: 'domestic,display' });
    const range = ['--from', days[0]!, '--to', days.at(-1)!];

    // One register, though the mirror keeps only domestic.
    const narrowed = await runCli(['backfill', ...range, '--register', 'display'], fakeEnv(api, database));
    expect(narrowed.code, narrowed.stderr).toBe(0);
    expect(new Set(api.requests.filter((r) => r.path.endsWith('/search')).map((r) => r.path))).toEqual(new Set(['/api/display/search']));

    // Both: domestic is walked, display's days are done already; domestic's searches fail every time.
    let domesticDown = true;
    api.failNext({ count: 10_000, status: 500, match: (r) => domesticDown && r.path === '/api/domestic/search' });
    const failing = await runCli(['backfill', ...range], { ...both, EPC_MAX_RETRIES: '1' });
    expect(failing.code).toBe(1);
    expect(logLines(failing.stderr, 'run finished').map((l) => [l.register, l.outcome])).toEqual([['domestic', 'failed'], ['display', 'succeeded']]);
    domesticDown = false;
    const retried = await runCli(['backfill', ...range], both);
    expect(retried.code, retried.stderr).toBe(0);

    const json = await runCli(['status', '--json'], both);
    const report = JSON.parse(json.stdout) as { register: string; days: { done: number }; registers: Record<string, { register: string; days: { done: number; failed: number }; certificates: number }> };
    expect(report).toMatchObject({ register: 'domestic', days: { done: 3 } });
    expect(Object.keys(report.registers)).toEqual(['domestic', 'display']);
    expect(report.registers.display).toMatchObject({ register: 'display', days: { done: 3, failed: 0 }, certificates: 60 });
    expect(report.registers.domestic).toMatchObject({ days: { done: 3, failed: 0 }, certificates: 150 });

    const text = await runCli(['status'], both);
    expect(text.stdout.split('\n')[0]).toMatch(/^epc-sync status: domestic (OK|ATTENTION), display (OK|ATTENTION)$/);
    expect(text.stdout).toContain('epc-sync status (domestic)');
    expect(text.stdout).toContain('epc-sync status (display)');
    const one = await runCli(['status', '--register', 'display', '--json'], fakeEnv(api, database));
    expect(JSON.parse(one.stdout)).toMatchObject({ register: 'display', certificates: 60, registers: { display: { register: 'display' } } });
  });
});

// Only the embedded database is one process's files; a server database is opened by any number of processes.
describe('the embedded database while the daemon holds it', () => {
  let api: FakeApi;
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase('pglite');
    api = await startFakeApi({ rateLimit: false });
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('status reads a running daemon\'s embedded mirror by asking the daemon, and the same report as JSON', async () => {
    for (const day of eachDay('2026-09-01', '2026-09-30')) api.store.addCertificates(generateDay(day, 100, { seed: 3 }));
    const port = await closedPort(); // a free port for the daemon's ops server
    const env = fakeEnv(api, database, { SYNC_START_DATE: '2026-09-01', EPC_REQUESTS_PER_SECOND: '5', EPC_CONCURRENCY: '2', METRICS_PORT: String(port) });
    const daemon = startCli(['daemon'], env);
    try {
      await daemon.waitFor(/"msg":"day stored"/);
      const status = await runCli(['status', '--json'], { ...env, LOG_LEVEL: 'fatal' });
      expect(status.stderr).toBe('');
      const report = JSON.parse(status.stdout) as { register: string; days: { done: number }; lastRun: { outcome: string } };
      expect(report.register).toBe('domestic');
      expect(report.days.done).toBeGreaterThan(0);
      expect(report.lastRun.outcome).toBe('running');
      const text = await runCli(['status'], { ...env, LOG_LEVEL: 'fatal' });
      expect(text.stdout).toMatch(/domestic/);
    } finally {
      daemon.child.kill('SIGTERM');
      await daemon.done;
    }
    // Stopped, the daemon leaves no address behind, and status opens the files itself again.
    const after = await runCli(['status', '--json'], { ...env, LOG_LEVEL: 'fatal' });
    expect(JSON.parse(after.stdout)).toMatchObject({ lastRun: { outcome: 'interrupted' } });
  });
});
