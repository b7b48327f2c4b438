/**
 * Before any test: every temporary file and folder of the run goes into one folder of its own (the
 * test processes inherit TMPDIR, which `os.tmpdir()` reads), removed when the run ends however its
 * workers ended. And when TEST_DATABASE_URL is set (CI sets it), the suite must run against that
 * server too: if it is unreachable the whole run fails here, before any test, instead of quietly
 * testing PGlite alone.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { USUAL_CHROMIUM_PATHS, findChromium } from './chromium.js';

export default async function setup(): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'epc-sync-tests-'));
  // A throwaway PostgreSQL server runs as the postgres user and must reach its folder in here.
  chmodSync(root, 0o755);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  const teardown = () => {
    rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
  // The coverage page's browser test: a Chromium asked for (CHROMIUM_PATH, as CI sets it) must be there.
  let chromium: string | null;
  try {
    chromium = findChromium();
  } catch (error) {
    teardown();
    throw error;
  }
  if (chromium) {
    process.env.CHROMIUM_PATH = chromium;
    process.stdout.write(`Chromium at ${chromium}: the coverage page is tested in a real browser\n`);
  } else {
    process.stdout.write(`no Chromium found (${USUAL_CHROMIUM_PATHS.join(', ')}): the coverage page's browser test does not run here; install Debian's chromium or set CHROMIUM_PATH (CI does)\n`);
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    process.stdout.write('TEST_DATABASE_URL not set: database tests run on embedded PGlite only\n');
    return teardown;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    teardown();
    throw new Error(`TEST_DATABASE_URL is set but its server cannot be reached: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  process.stdout.write('TEST_DATABASE_URL reachable: database tests run on PGlite and PostgreSQL\n');
  return teardown;
}
