/**
 * `npm run demo`: epc-sync at work in under a minute, without a token or a database server. The
 * project's fake EPB API (test/fake-api) runs in this process on loopback; the tool's own code, run
 * in-process as the CLI would, seeds an embedded database in ./data/demo from the bulk file, syncs the
 * week since through the API (a busy day included), fetches one day's documents, and prints `status`.
 * The database is wiped and built again at every run; nothing outside this checkout is read.
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config/load.js';
import { openContext, type Context } from '../src/context.js';
import { addDays, newestQueryableDay } from '../src/days.js';
import { lockHolder } from '../src/db/lockfile.js';
import { formatStatus, readStatus } from '../src/ops/status.js';
import { indent, n, quietLogger, seconds, timed, type Write } from './demo/output.js';
import { DEMO_REGISTER, dayCheck, depsOf, fetchDocuments, oneDetail, searchesByFilter, seedEmptyMirror, syncDays } from './demo/steps.js';
import { DEMO_PAGE_SIZE, startDemoWorld } from './demo/world.js';

/** A file the demo leaves in its directory: the only kind of non-empty directory it will wipe. */
const MARKER = '.epc-sync-demo';

export interface DemoOptions {
  /** The demo's database directory (default ./data/demo in the working directory). */
  dataDir?: string;
  write?: Write;
}

