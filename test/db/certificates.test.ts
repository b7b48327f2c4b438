/**
 * The certificate upsert, straight against the database: new days COPied straight in, the rest (and a
 * new day holding a certificate stored before) through the staging table and the merge.
 */
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { upsertCertificates, type CertificateRow } from '../../src/db/certificates.js';
import { withDbRetry } from '../../src/sync/db-retry.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const row = (n: number, over: Partial<CertificateRow> = {}): CertificateRow => ({
  certificateNumber: `0000-0000-0000-0000-${String(n).padStart(4, '0')}`,
  addressLine1: 'Flat 1',
  addressLine2: null,
  addressLine3: null,
  addressLine4: null,
  postcode: 'EX1 1AA',
  postTown: 'Exeter',
  council: 'Exeter',
  constituency: 'Exeter',
  currentEnergyEfficiencyBand: 'C',
  registrationDate: '2026-03-04',
  uprn: 100040000000 + n,
  schemaType: 'RdSAP-Schema-21.0.1',
  ...over,
});

// Every character COPY's text format escapes, CSV's quote, and text that only looks like a NULL.
const AWKWARD = ['back\\slash', 'tab\there', 'new\nline', 'carriage\r\nreturn', '"quoted", with commas', '\\N', '', 'Tŷ Dŵr, Maes-y-Dâl', '\\\\n literally'];

const stored = (db: Db) =>
  db.query<{ certificate_number: string; address_line1: string | null; address_line2: string | null; uprn: number | null }>(
    `SELECT certificate_number, address_line1, address_line2, uprn FROM certificates ORDER BY certificate_number`,
  );

describe.each(TARGETS)('certificate upsert on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });

  it('stores awkward text byte for byte, and keeps an empty string apart from NULL', async () => {
    const rows = AWKWARD.map((text, i) => row(i, { addressLine1: text, addressLine2: i % 2 ? null : text, uprn: i % 3 ? null : i + 1 }));
    const [counts, staged] = await db.transaction(async (tx) => {
      const result = await upsertCertificates(tx, 'domestic', rows);
      // A new day is COPY'd straight in: this session never made the staging table the merge uses.
      const [stage] = await tx.query<{ made: boolean }>(`SELECT to_regclass('pg_temp.certificate_stage') IS NOT NULL AS made`);
      return [result, stage!.made] as const;
    });
    expect(counts).toEqual({ inserted: AWKWARD.length, changed: 0, unchanged: 0 });
    expect(staged).toBe(false);
    expect(await stored(db)).toEqual(
      rows.map((r) => ({ certificate_number: r.certificateNumber, address_line1: r.addressLine1, address_line2: r.addressLine2, uprn: r.uprn })),
    );
  });

  it('counts inserted, changed and unchanged rows, across several batches in one transaction', async () => {
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1), row(2), row(3)]));
    const counts = await db.transaction(async (tx) => {
      const first = await upsertCertificates(tx, 'domestic', [row(1), row(2, { postcode: 'EX2 2BB' })]);
      const second = await upsertCertificates(tx, 'domestic', [row(4)]);
      return [first, second];
    });
    expect(counts).toEqual([{ inserted: 0, changed: 1, unchanged: 1 }, { inserted: 1, changed: 0, unchanged: 0 }]);
    expect((await stored(db)).map((r) => r.certificate_number)).toHaveLength(4);
  });

  it('stores a new day holding a certificate already stored under another day, updating that certificate', async () => {
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1), row(2)]));
    // A new day: the straight COPY meets certificate 2 and falls back to the merge, in the same transaction.
    const counts = await db.transaction((tx) =>
      upsertCertificates(tx, 'domestic', [row(3, { registrationDate: '2026-03-05' }), row(2, { registrationDate: '2026-03-05', postcode: 'EX2 2BB' })]),
    );
    expect(counts).toEqual({ inserted: 1, changed: 1, unchanged: 0 });
    const days = await db.query<{ certificate_number: string; registration_date: string; postcode: string }>(
      `SELECT certificate_number, registration_date, postcode FROM certificates ORDER BY certificate_number`,
    );
    expect(days.map((d) => [d.certificate_number.slice(-1), d.registration_date, d.postcode])).toEqual([
      ['1', '2026-03-04', 'EX1 1AA'],
      ['2', '2026-03-05', 'EX2 2BB'],
      ['3', '2026-03-05', 'EX1 1AA'],
    ]);
  });

  it('un-flags and records a removed certificate that reappears on a day not stored before', async () => {
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1)]));
    await db.query(`UPDATE certificates SET removed_at = now()`);
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1, { registrationDate: '2026-03-06' }), row(5, { registrationDate: '2026-03-06' })]));
    const [one] = await db.query<{ removed_at: Date | null }>(`SELECT removed_at FROM certificates WHERE certificate_number = $1`, [row(1).certificateNumber]);
    expect(one!.removed_at).toBeNull();
    const events = await db.query<{ event: string }>(`SELECT event FROM certificate_events WHERE certificate_number = $1`, [row(1).certificateNumber]);
    expect(events.map((e) => e.event)).toEqual(['reappeared']);
  });

  it('writes a new day in the same state as the merge would, defaults included', async () => {
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(1)]));
    // Day 2026-03-04 now holds a row, so certificate 2 goes through the merge; 3 is on a new day.
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(2)]));
    await db.transaction((tx) => upsertCertificates(tx, 'domestic', [row(3, { registrationDate: '2026-03-07' })]));
    const rows = await db.query<Record<string, unknown>>(
      `SELECT register, source, removed_at, document_status, first_seen_at IS NOT NULL AS seen,
              last_changed_at = first_seen_at AS fresh, last_seen_at IS NOT NULL AS walked
       FROM certificates WHERE certificate_number IN ($1, $2) ORDER BY certificate_number`,
      [row(2).certificateNumber, row(3).certificateNumber],
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(rows[1]);
    expect(rows[0]).toMatchObject({ register: 'domestic', source: 'api', removed_at: null, document_status: 'due', seen: true, fresh: true, walked: true });
  });
});

// Two writers on one server: two days that share certificates, each taking the other's key second.
describe.each(TARGETS.filter((t) => t === 'postgres'))('two writers on %s', (target) => {
  const fresh = databasePerTest(target);
  let db: Db;
  beforeEach(() => {
    db = fresh.db;
  });

  it('both commit when their days deadlock on shared certificates: the victim is repeated', async () => {
    const logger = pino({ level: 'silent' });
    const gate = (() => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { open, opened };
    })();
    let firstAttempts = 0;
    // Each transaction writes its own certificate, waits until both have, then writes the other's.
    const store = (mine: number, theirs: number, day: string) =>
      withDbRetry(`storing ${day}`, () =>
        db.transaction(async (tx) => {
          await upsertCertificates(tx, 'domestic', [row(mine, { registrationDate: day })]);
          if (++firstAttempts === 2) gate.open();
          await gate.opened;
          return upsertCertificates(tx, 'domestic', [row(theirs, { registrationDate: day, postcode: `EX${mine} 1AA` })]);
        }),
      { logger, target: db.target });
    const results = await Promise.all([store(1, 2, '2026-03-10'), store(2, 1, '2026-03-11')]);
    expect(firstAttempts).toBe(3); // the deadlock's victim ran again
    expect(results.map((r) => r.inserted + r.changed)).toEqual([1, 1]);
    const rows = await db.query<{ certificate_number: string }>(`SELECT certificate_number FROM certificates ORDER BY 1`);
    expect(rows.map((r) => r.certificate_number)).toEqual([row(1).certificateNumber, row(2).certificateNumber]);
  });
});
