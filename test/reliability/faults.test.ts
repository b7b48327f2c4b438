/**
 * Faults from the API and bad input: the run ends with exactly the API's rows, within the rate limit,
 * saying what it retried and why; malformed rows are kept aside with reasons; the token never leaks.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eachDay } from '../../src/days.js';
import { backfill } from '../../src/sync/commands.js';
import { FAKE_TOKEN, bulkZip, generateDay, startFakeApi, type FakeApi, type SearchRow } from '../fake-api/index.js';
import { runCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';
import { certificateRows, checkpoint } from '../helpers/queries.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DAYS = [...eachDay('2026-06-01', '2026-06-10')];

function worstWindow(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; j < sorted.length; j += 1) {
    while (sorted[j]! - sorted[i]! >= 1000) i += 1;
    worst = Math.max(worst, j - i + 1);
  }
  return worst;
}

describe.each(TARGETS)('API faults and bad input on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness | null = null;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 12 });
    for (const day of DAYS) api.store.addCertificates(generateDay(day, 400, { seed: 2 }));
  });
  afterEach(async () => {
    await h?.close();
    h = null;
    await api.close();
    await database.drop();
  });

  it('ends exact under 15% 429s, 5% 500s, 3% drops, truncated bodies and HTML pages, within the rate limit, saying what it retried', async () => {
    api.setFaults({ rate429: 0.15, rate500: 0.05, rateDrop: 0.03, rateTruncate: 0.03, rateHtml: 0.03, seed: 77 });
    h = await openHarness(api, database, { EPC_REQUESTS_PER_SECOND: '30', EPC_PAGE_SIZE: '250', EPC_MAX_RETRIES: '10' }, NOW);
    const days = DAYS.slice(0, 5);

    const report = await backfill(h.deps, { from: days[0]!, to: days.at(-1)!, force: false });

    expect(report.outcome).toBe('succeeded');
    for (const day of days) {
      expect((await certificateRows(h.db, day)).map((r) => r.certificateNumber)).toEqual(api.store.rowsForDay(day).map((r) => r.certificateNumber));
    }
    const faults = api.requests.filter((r) => r.fault !== null);
    expect(new Set(faults.map((f) => f.fault))).toEqual(new Set(['status429', 'status500', 'drop', 'truncate', 'html']));
    expect(worstWindow(api.requests.map((r) => r.time))).toBeLessThanOrEqual(30);
    const retried = h.logs.map((l) => JSON.parse(l) as { msg: string; reason?: string }).filter((l) => l.msg === 'retrying request');
    expect(retried.length).toBe(faults.length);
    expect(new Set(retried.map((r) => r.reason?.replace(/ \(.*$/, '')))).toEqual(new Set(['HTTP 429', 'HTTP 500', 'connection failed', 'unreadable response']));
  });

  it('slows everyone down in a sustained 429 storm instead of hammering', async () => {
    api.failNext({ count: 3, fault: 'status429' });
    h = await openHarness(api, database, { EPC_REQUESTS_PER_SECOND: '50', EPC_CONCURRENCY: '4' }, NOW);
    await backfill(h.deps, { from: DAYS[0]!, to: DAYS[0]!, force: false });
    const limited = api.requests.filter((r) => r.status === 429).map((r) => r.time);
    const gaps = limited.slice(1).map((t, i) => t - limited[i]!);
    expect(limited).toHaveLength(3);
    // Each further 429 doubles the shared pause: 1 s, then 2 s (with jittered retries on top).
    expect(gaps[0]!).toBeGreaterThan(900);
    expect(gaps[1]!).toBeGreaterThan(1800);
  });

  it('keeps malformed API rows aside with the reason and the raw row, and still completes the day', async () => {
    const day = '2026-05-05';
    const good = generateDay(day, 20, { seed: 4 });
    const bad = [
      { ...good[0]!, certificateNumber: 'not-a-number' },
      { ...good[1]!, certificateNumber: '9999-9999-9999-9999-9991', uprn: 'abc' },
      { ...good[2]!, certificateNumber: '9999-9999-9999-9999-9992', currentEnergyEfficiencyBand: 'Z' },
    ] as unknown as SearchRow[];
    api.store.addCertificates([...good, ...bad]);
    h = await openHarness(api, database, {}, NOW);

    const report = await backfill(h.deps, { from: day, to: day, force: false });

    expect(report.outcome).toBe('succeeded');
    expect(await checkpoint(h.db, day)).toMatchObject({ status: 'done', expected_count: 23, stored_count: 20, rejected_count: 3 });
    const rejects = await h.db.query<{ reason: string; raw: string }>(`SELECT reason, raw FROM rejected_rows ORDER BY reason`);
    expect(rejects.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^certificateNumber/),
      expect.stringMatching(/^currentEnergyEfficiencyBand/),
      expect.stringMatching(/^uprn/),
    ]);
    expect(JSON.parse(rejects[2]!.raw)).toMatchObject({ uprn: 'abc' });
    // A second walk of the day does not record them twice.
    await backfill(h.deps, { from: day, to: day, force: true });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM rejected_rows`)).toEqual([{ n: 3 }]);
  });

  it('never lets the token into logs, errors, status output or the database', async () => {
    const other = 'Zz9'.repeat(21) + 'Q';
    api.setFaults({ rate500: 0.2, rateDrop: 0.1, seed: 5 });
    const env = fakeEnv(api, database, { LOG_LEVEL: 'trace', EPC_MAX_RETRIES: '1' });
    const outputs = [
      await runCli(['backfill', '--from', DAYS[0]!, '--to', DAYS[2]!], env),
      await runCli(['backfill', '--from', DAYS[3]!, '--to', DAYS[4]!], { ...env, EPC_API_TOKEN: other }),
      await runCli(['status', '--json'], env),
      await runCli(['status'], env),
      await runCli(['sql', 'SELECT * FROM sync_runs'], env),
    ];
    expect(outputs[1]!.code).toBe(2);
    const db = await database.open();
    const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'drizzle') AND table_type = 'BASE TABLE'`);
    let dump = '';
    for (const { name } of tables) dump += JSON.stringify(await db.query(`SELECT * FROM ${name === '__drizzle_migrations' ? 'drizzle.' : ''}"${name}"`));
    await db.close();
    const everything = outputs.map((o) => o.stdout + o.stderr).join('\n') + dump;
    expect(everything).toContain('retrying request');
    expect(everything).toContain('EPC_API_TOKEN');
    expect(everything).not.toContain(FAKE_TOKEN);
    expect(everything).not.toContain(other);
  });
});

describe.each(TARGETS.filter((t) => t === 'postgres'))('least privilege (%s)', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ rateLimit: false, seed: 1 });
    api.store.addCertificates(generateDay('2026-06-01', 50, { seed: 1 }));
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  it('runs as a role with only the documented grants, which can delete nothing but replaced recommendations; a bulk import too', async () => {
    (await database.open()).close(); // migrations applied by the owner
    const role = `epc_runtime_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const dbName = new URL(database.url!).pathname.slice(1);
    // Exactly the grants the README documents.
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE "${dbName}" TO ${role}`);
    await admin.query(`GRANT USAGE ON SCHEMA public, drizzle TO ${role}`);
    await admin.query(`GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${role}`);
    await admin.query(`GRANT SELECT ON drizzle.__drizzle_migrations TO ${role}`);
    await admin.query(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    await admin.query(`GRANT SELECT, UPDATE ON SEQUENCE epc_terms_id_seq TO ${role}`);
    await admin.query(`GRANT DELETE ON recommendation_sets TO ${role}`);
    try {
      const url = new URL(database.url!);
      url.username = role;
      // A bulk file first, into the empty mirror: its new terms take ids from a range the import reserves
      // on the terms' sequence, and it loads with the indexes in place (only the owner may drop them).
      const indexes = (await admin.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'certificates' ORDER BY 1`)).rows;
      const dir = mkdtempSync(join(tmpdir(), 'epc-role-'));
      try {
        const file = join(dir, 'bulk.zip');
        writeFileSync(file, await bulkZip(generateDay('2026-05-29', 30, { seed: 2 })));
        const imported = await runCli(['import-bulk', '--file', file], { ...fakeEnv(api, database), DATABASE_URL: url.toString() });
        expect(imported.code, imported.stderr).toBe(0);
        expect(JSON.parse(imported.stdout)).toMatchObject({ outcome: 'succeeded', rowsImported: 30 });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      expect((await admin.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'certificates' ORDER BY 1`)).rows).toEqual(indexes);
      // Documents on: storing them replaces each certificate's recommendations.
      const result = await runCli(['backfill', '--from', '2026-06-01', '--to', '2026-06-01'], { ...fakeEnv(api, database), FETCH_DOCUMENTS: 'true', DATABASE_URL: url.toString() });
      expect(result.code, result.stderr).toBe(0);
      const asRole = new pg.Client({ connectionString: url.toString() });
      await asRole.connect();
      // Dropped with the database below should an assertion end the test first: not an error of its own.
      asRole.on('error', () => undefined);
      expect((await asRole.query(`SELECT count(*)::int AS n FROM certificates WHERE source = 'api'`)).rows).toEqual([{ n: 50 }]);
      expect((await asRole.query(`SELECT count(DISTINCT certificate_number)::int AS n FROM recommendations WHERE source = 'api'`)).rows[0].n).toBeGreaterThan(0);
      expect((await asRole.query(`SELECT count(*)::int AS n FROM certificates_decoded WHERE source = 'bulk' AND walls_description IS NOT NULL`)).rows[0].n).toBeGreaterThan(0);
      expect((await asRole.query(`SELECT count(DISTINCT certificate_number)::int AS n FROM recommendations WHERE source = 'bulk' AND summary IS NOT NULL`)).rows[0].n).toBeGreaterThan(0);
      await expect(asRole.query(`DELETE FROM certificates`)).rejects.toThrow(/permission denied/);
      await asRole.end();
    } finally {
      await admin.query(`DROP OWNED BY ${role}`);
      await admin.end();
      const cleanup = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await cleanup.connect();
      await database.drop();
      await cleanup.query(`DROP ROLE IF EXISTS ${role}`);
      await cleanup.end();
    }
  });
});