/** Runs the demo; resolves to the exit code. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const say = (line = '') => write(`${line}\n`);
  const dataDir = resolve(options.dataDir ?? 'data/demo');
  const shown = relative(process.cwd(), dataDir).startsWith('..') ? dataDir : `./${relative(process.cwd(), dataDir)}`;
  const started = Date.now();
  const now = new Date();
  // The fake's "today" is the day after the newest day the tool asks for, whatever the clock's zone.
  const today = addDays(newestQueryableDay(now, 'Europe/London'), 1);

  freshDirectory(dataDir);
  const world = await startDemoWorld(today);
  let ctx: Context | null = null;
  let code = 0;
  try {
    // Only these settings: the caller's DATABASE_URL, token or .env must never point the demo elsewhere.
    const env = {
      EPC_API_TOKEN: world.api.token,
      EPC_API_BASE_URL: world.api.url,
      EPC_DATA_DIR: dataDir,
      EPC_REQUESTS_PER_SECOND: '500',
      EPC_PAGE_SIZE: String(DEMO_PAGE_SIZE),
      SYNC_START_DATE: world.bulk.from,
      SYNC_SEED: 'bulk',
      SYNC_REVERIFY_DAYS: '0',
      FETCH_DOCUMENTS: 'false',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig(env, { requireToken: true, now });
    // openContext makes the directory; the marker says it is the demo's to wipe next time.
    const opened = await openContext(config, quietLogger(write), { api: true });
    ctx = opened;
    writeFileSync(join(dataDir, MARKER), 'made by npm run demo; wiped at its next run\n');
    const deps = depsOf(opened);
    say('epc-sync demo: no token, no database server, no network.');
    say(`  A fake EPB Data API on ${world.api.url} serves ${n(world.bulk.certificates + world.recent.certificates)} certificates lodged ${world.bulk.from} to ${world.recent.to}.`);
    say(`  The database is embedded PostgreSQL (PGlite) in ${shown}, wiped at the start of every demo.`);

    say();
    say('1. Seed the empty mirror from the monthly bulk file  (the first sync does this: SYNC_SEED=bulk)');
    const [seed, seedMs] = await timed(() => seedEmptyMirror(deps, now));
    const r = seed.report;
    say(`   downloaded ${seed.file} (${n(Math.round(seed.bytes / 1024))} kB) and imported ${n(r.rowsImported)} certificates and ${n(r.recommendationsImported)} recommendations in ${seconds(seedMs)}`);
    say(`   ${r.daysHandedOver} days (${world.bulk.from} to ${r.cutoffDay}) handed to the checkpoint as done: the sync goes on from the day after`);

    say();
    say('2. Sync the days since through the API  (epc-sync sync, what the daemon runs nightly)');
    world.api.resetRequests();
    const [sync, syncMs] = await timed(() => syncDays(deps, now));
    say(`   run #${sync.runId} ${sync.outcome}: ${sync.counts.daysDone} days done, ${sync.counts.daysIncomplete} incomplete, ${n(sync.counts.rowsUpserted)} certificates stored, ${n(sync.counts.requests)} requests in ${seconds(syncMs)}`);
    const busy = await dayCheck(deps, world.busy.day);
    const by = [...searchesByFilter(world.api.requests, world.busy.day)].map(([kind, count]) => `${count} ${kind}`).join(', ');
    say(`   busy day ${world.busy.day}: ${n(world.busy.certificates)} certificates, all in ${world.busy.council}, ${n(world.busy.withoutBand)} with no energy band;`);
    say(`     pages of ${DEMO_PAGE_SIZE} overlap (the API orders tied rows differently on each page), so paging alone misses rows`);
    say(`     ${busy.requests} requests (${by}), then stored ${n(busy.stored ?? 0)} = API total ${n(busy.expected ?? 0)}: ${busy.status === 'done' && busy.stored === busy.expected ? 'exact' : `NOT exact (${busy.status})`}`);
    if (sync.outcome !== 'succeeded' || busy.status !== 'done' || busy.stored !== busy.expected) code = 1;

    const day = world.recent.to;
    say();
    say(`3. Fetch full documents for one day  (epc-sync documents --from ${day} --to ${day})`);
    const [docs, docsMs] = await timed(() => fetchDocuments(deps, day));
    say(`   ${n(docs.counts.documentsFetched)} documents fetched in ${seconds(docsMs)}, one request each; one of them, from the certificate_details view:`);
    const detail = await oneDetail(deps, day);
    if (!detail || docs.outcome !== 'succeeded') code = 1;
    if (detail) {
      const d = detail;
      say(`     ${d.certificate_number}  ${oneLine(d.address_line1)}, ${oneLine(d.post_town)} ${d.postcode ?? ''}  (${d.schema_type ?? '-'})`);
      say(`     band ${d.current_energy_rating ?? '-'}, ${d.total_floor_area ?? '-'} m², heating £${Math.round(d.heating_cost_current ?? 0)} a year, CO2 ${d.co2_emissions_current ?? '-'} t a year`);
      say(`     walls: ${oneLine(d.walls_description)}; heating: ${oneLine(d.mainheat_description)}`);
    }
    say();
    say('4. Status  (epc-sync status)');
    const status = await readStatus(opened.db, DEMO_REGISTER, { fetchDocuments: config.sync.fetchDocuments });
    say(indent(formatStatus(status), '  '));

    say();
    say(`Demo ${code === 0 ? 'finished' : 'FAILED'} in ${seconds(Date.now() - started)}. Try next:`);
    say(`  EPC_DATA_DIR=${shown} npx epc-sync status`);
    say(`  EPC_DATA_DIR=${shown} npx epc-sync sql "SELECT registration_date, count(*) FROM certificates GROUP BY 1 ORDER BY 1 DESC LIMIT 5"`);
    say(`  EPC_DATA_DIR=${shown} npx epc-sync sql "SELECT * FROM certificate_details WHERE document_status = 'fetched' LIMIT 1"`);
    say('  The real first run: cp config/.env.example .env, set EPC_API_TOKEN (the 64-character token from "My account" on');
    say('  the EPB data service), then npm start. Its first sync seeds from the real bulk file (2.9 GB zipped), then walks the');
    say('  days since and fetches each new certificate\'s document (FETCH_DOCUMENTS, on by default; the demo fetched one day\'s).');
    say('  README: "Quick start", "Seeding the history from the bulk file", "Inspecting the data with SQL".');
  } finally {
    await ctx?.close();
    await world.api.close();
  }
  return code;
}

const oneLine = (text: string | null) => (text ?? '-').replace(/\s+/g, ' ').trim();

/**
 * Empties the demo's directory. Refuses one that holds anything but an earlier demo's files, or that
 * a running epc-sync has open (`epc-sync.lock` names a live process).
 */
function freshDirectory(dir: string): void {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return;
  // ./data/demo without the marker: an older demo's, which left none.
  if (!existsSync(join(dir, MARKER)) && dir !== resolve('data/demo')) {
    throw new Error(`${dir} holds files the demo did not make; give the demo an empty or new directory`);
  }
  const pid = lockHolder(dir);
  if (pid !== null) {
    throw new Error(`process ${pid} has the demo's database in ${dir} open (epc-sync sql or status?); stop it, then run the demo again`);
  }
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runDemo().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`demo failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
