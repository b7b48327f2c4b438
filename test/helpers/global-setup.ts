/**
 * When TEST_DATABASE_URL is set (CI sets it), the suite must run against that server too: if it is
 * unreachable the whole run fails here, before any test, instead of quietly testing PGlite alone.
 */
import pg from 'pg';

export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    process.stdout.write('TEST_DATABASE_URL not set: database tests run on embedded PGlite only\n');
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`TEST_DATABASE_URL is set but its server cannot be reached: ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  process.stdout.write('TEST_DATABASE_URL reachable: database tests run on PGlite and PostgreSQL\n');
}
