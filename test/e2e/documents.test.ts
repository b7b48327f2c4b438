/**
 * Documents and deltas end to end: the fake serves real-shaped documents per schema family and a
 * change feed; the mirror must hold whole EPCs and follow removals and UPRN corrections.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays } from '../../src/days.js';
import { backfill, syncOnce } from '../../src/sync/commands.js';
import { documentsBackfill } from '../../src/sync/documents-run.js';
import { generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openHarness, type Harness } from '../helpers/harness.js';
import { checkpoint } from '../helpers/queries.js';
import { formatStatus, readStatus } from '../../src/ops/status.js';

const TODAY = '2026-11-24';
const NOW = new Date(`${TODAY}T12:00:00Z`);
const DAY = addDays(TODAY, -1);
const certificateRequests = (api: FakeApi) => api.requests.filter((r) => r.path === '/api/certificate');

describe.each(TARGETS)('documents and deltas on %s', (target) => {
  let api: FakeApi;
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, seed: 3 });
    api.store.addCertificates(generateDay(DAY, 30, { seed: 21 }));
    h = await openHarness(api, database, { FETCH_DOCUMENTS: 'true', SYNC_START_DATE: DAY, EPC_REQUESTS_PER_SECOND: '20' }, NOW);
  });
  afterEach(async () => {
    await h.close();
    await api.close();
    await database.drop();
  });

  const sync = (today = TODAY) => {
    api.setToday(today);
    return syncOnce(h.deps, undefined, new Date(`${today}T12:00:00Z`));
  };

  it('stores the document of every certificate of a walked day, queryable without JSON, within the rate limit', async () => {
    expect((await sync()).outcome).toBe('succeeded');
    const rows = await h.db.query<{ document_status: string; schema: string; schema_type: string; total_floor_area: string | null; inspection_date: string | null; main_fuel: string | null }>(
      `SELECT c.document_status, c.document->>'schema_type' AS schema, d.schema_type, d.total_floor_area::text, d.inspection_date::text, d.main_fuel
       FROM certificates c JOIN certificate_details d USING (certificate_number)`,
    );
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(row.document_status).toBe('fetched');
      expect(row.schema).toBe(row.schema_type);
      expect(Number(row.total_floor_area)).toBeGreaterThan(0);
      expect(row.inspection_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.main_fuel).not.toBeNull();
    }
    expect(certificateRequests(api)).toHaveLength(30);
    expect(await checkpoint(h.db, DAY)).toMatchObject({ status: 'done' });
    const times = api.requests.map((r) => r.time).sort((a, b) => a - b);
    for (let i = 0, j = 0; j < times.length; j += 1) {
      while (times[j]! - times[i]! >= 1000) i += 1;
      expect(j - i + 1).toBeLessThanOrEqual(20);
    }
  });

  it('fetches documents again only for certificates whose search row changed', async () => {
    await sync();
    api.resetRequests();
    await backfill(h.deps, { from: DAY, to: DAY, force: true });
    expect(certificateRequests(api)).toHaveLength(0);

    const [changed] = api.store.rowsForDay(DAY);
    api.store.updateCertificate(changed!.certificateNumber, { postcode: 'EX1 1AA' });
    await backfill(h.deps, { from: DAY, to: DAY, force: true });
    expect(certificateRequests(api).map((r) => r.query.certificate_number)).toEqual([changed!.certificateNumber]);
  });

  it('records a missing document without failing the day, and fetches it on the next run', async () => {
    const [missing] = api.store.rowsForDay(DAY);
    api.store.missingDocuments.add(missing!.certificateNumber);
    const first = await sync();
    expect(first.outcome).toBe('succeeded');
    expect(await checkpoint(h.db, DAY)).toMatchObject({ status: 'done' });
    const [row] = await h.db.query<{ document_status: string; document_error: string }>(
      `SELECT document_status, document_error FROM certificates WHERE certificate_number = $1`,
      [missing!.certificateNumber],
    );
    expect(row).toMatchObject({ document_status: 'not_found', document_error: expect.stringMatching(/404/) });
    expect(await h.db.query(`SELECT documents_missing FROM sync_checkpoint WHERE day = $1`, [DAY])).toEqual([{ documents_missing: 1 }]);

    api.store.missingDocuments.clear();
    api.resetRequests();
    await sync();
    expect(certificateRequests(api).map((r) => r.query.certificate_number)).toEqual([missing!.certificateNumber]);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE document_status = 'fetched'`)).toEqual([{ n: 30 }]);
  });

  it('flags a removed certificate and keeps it; un-flags it and records it when it reappears', async () => {
    await sync();
    const [gone] = api.store.rowsForDay(DAY);
    api.store.removeCertificate(gone!.certificateNumber, `${TODAY}T09:30:00.000Z`);
    const tomorrow = addDays(TODAY, 1);
    expect((await sync(tomorrow)).outcome).toBe('succeeded');

    const [row] = await h.db.query<{ removed_at: Date | null }>(`SELECT removed_at FROM certificates WHERE certificate_number = $1`, [gone!.certificateNumber]);
    expect(row?.removed_at?.toISOString()).toBe(`${TODAY}T09:30:00.000Z`);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: 30 }]);
    expect(await checkpoint(h.db, DAY)).toMatchObject({ status: 'done', expected_count: 29 });

    // Applying the same deltas again changes nothing.
    await h.db.query(`DELETE FROM delta_checkpoint`);
    await sync(tomorrow);
    expect(await h.db.query(`SELECT event FROM certificate_events WHERE certificate_number = $1`, [gone!.certificateNumber])).toEqual([{ event: 'removed' }]);

    api.store.restoreCertificate(gone!.certificateNumber);
    await backfill(h.deps, { from: DAY, to: DAY, force: true });
    expect(await h.db.query(`SELECT removed_at FROM certificates WHERE certificate_number = $1`, [gone!.certificateNumber])).toEqual([{ removed_at: null }]);
    const events = await h.db.query<{ event: string }>(`SELECT event FROM certificate_events WHERE certificate_number = $1 ORDER BY id`, [gone!.certificateNumber]);
    expect(events.map((e) => e.event)).toEqual(['removed', 'reappeared']);
  });

  it('applies a UPRN correction to the row and document and keeps the old UPRN in the history', async () => {
    await sync();
    const [target] = api.store.rowsForDay(DAY).filter((r) => r.uprn !== null);
    api.store.setUprn(target!.certificateNumber, 987654321, `${TODAY}T11:00:00.000Z`);
    await sync(addDays(TODAY, 1));

    const [row] = await h.db.query<{ uprn: number; doc_uprn: string }>(
      `SELECT uprn, document->>'uprn' AS doc_uprn FROM certificates WHERE certificate_number = $1`,
      [target!.certificateNumber],
    );
    expect(row).toEqual({ uprn: 987654321, doc_uprn: '987654321' });
    expect(await h.db.query(`SELECT event, old_uprn, new_uprn FROM certificate_events WHERE certificate_number = $1`, [target!.certificateNumber])).toEqual([
      { event: 'uprn_updated', old_uprn: target!.uprn, new_uprn: 987654321 },
    ]);
  });

  it('never loses a fetched document to a later summary upsert', async () => {
    await sync();
    const before = await h.db.query(`SELECT certificate_number, document FROM certificates ORDER BY 1`);
    const summaryOnly = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, fetchDocuments: false } } };
    await backfill(summaryOnly, { from: DAY, to: DAY, force: true });
    expect(await h.db.query(`SELECT certificate_number, document FROM certificates ORDER BY 1`)).toEqual(before);
  });

  it('fills in documents for a summary-only history with the documents command', async () => {
    const summary = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, fetchDocuments: false } } };
    await backfill(summary, { from: DAY, to: DAY, force: false });
    expect(certificateRequests(api)).toHaveLength(0);
    const report = await documentsBackfill(h.deps, { from: DAY, to: DAY });
    expect(report).toMatchObject({ outcome: 'succeeded', counts: { documentsFetched: 30, daysDone: 1 } });
    expect(await h.db.query(`SELECT count(*)::int AS n FROM certificates WHERE document IS NOT NULL`)).toEqual([{ n: 30 }]);
  });

  it('a documents run heartbeats like every run, so a sync started meanwhile does not close it as abandoned', async () => {
    const summary = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, fetchDocuments: false } } };
    await backfill(summary, { from: DAY, to: DAY, force: false });
    // Leases of 1 s: a heartbeat every ~330 ms, and a run silent for 3 s counts as abandoned.
    const short = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, leaseSeconds: 1 } } };
    api.failNext({ count: 30, delayMs: 500, path: '/api/certificate' }); // several seconds of documents
    const documents = documentsBackfill(short, { from: DAY, to: DAY });
    await new Promise((r) => setTimeout(r, 3500));
    // Another process's run starts now: it closes runs whose heartbeat is older than three leases.
    await backfill({ ...short, config: { ...short.config, sync: { ...short.config.sync, fetchDocuments: false } } }, { from: DAY, to: DAY, force: false });
    expect(await h.db.query(`SELECT outcome FROM sync_runs WHERE kind = 'documents'`)).toEqual([{ outcome: 'running' }]);
    const report = await documents;
    expect(report).toMatchObject({ outcome: 'succeeded', counts: { documentsFetched: 30 } });
    expect(await h.db.query(`SELECT outcome, error FROM sync_runs WHERE kind = 'documents'`)).toEqual([{ outcome: 'succeeded', error: null }]);
  });

  it('a sync stopped while fetching documents leaves them due; status says so, and the next sync fetches them', async () => {
    api.failNext({ count: 30, delayMs: 300, path: '/api/certificate' });
    const stop = new AbortController();
    const first = syncOnce(h.deps, stop.signal, NOW);
    await waitUntil(async () => certificateRequests(api).length >= 5);
    stop.abort();
    expect((await first).outcome).toBe('interrupted');
    expect(await checkpoint(h.db, DAY)).toMatchObject({ status: 'done' });
    const stopped = await readStatus(h.db, 'domestic', { fetchDocuments: true });
    expect(stopped.documentsDue.due).toBeGreaterThan(0);
    expect(formatStatus(stopped)).toMatch(new RegExp(`documents due: ${stopped.documentsDue.due} `));

    const second = await sync();
    expect(second.outcome).toBe('succeeded');
    expect(second.counts.documentsFetched).toBe(stopped.documentsDue.due);
    expect((await readStatus(h.db, 'domestic', { fetchDocuments: true })).documentsDue).toEqual({ due: 0, overdue: 0 });
  });

  it('drains the documents backlog newest day first, and no further than SYNC_REQUEST_BUDGET', async () => {
    const older = addDays(DAY, -1);
    api.store.addCertificates(generateDay(older, 20, { seed: 22 }));
    const summary = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, fetchDocuments: false } } };
    await backfill(summary, { from: older, to: DAY, force: false });
    api.resetRequests();
    // The sync's own requests (search, lookback, deltas) come first; 10 more leave room for about one day of documents.
    const budget = { ...h.deps, config: { ...h.config, sync: { ...h.config.sync, requestBudget: 10 } } };
    expect((await syncOnce(budget, undefined, NOW)).outcome).toBe('succeeded');
    const byDay = await h.db.query<{ day: string; due: number }>(
      `SELECT registration_date::text AS day, count(*) FILTER (WHERE document_status <> 'fetched')::int AS due FROM certificates GROUP BY 1 ORDER BY 1`,
    );
    expect(byDay).toEqual([{ day: older, due: 20 }, { day: DAY, due: 0 }]);
    expect((await sync()).outcome).toBe('succeeded');
    expect((await readStatus(h.db, 'domestic', { fetchDocuments: true })).documentsDue.due).toBe(0);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
