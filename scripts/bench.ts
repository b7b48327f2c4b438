/**
 * `npm run bench`: how fast epc-sync moves rows, next to the machine's own ceiling measured in the same
 * run (plain COPY of the same rows: the search rows into a table with the certificates' columns, the
 * bulk file's certificates CSV into as many text columns), and the disk and memory the bulk import
 * takes. Every case runs in a child process of its own, so its peak RSS is its own; the fake API and
 * the ZIP writer live here.
 * Uses PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise. BENCHMARKS.md has the figures.
 *
 *   npm run bench                       several runs per case, memory at ~100k and ~1M rows
 *   npm run bench -- --quick            tiny sizes, one run: keeps the harness working in CI
 *   npm run bench -- --runs 5 --cpu-prof
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startFakeApi } from '../test/fake-api/index.js';
import type { CaseName, CaseSpec, Sample } from './bench/cases.js';
import { FIRST_DAY, days, prepareDatabase, rowCount, spread, writeBulkZip, type Size } from './bench/data.js';

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    // Only the bulk cases (its ceiling, the import, parsing, disk): a few minutes instead of many.
    only: { type: 'string' },
  },
  strict: true,
});

const quick = opts.quick;
if (opts.only !== undefined && opts.only !== 'bulk') {
  process.stderr.write(`--only takes one value, bulk (got ${JSON.stringify(opts.only)})\n`);
  process.exit(2);
}
const bulkOnly = opts.only === 'bulk';
const runs = Number(opts.runs ?? (quick ? 1 : 3));
// The API pipeline: consecutive days from FIRST_DAY, as a backfill walks them.
const timed: Size = quick ? { days: 3, perDay: 300 } : { days: 21, perDay: 4700 };
// The bulk import: ~250,000 certificates on days spread over 2019–2026 (one ZIP entry per year).
const bulkTimed: Size = quick ? spread(4, 300) : spread(63, 4700);
// Memory at two sizes of history, ten times apart: the peak must not follow the size.
const memorySizes: Size[] = quick ? [{ days: 2, perDay: 300 }, { days: 4, perDay: 300 }] : [{ days: 23, perDay: 4700 }, { days: 230, perDay: 4700 }];
const bulkMemorySizes: Size[] = quick ? [spread(2, 300), spread(4, 300)] : [spread(25, 4700), spread(250, 4700)];
const MEMORY_CEILING_MB = 300;
const work = mkdtempSync(join(tmpdir(), 'epc-bench-run-'));
const log = (line: string) => process.stderr.write(`${line}\n`);

// The cases run compiled, as users run the tool (see scripts/bench/child.ts).
const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.bench.json')], { stdio: 'inherit' });
const childScript = join(root, '.bench/dist/scripts/bench/child.js');
// The compiled sources find config/ and drizzle/ two folders up, as they do from dist/; the compiled
// fake API finds its fixtures (test/fixtures) beside itself.
for (const folder of ['config', 'drizzle', 'test/fixtures']) {
  if (!existsSync(join(root, '.bench/dist', folder))) symlinkSync(join(root, folder), join(root, '.bench/dist', folder));
}
// EPC_FAKE_SAMPLE, when set, still picks another sample file for the generator.
const childEnv = { ...process.env };

/** Runs one case on a fresh database in a child process (asynchronously: the fake API here keeps serving). */
async function child(spec: Omit<CaseSpec, 'env'>): Promise<Sample> {
  const database = await prepareDatabase();
  try {
    return await spawnCase({ ...spec, env: database.env });
  } finally {
    await database.drop();
  }
}

