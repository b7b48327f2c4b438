/**
 * The first run as a new user meets it, through the command line: `npm start` on an empty mirror
 * seeds from the bulk file and walks only the days after it; a first run that failed (a wrong token)
 * never pins the start, so a later SYNC_START_DATE is walked from exactly that day.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDays, eachDay, generateDay, londonToday, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { logLines, runCli, startCli } from '../helpers/cli.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { fakeEnv } from '../helpers/harness.js';
import { searchRequests } from '../helpers/queries.js';

const operatorLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('epc-sync: '));
const walkedDays = (api: FakeApi) => [...new Set(searchRequests(api).filter((r) => r.pageSize !== 1).map((r) => r.day!))].sort();

describe.each(TARGETS)('the first run through the command line on %s', (target) => {
  // The CLI reads the real clock: the fake's "today" is London's.
  const today = londonToday();
  const yesterday = addDays(today, -1);
  let api: FakeApi;
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase(target);
    api = await startFakeApi({ rateLimit: false, seed: 12 });
  });
  afterEach(async () => {
    await api.close();
    await database.drop();
  });

  const checkpointDays = async () => {
    const db = await database.open();
    try {
      return await db.query<{ first: string | null; days: number; pending: number }>(
        `SELECT min(day)::text AS first, count(*)::int AS days, count(*) FILTER (WHERE status = 'pending')::int AS pending FROM sync_checkpoint`,
      );
    } finally {
      await db.close();
    }
  };

  it.each(['api', 'bulk'])('SYNC_SEED=%s: a first run with a refused token, then a later SYNC_START_DATE walks only from that date', async (seed) => {
    const start = addDays(today, -3);
    for (const day of eachDay(start, yesterday)) api.store.addCertificates(generateDay(day, 20, { seed: 4 }));
    const env = fakeEnv(api, database, { SYNC_SEED: seed });

    const refused = await runCli(['sync'], { ...env, EPC_API_TOKEN: 'W'.repeat(64) });
    expect(refused.code, refused.stderr).toBe(2);
    expect(operatorLines(refused.stderr)).toEqual([expect.stringMatching(/EPC_API_TOKEN/)]);
    // What used to pin the start: a walk from SYNC_START_DATE's default leaves every day since 2007 pending
    // (the seed asks for the file first, and stops there).
    const [after] = await checkpointDays();
    if (seed === 'api') expect(after).toMatchObject({ first: '2007-08-01', pending: after!.days });
    else expect(after).toMatchObject({ first: null, days: 0 });

    api.resetRequests();
    const later = await runCli(['sync'], { ...env, SYNC_START_DATE: start });
    expect(later.code, later.stderr).toBe(0);
    expect(walkedDays(api)).toEqual([...eachDay(start, yesterday)]);
    expect(await checkpointDays()).toEqual([{ first: start, days: 3, pending: 0 }]);
    if (seed === 'api') expect(logLines(later.stderr, 'days before SYNC_START_DATE that no run had touched were dropped from the checkpoint')).toEqual([expect.objectContaining({ before: start })]);
    // No file is published: the bulk seed said so once, and walked from SYNC_START_DATE.
    else expect(logLines(later.stderr, 'no bulk file to seed from: walking every day from SYNC_START_DATE through the API instead (slow: one document request per certificate)')).toHaveLength(1);
  });

  it('SIGTERM during the seed\'s download: the daemon exits 0 with nothing half-done, and the next run resumes the download and seeds', async () => {
    const fileDays = [...eachDay(addDays(today, -12), addDays(today, -3))];
    for (const day of [...fileDays, addDays(today, -2), yesterday]) api.store.addCertificates(generateDay(day, 30, { seed: 7 }));
    const published = await api.publishBulkFile({ lastUpdated: `${addDays(today, -2)}T00:31:19.000+00:00`, rows: fileDays.flatMap((day) => api.store.rowsForDay(day)) });
    // The storage host sends the first half, then goes quiet.
    const serve = api.bulk.serve.bind(api.bulk);
    const half = Math.floor(published.zip.length / 2);
    api.bulk.serve = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': published.zip.length });
      res.write(published.zip.subarray(0, half));
    };
    const env = fakeEnv(api, database, { SYNC_SEED: 'bulk' });

    const daemon = startCli(['daemon'], env);
    await daemon.waitFor(/seeding the mirror from the monthly bulk file/);
    while (!api.requests.some((r) => r.path.startsWith('/s3/'))) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    daemon.child.kill('SIGTERM');
    const stopped = await daemon.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(logLines(stopped.stderr, 'bulk download stopped: shutting down; the next run resumes it')).toHaveLength(1);
    expect(operatorLines(stopped.stderr)).toEqual([]);
    expect(await checkpointDays()).toEqual([{ first: null, days: 0, pending: 0 }]);

    api.bulk.serve = serve;
    api.resetRequests();
    const resumed = await runCli(['sync'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The rest of the file only, from where the first download stopped.
    expect(api.requests.filter((r) => r.path.startsWith('/s3/')).map((r) => r.status)).toEqual([206]);
    expect(logLines(resumed.stderr, 'bulk import finished')).toEqual([expect.objectContaining({ outcome: 'succeeded', rowsImported: fileDays.length * 30 })]);
    expect(walkedDays(api)).toEqual([addDays(today, -2), yesterday]);
  });

  it('`npm start` on an empty mirror seeds from the bulk file, walks only the days after it, then waits for its schedule', async () => {
    const fileDays = [...eachDay(addDays(today, -20), addDays(today, -8))];
    const laterDays = [...eachDay(addDays(today, -7), yesterday)];
    for (const day of [...fileDays, ...laterDays]) api.store.addCertificates(generateDay(day, 30, { seed: 6 }));
    // Made a week ago: complete up to the day before.
    await api.publishBulkFile({ lastUpdated: `${addDays(today, -7)}T00:31:19.000+00:00`, rows: fileDays.flatMap((day) => api.store.rowsForDay(day)) });

    // `npm start` runs `epc-sync daemon` (started directly here, so the SIGTERM reaches it and not npm).
    const daemon = startCli(['daemon'], fakeEnv(api, database, { SYNC_SEED: 'bulk' }));
    await daemon.waitFor(/"msg":"scheduled; waiting for the next run"/, 120_000);
    daemon.child.kill('SIGTERM');
    const result = await daemon.done;
    expect(result.code, result.stderr).toBe(0);

    expect(logLines(result.stderr, 'bulk import finished')).toEqual([expect.objectContaining({ outcome: 'succeeded', rowsImported: fileDays.length * 30, cutoffDay: addDays(today, -8) })]);
    expect(walkedDays(api)).toEqual(laterDays);
    expect(operatorLines(result.stderr)).toEqual([]);
    const db = await database.open();
    try {
      expect(await db.query(`SELECT count(*)::int AS n FROM certificates`)).toEqual([{ n: (fileDays.length + laterDays.length) * 30 }]);
      expect(await db.query(`SELECT status, count(*)::int AS n FROM sync_checkpoint WHERE day >= $1 GROUP BY 1`, [fileDays[0]])).toEqual([{ status: 'done', n: fileDays.length + laterDays.length }]);
    } finally {
      await db.close();
    }
  });
});
