/**
 * A mirror written by release 0.1.0 upgrades in place: its migrations are ours unchanged, and the
 * whole-row jsonb it kept for bulk rows moves into the typed columns (migrations 0008–0010) without
 * touching what the API wrote. The database is the one 0.1.0 left (test/fixtures/release-0.1.0).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrate } from '../../src/db/migrate.js';
import { TARGETS, createTestDatabase, type TestDatabase } from '../helpers/databases.js';

interface Fixture {
  migrations: Array<{ hash: string }>;
  certificates: Array<Record<string, unknown> & { certificate_number: string; source: string; bulk_row: Record<string, string> | null }>;
  sync_checkpoint: Array<Record<string, unknown>>;
  bulk_imports: Array<Record<string, unknown>>;
  sync_runs: Array<Record<string, unknown>>;
  rejected_rows: Array<Record<string, unknown>>;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/release-0.1.0/database.json', import.meta.url), 'utf8')) as Fixture;

/** Our migrations folder as release 0.1.0 shipped it: entries 0000–0007. */
function releaseMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epc-sync-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ idx: number }> };
  journal.entries = journal.entries.filter((e) => e.idx <= 7);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

async function load(db: Db, table: string, rows: Array<Record<string, unknown>>): Promise<void> {
  if (rows.length === 0) return;
  await db.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(rows)]);
}

describe.each(TARGETS)('upgrading a mirror 0.1.0 wrote, on %s', (target) => {
  let database: TestDatabase;
  let db: Db;
  let folder: string;

  beforeEach(async () => {
    database = await createTestDatabase(target, undefined, true);
    db = await openDatabase({ url: database.url, dataDir: database.dataDir }, pino({ level: 'silent' }));
    folder = releaseMigrations();
    await migrate(db, folder);
    for (const table of ['certificates', 'sync_checkpoint', 'bulk_imports', 'sync_runs', 'rejected_rows'] as const) await load(db, table, fixture[table]);
  });
  afterEach(async () => {
    await db.close();
    await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs the same migrations 0.1.0 ran, then moves every stored bulk value into its typed column', async () => {
    const applied = await db.query<{ hash: string }>(`SELECT hash FROM drizzle.__drizzle_migrations ORDER BY id`);
    expect(applied.map((m) => m.hash)).toEqual(fixture.migrations.map((m) => m.hash));

    expect((await migrate(db)).applied).toBeGreaterThanOrEqual(3);
    const columns = await db.query<{ name: string }>(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'certificates'`);
    expect(columns.map((c) => c.name)).not.toContain('bulk_row');

    const bulkRows = fixture.certificates.filter((c) => c.bulk_row);
    expect(bulkRows.length).toBeGreaterThan(40);
    const stored = new Map(
      (await db.query<Record<string, unknown> & { certificate_number: string }>(
        `SELECT certificate_number, address_line1, source, total_floor_area, heating_cost_current, number_habitable_rooms, inspection_date::text AS inspection_date,
                lodgement_datetime, walls_description, floor_energy_eff, region, potential_energy_rating, bulk_extra
         FROM certificates`,
      )).map((r) => [r.certificate_number, r]),
    );
    expect(stored.size).toBe(fixture.certificates.length);
    for (const before of bulkRows) {
      const row = before.bulk_row!;
      const [d, m, y] = row.INSPECTION_DATE!.split('/');
      expect(stored.get(before.certificate_number), before.certificate_number).toEqual({
        certificate_number: before.certificate_number,
        // What the API wrote stays as it was: the file never overwrote a search row of the API.
        address_line1: before.address_line1,
        source: before.source,
        total_floor_area: Number(row.TOTAL_FLOOR_AREA),
        heating_cost_current: Number(row.HEATING_COST_CURRENT),
        number_habitable_rooms: Number(row.NUMBER_HABITABLE_ROOMS),
        inspection_date: `${y}-${m}-${d}`,
        lodgement_datetime: new Date(`${row.LODGEMENT_DATE!.split('/').reverse().join('-')}T00:00:00Z`),
        walls_description: row.WALLS_DESCRIPTION,
        floor_energy_eff: row.FLOOR_ENERGY_EFF,
        region: row.REGION,
        potential_energy_rating: row.POTENTIAL_ENERGY_RATING!.toUpperCase(),
        // The older header's repeated names held the same values: nothing left over.
        bulk_extra: null,
      });
    }
    // Rows the API alone wrote have no file values.
    const apiOnly = fixture.certificates.find((c) => !c.bulk_row)!;
    expect(stored.get(apiOnly.certificate_number)).toMatchObject({ total_floor_area: null, walls_description: null });
    // The documents backlog: what the API walk stored without a document is owed one; what the file seeded is not.
    const owed = await db.query<{ certificate_number: string; document_status: string | null }>(`SELECT certificate_number, document_status FROM certificates`);
    for (const row of owed) {
      const before = fixture.certificates.find((c) => c.certificate_number === row.certificate_number)!;
      expect(row.document_status).toBe(before.source === 'api' && before.document_status === null ? 'due' : before.document_status);
    }
    expect(owed.some((r) => r.document_status === 'due')).toBe(true);
    // The day checkpoint and the import history are as they were.
    expect(await db.query(`SELECT day::text, status, source, stored_count FROM sync_checkpoint ORDER BY day`)).toEqual(
      fixture.sync_checkpoint.map((s) => ({ day: s.day, status: s.status, source: s.source, stored_count: s.stored_count })),
    );
    expect(await db.query(`SELECT status, rows_imported FROM bulk_imports`)).toEqual([{ status: 'succeeded', rows_imported: fixture.bulk_imports[0]!.rows_imported }]);
    // certificate_details shows the bulk values.
    const [detail] = await db.query(`SELECT total_floor_area, built_form, walls_description FROM certificate_details WHERE certificate_number = $1`, [bulkRows[0]!.certificate_number]);
    expect(detail).toEqual({ total_floor_area: Number(bulkRows[0]!.bulk_row!.TOTAL_FLOOR_AREA), built_form: bulkRows[0]!.bulk_row!.BUILT_FORM, walls_description: bulkRows[0]!.bulk_row!.WALLS_DESCRIPTION });
  });

  it('keeps what no typed column can hold: values it cannot read and columns it does not know', async () => {
    // 0.1.0 stored whatever a file held: a column it did not know, a number column with text in it.
    const [first] = fixture.certificates.filter((c) => c.bulk_row);
    await db.query(`UPDATE certificates SET bulk_row = bulk_row || $2::jsonb WHERE certificate_number = $1`, [
      first!.certificate_number,
      JSON.stringify({ TOTAL_FLOOR_AREA: 'about 60', HEAT_PUMP_FLAG: 'Y', FLOOR_HEIGHT: 'NO DATA!', MAINHEATC_ENV_EFF__2: 'Poor' }),
    ]);
    await migrate(db);
    const [row] = await db.query(`SELECT total_floor_area, floor_height, mainheatc_env_eff, bulk_extra FROM certificates WHERE certificate_number = $1`, [first!.certificate_number]);
    expect(row).toEqual({
      total_floor_area: null,
      floor_height: null,
      mainheatc_env_eff: first!.bulk_row!.MAINHEATC_ENV_EFF,
      bulk_extra: { total_floor_area: 'about 60', heat_pump_flag: 'Y', mainheatc_env_eff__2: 'Poor' },
    });
  });
});