function spawnCase(spec: CaseSpec): Promise<Sample> {
  const prof = opts['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${join(process.cwd(), 'bench-profiles')}`] : [];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...prof, childScript, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
    proc.on('exit', (code) => {
      if (code !== 0) reject(new Error(`benchmark case ${spec.name} failed (exit ${code}):\n${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Sample);
    });
  });
}

/** The sync case against a fake API serving `size`, with no rate limit; also counts its pages. */
async function syncCase(size: Size): Promise<Sample & { pages: number }> {
  const api = await startFakeApi({ rateLimit: false, today: () => '2027-01-01', seed: 1, cacheTtlMs: 0 });
  try {
    for (const rows of days(size)) api.store.addCertificates(rows);
    const sample = await child({ name: 'sync', size, url: api.url });
    return { ...sample, pages: api.requests.filter((r) => r.status === 200).length };
  } finally {
    await api.close();
  }
}

async function zipFor(size: Size): Promise<{ path: string; certificates: number; recommendations: number; years: string[] }> {
  const path = join(work, `bulk-${size.days}x${size.perDay}.zip`);
  return { path, ...(await writeBulkZip(size, path)) };
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0]!, median: s[Math.floor(s.length / 2)]!, max: s.at(-1)! };
};
const num = (x: number, digits = 0) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmt = (x: { min: number; median: number; max: number }, digits = 0) => `${num(x.min, digits)} / ${num(x.median, digits)} / ${num(x.max, digits)}`;
const rate = (s: Sample) => s.rows / s.seconds;
const ratio = (a: number[], b: number[]) => stats(a.map((x, i) => x / b[i]!));

try {
  const target = process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite';
  log(`epc-sync benchmark on ${target}: ${timed.days} days from ${FIRST_DAY}, ${rowCount(timed)} rows, ${runs} run(s) per case`);
  const zip = await zipFor(bulkTimed);
  const zipBytes = statSync(zip.path).size;
  log(`bulk ZIP: ${zip.certificates} certificates, ${zip.recommendations} recommendations, years ${zip.years.join(' ')}, ${(zipBytes / 1e6).toFixed(1)} MB`);
  const samples: Record<Exclude<CaseName, 'idle' | 'parse'>, Sample[]> = { 'copy-search': [], 'copy-search-keyed': [], 'copy-search-indexed': [], 'copy-bulk': [], sync: [], bulk: [] };
  const pagesPerSecond: number[] = [];
  // Interleaved, so drift on a shared machine touches every case alike; ratios are taken within a round.
  for (let round = 1; round <= runs; round += 1) {
    if (!bulkOnly) {
      samples['copy-search'].push(await child({ name: 'copy-search', size: timed }));
      samples['copy-search-keyed'].push(await child({ name: 'copy-search-keyed', size: timed }));
      samples['copy-search-indexed'].push(await child({ name: 'copy-search-indexed', size: timed }));
      const sync = await syncCase(timed);
      samples.sync.push(sync);
      pagesPerSecond.push(sync.pages / sync.seconds);
    }
    samples['copy-bulk'].push(await child({ name: 'copy-bulk', size: bulkTimed, zip: zip.path }));
    samples.bulk.push(await child({ name: 'bulk', size: bulkTimed, zip: zip.path }));
    for (const c of ['copy-bulk', 'bulk'] as const) {
      if (samples[c].at(-1)!.rows !== zip.certificates) throw new Error(`${c} stored ${samples[c].at(-1)!.rows} certificates of the file's ${zip.certificates}`);
    }
    if (samples.bulk.at(-1)!.recommendations !== zip.recommendations) throw new Error(`bulk stored ${samples.bulk.at(-1)!.recommendations} recommendations of the file's ${zip.recommendations}`);
    log(`round ${round}: ${(bulkOnly ? ['copy-bulk', 'bulk'] as const : ['copy-search', 'copy-search-keyed', 'copy-search-indexed', 'sync', 'copy-bulk', 'bulk'] as const).map((c) => `${c} ${Math.round(rate(samples[c].at(-1)!))} rows/s`).join(', ')} ` +
      `(bulk ${samples.bulk.at(-1)!.seconds.toFixed(1)} s, ceiling ${samples['copy-bulk'].at(-1)!.seconds.toFixed(1)} s)`);
  }
  const r = (c: keyof typeof samples) => samples[c].map(rate);
  /** The API pipeline's rows of the table (not with --only bulk). */
  const searchLines = () => {
    const syncRatio = ratio(r('sync'), r('copy-search'));
    const syncIndexedRatio = ratio(r('sync'), r('copy-search-indexed'));
    return [
      `| 1a. COPY ceiling, search rows (13 typed columns, no indexes) | ${fmt(stats(r('copy-search')))} | 1 | |`,
      `| 1a'. COPY of the same rows into a table with only the certificates' primary key | ${fmt(stats(r('copy-search-keyed')))} | ${fmt(ratio(r('copy-search-keyed'), r('copy-search')), 2)} | |`,
      `| 1a''. COPY of the same rows into a table with the certificates' key and indexes | ${fmt(stats(r('copy-search-indexed')))} | ${fmt(ratio(r('copy-search-indexed'), r('copy-search')), 2)} | |`,
      `| 2. API pipeline (fake API, no rate limit) | ${fmt(stats(r('sync')))} (pages/s ${fmt(stats(pagesPerSecond), 1)}) | ${fmt(syncRatio, 2)} (to 1a'': ${fmt(syncIndexedRatio, 2)}) | >= 0.5 |`,
    ];
  };
  const bulkRatio = ratio(r('bulk'), r('copy-bulk'));
  const recommendationsPerSecond = stats(samples.bulk.map((s) => s.recommendations! / s.seconds));
  const lines = [
    `Target: ${target}; API pipeline: ${num(rowCount(timed))} rows over ${timed.days} days; bulk: ${num(zip.certificates)} certificates and ${num(zip.recommendations)} recommendations ` +
      `on ${bulkTimed.days} days of ${zip.years[0]}–${zip.years.at(-1)} (${zip.years.length} years, ZIP ${(zipBytes / 1e6).toFixed(1)} MB); ${runs} run(s); figures are min / median / max.`,
    '',
    '| case | rows/s | ratio to its COPY ceiling | target |',
    '|---|---|---|---|',
    ...(bulkOnly ? [] : searchLines()),
    `| 1b. COPY ceiling, bulk: the ZIP's certificates CSV (FORMAT csv) into 93 text columns + primary key | ${fmt(stats(r('copy-bulk')))} certificates/s | 1 | |`,
    `| 3. bulk import: the ZIP to indexed typed certificates and their recommendations | ${fmt(stats(r('bulk')))} certificates/s (+ ${fmt(recommendationsPerSecond)} recommendations/s) | ${fmt(bulkRatio, 2)} | >= 0.5 |`,
  ];

  // Where the import's time goes: the import whole, the ceiling, and the parsing stage alone, without
  // a database (once: it does not depend on the database).
  const parse = await spawnCase({ name: 'parse', size: bulkTimed, zip: zip.path, env: {} });
  lines.push(
    '',
    `Bulk import, seconds (min / median / max): ${fmt(stats(samples.bulk.map((s) => s.seconds)), 1)}; ` +
      `the ceiling's COPY ${fmt(stats(samples['copy-bulk'].map((s) => s.seconds)), 1)}. ` +
      `The parsing stage alone (the worker's work, no database, one run): ${num(parse.seconds, 1)} s.`,
  );

  // Disk after the import: the certificates table with its indexes and TOAST, per certificate; the
  // recommendations apart, per recommendation. The same in every round (fresh database), so the median round's breakdown.
  const perCertificate = samples.bulk.map((s) => s.disk!.total / s.rows);
  const perRecommendation = samples.bulk.map((s) => s.disk!.recommendations! / s.recommendations!);
  const ceilingPerRow = samples['copy-bulk'].map((s) => s.disk!.total / s.rows);
  const median = samples.bulk[samples.bulk.map((s) => s.disk!.total).indexOf(stats(samples.bulk.map((s) => s.disk!.total)).median)]!;
  const per = (bytes: number) => Math.round(bytes / median.rows);
  lines.push(
    '',
    '| disk after the import (pg_total_relation_size) | bytes per row | target |',
    '|---|---|---|',
    `| certificates: table, TOAST and indexes, per certificate | ${fmt(stats(perCertificate))} | <= 800 |`,
    `| of which the table's own pages (TOAST ${per(median.disk!.toast)}) / indexes | ${per(median.disk!.table)} / ${per(median.disk!.total - median.disk!.table)} ` +
      `(${Object.entries(median.disk!.indexes).map(([name, bytes]) => `${name} ${per(bytes)}`).join(', ')}) | |`,
    `| recommendations: table and primary key, per recommendation | ${fmt(stats(perRecommendation))} | (reported) |`,
    // The texts the term columns refer to, stored once: what the certificates' ids cost besides themselves.
    `| the term dictionary (epc_terms and its indexes), per certificate | ${(median.disk!.terms! / median.rows).toFixed(1)} | |`,
    `| for comparison, 1b's table (93 text columns + primary key), per certificate | ${fmt(stats(ceilingPerRow))} | |`,
  );

  if (bulkOnly) {
    process.stdout.write(`${lines.join('\n')}\n`);
    rmSync(work, { recursive: true, force: true });
    process.exit(0);
  }
  const idle = (await child({ name: 'idle', size: timed })).maxRssMb;
  const memory: Record<string, number[]> = { sync: [], bulk: [] };
  const memoryRows: Record<string, number[]> = { sync: memorySizes.map(rowCount), bulk: [] };
  for (const [i, size] of memorySizes.entries()) {
    memory.sync!.push((await syncCase(size)).maxRssMb);
    const big = await zipFor(bulkMemorySizes[i]!);
    const sample = await child({ name: 'bulk', size: bulkMemorySizes[i]!, zip: big.path });
    if (sample.rows !== big.certificates) throw new Error(`bulk stored ${sample.rows} certificates of the file's ${big.certificates}`);
    memory.bulk!.push(sample.maxRssMb);
    memoryRows.bulk!.push(big.certificates);
    rmSync(big.path, { force: true });
    log(`memory: sync at ${rowCount(size)} rows ${memory.sync!.at(-1)} MB; bulk at ${big.certificates} certificates (+ ${big.recommendations} recommendations) ${memory.bulk!.at(-1)} MB ` +
      `(${Math.round(sample.rows / sample.seconds)} certificates/s)`);
  }
  lines.push('', '| peak RSS (MB) | smaller history | ten times larger | target |', '|---|---|---|---|');
  const unit = { sync: 'rows', bulk: 'certificates' } as const;
  for (const name of ['sync', 'bulk'] as const) {
    lines.push(`| ${name} | ${memory[name]!.map((mb, i) => `${mb} (${num(memoryRows[name]![i]!)} ${unit[name]})`).join(' | ')} | <= ${MEMORY_CEILING_MB} |`);
  }
  lines.push(`| idle: the process with its database open, no work | ${idle} | | |`);
  // The one figure the harness enforces (at every size, --quick included): memory is a ceiling, not a
  // trend. Enforced with a server, where the process is epc-sync alone; with PGlite the process also
  // holds the database engine (its shared buffers and WASM heap: the idle row), reported, not judged.
  const over = Object.entries(memory).filter(([, mb]) => mb.some((m) => m > MEMORY_CEILING_MB));
  if (over.length > 0 && process.env.DATABASE_URL) {
    process.exitCode = 1;
    log(`peak RSS over ${MEMORY_CEILING_MB} MB: ${over.map(([name, mb]) => `${name} ${mb.join(' / ')} MB`).join(', ')}`);
  }

  // The whole register from the measured rates: 28 million certificates and 108 million recommendations.
  const FULL = { certificates: 28e6, recommendations: 108e6 };
  const hoursAt = (certificatesPerSecond: number) => num(FULL.certificates / certificatesPerSecond / 3600, 2);
  const bulkRate = stats(r('bulk'));
  const diskGb = (FULL.certificates * stats(perCertificate).median + FULL.recommendations * stats(perRecommendation).median) / 1e9;
  lines.push(
    '',
    `Full register (${FULL.certificates / 1e6}M certificates, ${FULL.recommendations / 1e6}M recommendations; this file has ` +
      `${(zip.recommendations / zip.certificates).toFixed(2)} recommendations per certificate, the register ${(FULL.recommendations / FULL.certificates).toFixed(2)}) at the measured rates: ` +
      `import ${hoursAt(bulkRate.median)} h (${hoursAt(bulkRate.max)}–${hoursAt(bulkRate.min)} h), ` +
      `against ${hoursAt(stats(r('copy-bulk')).median)} h for the ceiling's COPY of the certificates alone; ` +
      `disk ${num(diskGb, 1)} GB (certificates ${num((FULL.certificates * stats(perCertificate).median) / 1e9, 1)} GB, ` +
      `recommendations ${num((FULL.recommendations * stats(perRecommendation).median) / 1e9, 1)} GB). Linear in the rows: the measured tables and indexes fit in memory, the whole register's would not.`,
  );

  // What the API's own limit means for a whole summary history, from the requests this run made.
  const requestsPerDay = stats(samples.sync.map((s) => (s.requests ?? 0) / timed.days)).median;
  const rps = Number(process.env.EPC_REQUESTS_PER_SECOND ?? 15);
  const hours = (6600 * requestsPerDay) / rps / 3600;
  const pipelineHours = (6600 * (rowCount(timed) / timed.days)) / stats(r('sync')).median / 3600;
  lines.push(
    '',
    `Rate-limited reality: ${requestsPerDay.toFixed(2)} search requests per day measured (busy days need more than one page and a band split). ` +
      `6,600 days at ${rps} requests/s take ${hours.toFixed(1)} h of API time, against ${pipelineHours.toFixed(2)} h of pipeline time for the same rows: ` +
      `the API's limit, not epc-sync, sets the pace. Documents add one request per certificate (~27M): ~${Math.round(27e6 / rps / 86400)} days at ${rps}/s, ` +
      'which is why the history comes from the bulk file.',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
