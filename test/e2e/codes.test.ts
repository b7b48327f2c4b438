/**
 * The codes lookup end to end: `epc-sync codes` as an operator runs it (the built CLI against the fake
 * API and a test database), and the sync's weekly refresh in process. The fake serves the service's own
 * lookup data (test/fixtures/codes.csv) in the service's shapes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/client.js';
import { addDays } from '../../src/days.js';
import { syncOnce } from '../../src/sync/commands.js';
import { fakeCodes } from '../fake-api/codes.js';
import { FAKE_TOKEN, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { logLines, runCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness, type Harness } from '../helpers/harness.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);

const codesRequests = (api: FakeApi) => api.requests.filter((r) => r.path.startsWith('/api/codes'));

interface Stored {
  rows: number;
  attributes: number;
  keys: number;
}

const stored = async (q: Queryable): Promise<Stored> =>
  (await q.query<Stored>(
    `SELECT count(*)::int AS rows, count(DISTINCT attribute)::int AS attributes, count(DISTINCT (attribute, key))::int AS keys FROM codes`,
  ))[0]!;

const valueOf = async (q: Queryable, attribute: string, key: string, schemaVersion: string, assessmentType: string) =>
  (await q.query<{ value: string }>(
    `SELECT value FROM codes WHERE attribute = $1 AND key = $2 AND schema_version = $3 AND assessment_type = $4`,
    [attribute, key, schemaVersion, assessmentType],
  )).map((r) => r.value);

/** The test database, opened after the CLI has exited (the embedded one admits one process at a time). */
async function inDatabase<T>(database: TestDatabase, read: (q: Queryable) => Promise<T>): Promise<T> {
  const db = await database.open();
  try {
    return await read(db);
  } finally {
    await db.close();
  }
}

