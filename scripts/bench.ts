/**
 * `npm run bench`: how fast epc-sync moves rows, next to the machine's own ceiling measured in the same
 * run (plain COPY of the same rows). Each case runs in a fresh child process so its peak RSS is its own.
 * Uses PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise.
 *
 *   npm run bench                      # full: several runs per case, two sizes for memory
 *   npm run bench -- --quick           # tiny sizes, one run: keeps the harness working in CI
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import pg from 'pg';
import { createApiClient } from '../src/api/index.js';
import { importBulkFile } from '../src/bulk/import.js';
import { loadConfig } from '../src/config/load.js';
import { addDays } from '../src/days.js';
import { toCopyCsv } from '../src/db/bulk.js';
import { openDatabase, type Db } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { backfill } from '../src/sync/commands.js';
import { FAKE_TOKEN, bulkCsv, generateDay, startFakeApi, zipOf } from '../test/fake-api/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const silent = pino({ level: 'silent' });
const FIRST_DAY = '2026-01-05';

interface Sample {
  rows: number;
  seconds: number;
  requests?: number;
  pages?: number;
  maxRssMb: number;
}

/** A fresh database per case: a new PGlite directory, or a new database on the server. */
async function freshDatabase(): Promise<{ db: Db; env: Record<string, string>; drop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'epc-bench-'));
  const admin = process.env.DATABASE_URL;
  let url: string | undefined;
  let name: string | undefined;
  if (admin) {
    name = `epc_bench_${process.pid}_${Date.now()}`;
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`CREATE DATABASE "${name}"`);
    await c.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
  }
  const db = await openDatabase({ url, dataDir }, silent);
  await migrate(db);
  return {
    db,
    env: url ? { DATABASE_URL: url } : { EPC_DATA_DIR: dataDir },
    async drop() {
      await db.close();
      if (admin && name) {
        const c = new pg.Client({ connectionString: admin });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Busy weekdays and quiet weekends, ~4,700 a day on average like the real register. */
function dayRows(days: number, perDay: number) {
  return Array.from({ length: days }, (_, i) => {
    const day = addDays(FIRST_DAY, i);
    const count = i % 7 === 5 ? Math.round(perDay / 3) : i % 7 === 6 ? Math.round(perDay / 6) : i % 7 === 1 ? Math.round(perDay * 1.4) : perDay;
    return generateDay(day, count, { seed: i });
  });
}

async function child(mode: string, days: number, perDay: number): Promise<Sample> {
  const rowsByDay = dayRows(days, perDay);
  const total = rowsByDay.reduce((n, d) => n + d.length, 0);
  const database = await freshDatabase();
  try {
    if (mode === 'copy') {
      // The ceiling: COPY of the same rows into an empty table with the certificates' columns.
      await database.db.query(`CREATE TABLE bench_copy (LIKE certificates INCLUDING DEFAULTS)`);
      const columns = ['certificate_number', 'address_line1', 'address_line2', 'address_line3', 'address_line4', 'postcode', 'post_town', 'council', 'constituency', 'current_energy_efficiency_band', 'registration_date', 'uprn', 'schema_type', 'bulk_row'];
      const started = performance.now();
      for (const rows of rowsByDay) {
        const csv = toCopyCsv(rows.map((row, i) => ({ row, full: {}, ordinal: i }))).replace(/^"?\d+"?,/gm, '');
        await database.db.copyCsv('bench_copy', columns, csv);
      }
      return { rows: total, seconds: (performance.now() - started) / 1000, maxRssMb: maxRss() };
    }
    if (mode === 'sync') {
      const api = await startFakeApi({ rateLimit: false, today: () => '2027-01-01', seed: 1 });
      for (const rows of rowsByDay) api.store.addCertificates(rows);
      const config = loadConfig({ EPC_API_TOKEN: FAKE_TOKEN, EPC_API_BASE_URL: api.url, EPC_REQUESTS_PER_SECOND: '1000', FETCH_DOCUMENTS: 'false', METRICS_PORT: '0', ...database.env }, { requireToken: true });
      const client = createApiClient(config.api, { logger: silent });
      const started = performance.now();
      const report = await backfill({ db: database.db, api: client, config, logger: silent }, { from: FIRST_DAY, to: addDays(FIRST_DAY, days - 1), force: false });
      const seconds = (performance.now() - started) / 1000;
      await client.stop();
      await api.close();
      if (report.outcome !== 'succeeded') throw new Error(`sync benchmark run ${report.outcome}`);
      const pages = api.requests.length;
      return { rows: total, seconds, requests: report.counts.requests, pages, maxRssMb: maxRss() };
    }
    if (mode === 'bulk') {
      const dir = mkdtempSync(join(tmpdir(), 'epc-bench-zip-'));
      const path = join(dir, 'domestic.zip');
      writeFileSync(path, await zipOf('certificates.csv', bulkCsv(rowsByDay.flat())));
      const config = loadConfig({ METRICS_PORT: '0', ...database.env }, { requireToken: false });
      const started = performance.now();
      const report = await importBulkFile({ db: database.db, config, logger: silent }, path, { force: false });
      const seconds = (performance.now() - started) / 1000;
      rmSync(dir, { recursive: true, force: true });
      if (report.outcome !== 'succeeded') throw new Error(`bulk benchmark run ${report.outcome}`);
      return { rows: report.rowsImported, seconds, maxRssMb: maxRss() };
    }
    throw new Error(`unknown mode ${mode}`);
  } finally {
    await database.drop();
  }
}

const maxRss = () => Math.round(process.resourceUsage().maxRSS / 1024);

function runChild(mode: string, days: number, perDay: number): Sample {
  const script = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', mode, String(days), String(perDay)], { encoding: 'utf8', env: process.env, maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${mode} benchmark failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Sample;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const fmt = (x: { min: number; median: number; max: number }, digits = 0) => `${x.min.toFixed(digits)} / ${x.median.toFixed(digits)} / ${x.max.toFixed(digits)}`;

async function main(): Promise<void> {
  const childAt = args.indexOf('--child');
  if (childAt >= 0) {
    const [mode, days, perDay] = args.slice(childAt + 1);
    process.stdout.write(`${JSON.stringify(await child(mode!, Number(days), Number(perDay)))}\n`);
    return;
  }
  const runs = quick ? 1 : 3;
  const days = quick ? 3 : 14;
  const perDay = quick ? 300 : 4700;
  const target = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
  process.stdout.write(`epc-sync benchmark on ${target}: ${days} days (~${perDay}/weekday, busy Tuesdays), ${runs} run(s) per case\n`);

  const rate = (s: Sample) => s.rows / s.seconds;
  const samples: Record<string, Sample[]> = { copy: [], sync: [], bulk: [] };
  for (let i = 0; i < runs; i += 1) for (const mode of ['copy', 'sync', 'bulk']) samples[mode]!.push(runChild(mode, days, perDay));
  const copy = stats(samples.copy!.map(rate));
  const sync = stats(samples.sync!.map(rate));
  const bulk = stats(samples.bulk!.map(rate));
  const pagesPerSecond = stats(samples.sync!.map((s) => (s.pages ?? 0) / s.seconds));
  const lines = [
    '',
    '| case | rows/s min / median / max | ratio to COPY (median) |',
    '|---|---|---|',
    `| 1. plain COPY (ceiling) | ${fmt(copy)} | 1.00 |`,
    `| 2. API pipeline (fake API, no rate limit) | ${fmt(sync)} (pages/s ${fmt(pagesPerSecond, 1)}) | ${(sync.median / copy.median).toFixed(2)} |`,
    `| 3. bulk import (ZIP in the real format) | ${fmt(bulk)} | ${(bulk.median / copy.median).toFixed(2)} |`,
  ];
  // Memory at two sizes: it must not grow with the history.
  const small = quick ? 2 : 7;
  const large = quick ? 4 : 60;
  lines.push('', '| memory (peak RSS, MB) | ' + `${small} days | ${large} days |`, '|---|---|---|');
  for (const mode of ['sync', 'bulk']) {
    const a = runChild(mode, small, perDay);
    const b = runChild(mode, large, perDay);
    lines.push(`| ${mode} | ${a.maxRssMb} (${a.rows} rows) | ${b.maxRssMb} (${b.rows} rows) |`);
  }
  // What the API's own limit means for a full summary history.
  const s = samples.sync![0]!;
  const requestsPerDay = (s.requests ?? s.pages ?? 0) / days;
  const rps = Number(process.env.EPC_REQUESTS_PER_SECOND ?? 15);
  const hours = (6600 * requestsPerDay) / rps / 3600;
  lines.push('', `Rate-limited reality: ${requestsPerDay.toFixed(1)} search requests per day measured; 6,600 days at ${rps} requests/s = ${hours.toFixed(1)} hours for the full summary history (documents add one request per certificate: ~27M requests, ~${Math.round(27e6 / rps / 86400)} days).`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
