/**
 * Times a new user's first `epc-sync sync` on an empty mirror against the fake API: the bulk seed
 * (download, import, hand-over) of a realistic file, then the walk of the days after its cut-off at
 * the default 15 requests/s. The file is the benchmark's (~250,000 certificates over 2019–2026,
 * scripts/bench/data.ts), made FRESH_DAYS ago (a user starting mid-month: the file is rebuilt on the
 * 1st), and the days since hold ~4,700 certificates each, as the register's do. Documents are off (one request per certificate: their time is
 * their count / EPC_REQUESTS_PER_SECOND, which the log reports).
 *
 *   npm run build && node --import tsx scripts/first-run.ts                  # embedded PGlite
 *   npm run build && DATABASE_URL=postgres://… node --import tsx scripts/first-run.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAKE_TOKEN, addDays, eachDay, generateDay, londonToday, startFakeApi } from '../test/fake-api/index.js';
import { BIN } from '../test/helpers/cli.js';
import { createTestDatabase } from '../test/helpers/databases.js';
import { BULK_FIRST_DAY, rowCount, rowsOnDay, writeBulkZip, type Size } from './bench/data.js';

const FRESH_DAYS = 15;
const today = londonToday();
const made = addDays(today, -FRESH_DAYS);
// The benchmark's bulk file (63 days of ~4,700 over 2019–2026), its last day the day before the file was made.
const span = Math.round((Date.parse(addDays(made, -1)) - Date.parse(BULK_FIRST_DAY)) / 86_400_000);
const size: Size = { days: 63, perDay: 4700, from: BULK_FIRST_DAY, stride: Math.floor(span / 62) };
const work = mkdtempSync(join(tmpdir(), 'epc-first-run-'));
const log = (line: string) => process.stderr.write(`${line}\n`);

const api = await startFakeApi({ seed: 1 });
const zipPath = join(work, 'domestic.zip');
const written = await writeBulkZip(size, zipPath);
api.bulk.file = { zip: readFileSync(zipPath), lastUpdated: `${made}T00:31:19.000+00:00` };
const after = [...eachDay(made, addDays(today, -1))];
let walkedRows = 0;
for (const [i, day] of after.entries()) {
  const rows = generateDay(day, rowsOnDay(day, 4700), { seed: 1000 + i });
  walkedRows += rows.length;
  api.store.addCertificates(rows);
}
log(`file: ${written.certificates} certificates (${rowCount(size)} planned), ${written.recommendations} recommendations, ${(api.bulk.file.zip.length / 1e6).toFixed(1)} MB; then ${after.length} days (${walkedRows} certificates) to walk`);

const admin = process.env.DATABASE_URL || undefined;
const database = await createTestDatabase(admin ? 'postgres' : 'pglite', admin, true);
const env = {
  PATH: process.env.PATH, HOME: process.env.HOME, EPC_API_TOKEN: FAKE_TOKEN, EPC_API_BASE_URL: api.url,
  FETCH_DOCUMENTS: 'false', METRICS_PORT: '0', LOG_LEVEL: 'info', ...database.env,
};
const started = Date.now();
const lines: Array<{ time: string; msg: string; [k: string]: unknown }> = [];
const code = await new Promise<number | null>((resolve) => {
  const child = spawn(process.execPath, [BIN, 'sync'], { env, stdio: ['ignore', 'inherit', 'pipe'] });
  let rest = '';
  child.stderr.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) if (line.startsWith('{')) lines.push(JSON.parse(line) as (typeof lines)[number]);
  });
  child.on('exit', resolve);
});
const total = (Date.now() - started) / 1000;
const at = (msg: string) => Date.parse(lines.find((l) => l.msg.startsWith(msg))?.time ?? '');
const seconds = (from: string, to: string) => ((at(to) - at(from)) / 1000).toFixed(1);
const imported = lines.find((l) => l.msg === 'bulk import finished');
const walk = lines.filter((l) => l.msg === 'run finished').at(-1);
log(`exit ${code} on ${database.target}: ${total.toFixed(1)} s in all`);
log(`  start to the seed's first line: ${((at('seeding the mirror') - started) / 1000).toFixed(1)} s (migrations, the /info request)`);
log(`  download: ${seconds('seeding the mirror', 'bulk import started')} s`);
log(`  import and hand-over: ${seconds('bulk import started', 'bulk import finished')} s (${String(imported?.rowsPerSecond)} certificates/s, ${String(imported?.daysHandedOver)} days handed over)`);
const walkSeconds = walk ? ((Date.parse(walk.time) - at('walking the days after the bulk file')) / 1000).toFixed(1) : '?';
log(`  walk of the ${after.length} days after the file at 15 requests/s, with the lookback and deltas: ${walkSeconds} s (${String(walk?.requests)} requests, outcome ${String(walk?.outcome)})`);
await api.close();
await database.drop();
rmSync(work, { recursive: true, force: true });