describe('the fake API’s codes endpoints', () => {
  let api: FakeApi;
  beforeEach(async () => {
    api = await startFakeApi({ rateLimit: false });
  });
  afterEach(async () => {
    await api.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${FAKE_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as { data: unknown } };
  };

  it('answers as the service does: names in order, values per key in camelCase, exact filters, a wrapped 404', async () => {
    const names = await get('/api/codes');
    expect(names.status).toBe(200);
    expect(names.body.data).toEqual(expect.arrayContaining(['built_form', 'construction_age_band', 'main_fuel', 'property_type', 'tenure', 'transaction_type']));
    expect(names.body.data).toEqual([...(names.body.data as string[])].sort());

    const info = await get('/api/codes/info?code=built_form');
    expect(info.status).toBe(200);
    const entries = info.body.data as Array<{ key: string; values: Array<Record<string, string>> }>;
    expect(entries.map((e) => e.key)).toEqual(['1', '2', '3', '4', '5', '6', 'NR']);
    expect(entries[1]!.values).toContainEqual({ value: 'Semi-Detached', schemaVersion: 'RdSAP-Schema-20.0.0', assessmentType: 'RdSAP' });

    const one = await get('/api/codes/info?code=construction_age_band&key=K&schemaVersion=SAP-Schema-16.3');
    expect(one.body.data).toEqual([
      { key: 'K', values: [
        { value: 'England and Wales: 2007 onwards', schemaVersion: 'SAP-Schema-16.3', assessmentType: 'RdSAP' },
        { value: 'England and Wales: 2007 onwards', schemaVersion: 'SAP-Schema-16.3', assessmentType: 'SAP' },
      ] },
    ]);

    for (const path of ['/api/codes/info?code=no_such_code', '/api/codes/info?code=built_form&key=99', '/api/codes/info']) {
      expect(await get(path)).toEqual({ status: 404, body: { data: { error: 'No codes could be found for that query' } } });
    }
  });
});

describe.each(TARGETS)('the codes lookup on %s', (target) => {
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

  it('`epc-sync codes` fills the lookup with every attribute the API lists, exits 0 and says how much it stored', async () => {
    const served = fakeCodes(api.store);
    const attributes = served.attributes();

    const result = await runCli(['codes'], fakeEnv(api, database));

    expect(result.code, result.stderr).toBe(0);
    const keys = new Set(served.rows.map((r) => `${r.attribute}|${r.key}`)).size;
    const report = { attributes: attributes.length, keys, values: served.rows.length, duplicates: 0, skipped: 0, withoutValues: [] };
    expect(JSON.parse(result.stdout)).toEqual(report);
    expect(logLines(result.stderr, 'codes lookup replaced')).toEqual([expect.objectContaining(report)]);
    expect(await inDatabase(database, stored)).toEqual({ rows: served.rows.length, attributes: attributes.length, keys });
    // One request for the list, one per attribute.
    expect(codesRequests(api).map((r) => r.query.code ?? null).sort()).toEqual([null, ...attributes].sort());
    expect(await inDatabase(database, (q) => valueOf(q, 'built_form', '2', 'RdSAP-Schema-20.0.0', 'RdSAP'))).toEqual(['Semi-Detached']);
    expect(await inDatabase(database, (q) => valueOf(q, 'energy_tariff', '1', 'SAP-Schema-16.3', 'SAP'))).toEqual(['standard tariff']);
    expect(await inDatabase(database, (q) => valueOf(q, 'energy_tariff', '1', 'SAP-Schema-16.3', 'RdSAP'))).toEqual(['dual']);
  });

  it('running it again replaces the lookup whole: a key the register withdrew is gone, a reworded value changes', async () => {
    expect((await runCli(['codes'], fakeEnv(api, database))).code).toBe(0);
    const before = await inDatabase(database, stored);
    const served = fakeCodes(api.store);
    const notRecorded = served.rows.filter((r) => r.attribute === 'built_form' && r.key === 'NR').length;
    served.withdraw('built_form', 'NR');
    served.set({ attribute: 'tenure', key: '1', schemaVersion: 'RdSAP-Schema-21.0.1', assessmentType: 'RdSAP', value: 'Owner-occupied' });

    const again = await runCli(['codes'], fakeEnv(api, database));

    expect(again.code, again.stderr).toBe(0);
    expect(notRecorded).toBeGreaterThan(0);
    expect(await inDatabase(database, stored)).toEqual({ rows: before.rows - notRecorded, attributes: before.attributes, keys: before.keys - 1 });
    expect(await inDatabase(database, (q) => valueOf(q, 'built_form', 'NR', 'RdSAP-Schema-17.0', 'RdSAP'))).toEqual([]);
    expect(await inDatabase(database, (q) => valueOf(q, 'tenure', '1', 'RdSAP-Schema-21.0.1', 'RdSAP'))).toEqual(['Owner-occupied']);
  });

  it('exits 2 naming EPC_API_TOKEN when the API refuses the token, and leaves the lookup as it was', async () => {
    expect((await runCli(['codes'], fakeEnv(api, database))).code).toBe(0);
    const before = await inDatabase(database, stored);

    const refused = await runCli(['codes'], fakeEnv(api, database, { EPC_API_TOKEN: 'x'.repeat(64) }));

    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/EPC_API_TOKEN/);
    expect(await inDatabase(database, stored)).toEqual(before);
  });

  describe('the sync', () => {
    const syncEnv = { SYNC_START_DATE: addDays(TODAY, -3) };
    const fetchedAt = async () => (await harness!.db.query<{ at: string }>(`SELECT max(fetched_at)::text AS at FROM codes`))[0]!.at;
    const age = (days: number) => harness!.db.query(`UPDATE codes SET fetched_at = fetched_at - make_interval(days => $1)`, [days]);

    it('fills an empty lookup, leaves one younger than a week, and refreshes one older', async () => {
      harness = await openHarness(api, database, syncEnv, NOW);

      expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
      expect(await stored(harness.db)).toMatchObject({ rows: fakeCodes(api.store).rows.length });
      expect(new Date(await fetchedAt()).toISOString()).toBe(NOW.toISOString());

      api.resetRequests();
      await age(6);
      expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
      expect(codesRequests(api)).toEqual([]);

      await age(2);
      fakeCodes(api.store).withdraw('built_form', 'NR');
      expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
      expect(codesRequests(api).length).toBe(fakeCodes(api.store).attributes().length + 1);
      expect(new Date(await fetchedAt()).toISOString()).toBe(NOW.toISOString());
      expect(await valueOf(harness.db, 'built_form', 'NR', 'RdSAP-Schema-17.0', 'RdSAP')).toEqual([]);
    });

    it('goes on when the codes cannot be fetched, says so, keeps the old lookup, and tries again next time', async () => {
      harness = await openHarness(api, database, { ...syncEnv, EPC_MAX_RETRIES: '1' }, NOW);
      expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
      await age(8);
      const before = await fetchedAt();
      let down = true;
      api.failNext({ count: 10_000, status: 500, match: (r) => down && r.path === '/api/codes/info' });

      const report = await syncOnce(harness.deps, undefined, NOW);

      expect(report.outcome).toBe('succeeded');
      const warned = harness.logs.map((l) => JSON.parse(l) as { msg: string; level: number }).filter((l) => l.msg.startsWith('the codes lookup was not refreshed'));
      expect(warned).toEqual([expect.objectContaining({ level: 40 })]);
      expect(await fetchedAt()).toBe(before);
      expect(await stored(harness.db)).toMatchObject({ rows: fakeCodes(api.store).rows.length });

      down = false;
      expect((await syncOnce(harness.deps, undefined, NOW)).outcome).toBe('succeeded');
      expect(new Date(await fetchedAt()).toISOString()).toBe(NOW.toISOString());
    });
  });
});
