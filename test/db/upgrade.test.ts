/**
 * A mirror written by release 0.1.0 upgrades in place: its migrations are ours unchanged, and the
 * whole-row jsonb it kept for bulk rows moves into the typed columns (migrations 0008–0010) without
 * touching what the API wrote; the texts the register repeats then become ids of `epc_terms` and the
 * recommendations one set per certificate (0016), each reading back as it was through
 * `certificates_decoded` and the `recommendations` view. The database is the one 0.1.0 left
 * (test/fixtures/release-0.1.0).
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/client.js';
import { MIGRATIONS_FOLDER, migrate } from '../../src/db/migrate.js';
import { DETAIL_COLUMNS } from '../../src/registers/index.js';
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

/** Our migrations folder up to entry `last`: 0000–0007 is what release 0.1.0 shipped. */
function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'epc-sync-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ idx: number }> };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** The columns 0016 turns into ids of `epc_terms`. */
const TERM_COLUMNS = DETAIL_COLUMNS.filter((f) => f.type === 'term').map((f) => f.column);

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
    folder = migrationsUpTo(7);
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
         FROM certificates_decoded`,
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
    // The texts are ids in the table, which decode to the file's text.
    const ids = await db.query<{ certificate_number: string; walls_description: number | null; type: string }>(
      `SELECT certificate_number, walls_description, pg_typeof(walls_description)::text AS type FROM certificates`,
    );
    for (const before of bulkRows) {
      const id = ids.find((r) => r.certificate_number === before.certificate_number)!;
      expect(id.type).toBe('integer');
      const [term] = await db.query<{ value: string }>(`SELECT value FROM epc_terms WHERE id = $1`, [id.walls_description]);
      expect(term?.value, before.certificate_number).toBe(before.bulk_row!.WALLS_DESCRIPTION);
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
    const [row] = await db.query(`SELECT total_floor_area, floor_height, mainheatc_env_eff, bulk_extra FROM certificates_decoded WHERE certificate_number = $1`, [first!.certificate_number]);
    expect(row).toEqual({
      total_floor_area: null,
      floor_height: null,
      mainheatc_env_eff: first!.bulk_row!.MAINHEATC_ENV_EFF,
      bulk_extra: { total_floor_area: 'about 60', heat_pump_flag: 'Y', mainheatc_env_eff__2: 'Poor' },
    });
  });
  it("turns the texts of a mirror's term columns into ids and its recommendations into sets, each reading back as it was", async () => {
    // A mirror as the release before the term dictionary left it, with recommendations of both shapes.
    const before0016 = migrationsUpTo(15);
    try {
      await migrate(db, before0016);
    } finally {
      rmSync(before0016, { recursive: true, force: true });
    }
    const [home, office] = fixture.certificates.filter((c) => c.bulk_row).map((c) => c.certificate_number);
    await db.query(
      `INSERT INTO recommendations (certificate_number, item, register, source, improvement_id, summary, description, indicative_cost,
                                    related_certificate_number, payback_type, recommendation_code, import_id) VALUES
         ($1, 1, 'domestic', 'bulk', '5', 'Increase loft insulation to 270 mm', 'Loft insulation laid in the loft space', '£100 - £350', NULL, NULL, NULL, 1),
         ($1, 2, 'domestic', 'bulk', NULL, 'An improvement summary', NULL, '£4,000 - £7,000', NULL, NULL, NULL, 1),
         ($1, 4, 'domestic', 'bulk', '34', 'Increase loft insulation to 270 mm', '', '2000', NULL, NULL, NULL, 1),
         ($2, 1, 'non-domestic', 'api', NULL, NULL, 'Consider installing PV.', NULL, '2100-0000-0000-0000-0002', 'SHORT', 'EPC-R4', NULL),
         ($2, 2, 'non-domestic', 'api', NULL, NULL, 'Add optimum start/stop to the heating system.', NULL, NULL, 'LONG', 'EPC-H7', NULL)`,
      [home, office],
    );
    const readRecommendations = () =>
      db.query(
        `SELECT certificate_number, item, register, source, improvement_id, summary, description, indicative_cost, related_certificate_number,
                payback_type, recommendation_code, import_id FROM recommendations ORDER BY certificate_number, item`,
      );
    const readTerms = (relation: string) =>
      db.query<Record<string, string | null>>(`SELECT certificate_number, ${TERM_COLUMNS.join(', ')} FROM ${relation} ORDER BY certificate_number`);
    const recommendationsBefore = await readRecommendations();
    const termsBefore = await readTerms('certificates');
    expect(recommendationsBefore).toHaveLength(5);
    // Not vacuous: the bulk rows hold texts in most term columns.
    const filled = TERM_COLUMNS.filter((column) => termsBefore.some((r) => r[column] !== null));
    expect(filled.length).toBeGreaterThan(30);

    // 0016, and those after it.
    expect((await migrate(db)).applied).toBe(readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length - 16);

    // Every term column of certificates holds integers now, which certificates_decoded reads as the texts they were.
    const types = await db.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'certificates' AND column_name = ANY($1)`,
      [TERM_COLUMNS],
    );
    expect(types).toHaveLength(TERM_COLUMNS.length);
    expect(new Set(types.map((t) => t.data_type))).toEqual(new Set(['integer']));
    const ids = await readTerms('certificates');
    for (const column of filled) expect(ids.some((r) => typeof r[column] === 'number'), column).toBe(true);
    expect(await readTerms('certificates_decoded')).toEqual(termsBefore);
    // Each text stored once, however many rows and columns repeat it.
    const [dictionary] = await db.query<{ terms: number; texts: number }>(`SELECT count(*)::int AS terms, count(DISTINCT value)::int AS texts FROM epc_terms`);
    expect(dictionary!.terms).toBe(dictionary!.texts);

    // The recommendations read back as they were, item numbers and all, from one set per certificate.
    expect(await readRecommendations()).toEqual(recommendationsBefore);
    const sets = await db.query<{ certificate_number: string; items: number[] }>(`SELECT certificate_number, items FROM recommendation_sets`);
    expect(Object.fromEntries(sets.map((r) => [r.certificate_number, r.items]))).toEqual({ [home!]: [1, 2, 4], [office!]: [1, 2] });
  });
});
