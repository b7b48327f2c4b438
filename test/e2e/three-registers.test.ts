/**
 * The whole of "all three registers in one mirror", as a user runs it: one backfill with
 * EPC_REGISTERS=domestic,non-domestic,display against the fake API (non-domestic with certificates
 * search counts but never serves), then `epc-sync codes`. Every day of every register ends done with
 * exactly the rows search serves, non-domestic rows keep their recommendation report, the codes
 * lookup is filled, and `latest_certificates` has one row per register and UPRN.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { backfill } from '../../src/sync/commands.js';
import { eachDay, generateRegisterDay, startFakeApi, type FakeApi, type FakeRegister } from '../fake-api/index.js';
import { runCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv, openHarness } from '../helpers/harness.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DAYS = [...eachDay('2026-11-09', '2026-11-15')];
const REGISTERS: FakeRegister[] = ['domestic', 'non-domestic', 'display'];

describe.each(TARGETS)('three registers in one mirror on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let db: Db | null = null;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 9 });
    for (const [i, day] of DAYS.entries()) {
      api.store.addCertificates(generateRegisterDay('domestic', day, 60, { seed: i + 1 }));
      api.store.addCertificates(generateRegisterDay('non-domestic', day, 30, { seed: i + 1, withoutReport: 1 + (i % 3) }), { register: 'non-domestic' });
      api.store.addCertificates(generateRegisterDay('display', day, 12, { seed: i + 1 }), { register: 'display' });
    }
    // A home assessed again two days later: the later certificate is the property's latest.
    const [first] = api.store.rowsForDay(DAYS[0]!).filter((r) => r.uprn !== null);
    api.store.addCertificates([{ ...first!, certificateNumber: '9999-0000-0000-0000-0001', registrationDate: DAYS[2]!, currentEnergyEfficiencyBand: 'B' }]);
  });
  afterEach(async () => {
    await db?.close();
    db = null;
    await api.close();
    await database.drop();
  });

  it('one backfill: every day of every register done, exactly what search serves, reports kept; then codes and the latest certificates', async () => {
    // Pages of 25 that overlap and skip: the busier days need reconciliation in every register.
    const env = { EPC_REGISTERS: 'domestic,non-domestic,display', EPC_PAGE_SIZE: '25', SYNC_START_DATE: DAYS[0]! };
    const h = await openHarness(api, database, env, NOW);
    const report = await backfill(h.deps, { from: DAYS[0]!, to: DAYS.at(-1)!, force: false });
    await h.close();
    expect(report.outcome).toBe('succeeded');
    expect(report.registers.map((r) => [r.register, r.outcome, r.counts.daysDone])).toEqual(REGISTERS.map((r) => [r, 'succeeded', DAYS.length]));

    const codes = await runCli(['codes'], { ...fakeEnv(api, database, env), LOG_LEVEL: 'fatal' }, { timeoutMs: 120_000 });
    expect(codes.code).toBe(0);

    db = await database.open();
    const checkpoint = await db.query<{ register: string; day: string; status: string; stored: number; notServed: number | null }>(
      `SELECT register, day::text AS day, status, stored_count AS stored, not_served AS "notServed" FROM sync_checkpoint ORDER BY 1, 2`,
    );
    expect(checkpoint).toHaveLength(3 * DAYS.length);
    expect(checkpoint.filter((c) => c.status !== 'done')).toEqual([]);

    for (const register of REGISTERS) {
      for (const day of DAYS) {
        const counted = api.store.rowsForDay(day, register);
        const served = register === 'non-domestic' ? counted.filter((r) => r.relatedRrn) : counted;
        const stored = await db.query<{ n: string; report: string | null }>(
          `SELECT certificate_number AS n, related_certificate_number AS report FROM certificates WHERE register = $1 AND registration_date = $2 ORDER BY 1`,
          [register, day],
        );
        expect(stored.map((r) => r.n), `${register} ${day}`).toEqual(served.map((r) => r.certificateNumber).sort());
        if (register === 'non-domestic') {
          expect(stored.map((r) => r.report)).toEqual([...served].sort((a, b) => (a.certificateNumber < b.certificateNumber ? -1 : 1)).map((r) => r.relatedRrn));
          expect(checkpoint.find((c) => c.register === register && c.day === day)?.notServed).toBe(counted.length - served.length);
        } else {
          expect(checkpoint.find((c) => c.register === register && c.day === day)?.notServed).toBeNull();
        }
      }
    }

    // The lookup, and a code decoded through it.
    const [lookup] = await db.query<{ attributes: number; values: number }>(`SELECT count(DISTINCT attribute)::int AS attributes, count(*)::int AS values FROM codes`);
    expect(lookup!.attributes).toBeGreaterThanOrEqual(10);
    expect(lookup!.values).toBeGreaterThan(1000);
    expect((await db.query<{ v: string }>(`SELECT epc_code('built_form', '2', 'RdSAP-Schema-20.0.0', 'RdSAP') AS v`))[0]!.v).toBe('Semi-Detached');

    // One row per register and UPRN, and the re-assessed home's newer certificate is its latest.
    const [latest] = await db.query<{ rows: number; properties: number; repeated: number }>(
      `SELECT count(*)::int AS rows, count(DISTINCT (register, uprn))::int AS properties,
              (SELECT count(*) FROM (SELECT 1 FROM latest_certificates WHERE uprn IS NOT NULL GROUP BY register, uprn HAVING count(*) > 1) d)::int AS repeated
       FROM latest_certificates WHERE uprn IS NOT NULL`,
    );
    const [expected] = await db.query<{ n: number }>(`SELECT count(DISTINCT (register, uprn))::int AS n FROM certificates WHERE uprn IS NOT NULL AND removed_at IS NULL`);
    expect(latest).toEqual({ rows: expected!.n, properties: expected!.n, repeated: 0 });
    const perRegister = await db.query<{ register: string }>(`SELECT DISTINCT register FROM latest_certificates ORDER BY 1`);
    expect(perRegister.map((r) => r.register)).toEqual(['display', 'domestic', 'non-domestic']);
    const [home] = await db.query<{ certificate_number: string }>(
      `SELECT certificate_number FROM latest_certificates WHERE register = 'domestic' AND uprn = (SELECT uprn FROM certificates WHERE certificate_number = '9999-0000-0000-0000-0001')`,
    );
    expect(home!.certificate_number).toBe('9999-0000-0000-0000-0001');
  }, 240_000);
});
