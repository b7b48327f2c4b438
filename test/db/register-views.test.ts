/**
 * The register views against their declarations: every column of the register's bulk file, in the
 * file's order and typed as declared (a column added to a declaration without a migration that makes
 * the view again fails here), and a certificate only the API has sent read the file's way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { DETAIL_COLUMNS, registerFile } from '../../src/registers/index.js';
import { decodedViewSql, VIEW_REGISTERS, viewName, viewSql, viewType } from '../../src/registers/views.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

// format_type's names for the declared types.
const PG_TYPE: Record<string, string> = { text: 'text', integer: 'integer', real: 'real', date: 'date', timestamptz: 'timestamp with time zone', bigint: 'bigint' };

describe('register views: the SQL', () => {
  it('the newest migration that makes each view (and certificates_decoded) holds the SQL the declarations give', () => {
    const migrations = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort();
    const views = [
      { name: 'certificates_decoded', sql: decodedViewSql() },
      ...VIEW_REGISTERS.map((register) => ({ name: viewName(register), sql: viewSql(register) })),
    ];
    for (const { name, sql } of views) {
      const makers = migrations.filter((f) => readFileSync(join(MIGRATIONS_FOLDER, f), 'utf8').includes(`CREATE VIEW ${name} AS`));
      expect(makers.length, name).toBeGreaterThan(0);
      expect(readFileSync(join(MIGRATIONS_FOLDER, makers.at(-1)!), 'utf8'), `${makers.at(-1)} (scripts/register-views.ts prints it)`).toContain(sql);
    }
  });
});

describe.each(TARGETS)('register views on %s', (target) => {
  const fresh = databasePerTest(target);

  const columnsOf = (relation: string) =>
    fresh.db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
      [relation],
    );

  it('has every column of the register file, in its order, typed as declared (a term as its text), then the report and the row state', async () => {
    expect(VIEW_REGISTERS).toEqual(['domestic', 'non-domestic', 'display']);
    for (const register of VIEW_REGISTERS) {
      const columns = await columnsOf(viewName(register));
      const fields = registerFile(register).fields;
      expect(fields.some((f) => f.type === 'term'), register).toBe(true);
      expect(columns.slice(0, fields.length), register).toEqual(fields.map((f) => ({ name: f.file, type: PG_TYPE[viewType(f.type)] })));
      expect(columns.slice(fields.length).map((c) => c.name), register).toEqual(['related_certificate_number', 'source', 'document_status', 'removed_at', 'missing_since']);
    }
  });

  it('certificates_decoded has every column of certificates, the term columns (integers there) as text', async () => {
    const terms = new Set(DETAIL_COLUMNS.filter((f) => f.type === 'term').map((f) => f.column));
    const table = await columnsOf('certificates');
    const termColumns = table.filter((c) => terms.has(c.name));
    expect(termColumns.length).toBe(terms.size);
    expect(new Set(termColumns.map((c) => c.type))).toEqual(new Set(['integer']));
    // Compared by name: the view follows the declaration's order, the table the order migrations added columns in.
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect((await columnsOf('certificates_decoded')).sort(byName)).toEqual(table.map((c) => (terms.has(c.name) ? { name: c.name, type: 'text' } : c)).sort(byName));
  });

  it('shows only its register, and reads a certificate only the API sent the file\'s way: decoded codes, Y/N, the joined address', async () => {
    const { db } = fresh;
    await db.query(
      `INSERT INTO codes (attribute, key, schema_version, assessment_type, value) VALUES
         ('transaction_type', '1', 'CEPC-8.0.0', 'CEPC', 'Mandatory issue (Marketed sale).'),
         ('transaction_type', '1', 'RdSAP-Schema-21.0.1', 'RdSAP', 'marketed sale')`,
    );
    const insert = (number: string, register: string, document: object | null, extra: Record<string, string> = {}) =>
      db.query(
        `INSERT INTO certificates (certificate_number, register, registration_date, schema_type, address_line1, address_line2, source, document, document_status, related_certificate_number, transaction_type, aircon_present)
         VALUES ($1, $2, '2025-03-04', 'CEPC-8.0.0', 'Unit 4', 'Mill Lane', $3, $4::jsonb, $5, $6, epc_term_id($7), epc_term_id($8))`,
        [number, register, extra.source ?? 'api', document && JSON.stringify(document), document ? 'fetched' : null, extra.related ?? null, extra.transaction ?? null, extra.aircon ?? null],
      );
    await insert('0000-0000-0000-0000-0001', 'non-domestic', { assessment_type: 'CEPC', transaction_type: '1' }, { related: '0000-0000-0000-0000-0009' });
    await insert('0000-0000-0000-0000-0002', 'non-domestic', { assessment_type: 'CEPC', transaction_type: '7' });
    await insert('0000-0000-0000-0000-0003', 'non-domestic', null, { source: 'bulk', transaction: 'Not sale or let.' });
    await insert('0000-0000-0000-0000-0004', 'display', { assessment_type: 'DEC', ac_questionnaire: { ac_present: 'Yes' } });
    await insert('0000-0000-0000-0000-0005', 'display', null, { source: 'bulk', aircon: 'N' });
    await insert('0000-0000-0000-0000-0006', 'domestic', { assessment_type: 'RdSAP', transaction_type: '1' });
    await insert('0000-0000-0000-0000-0007', 'domestic', null, { source: 'bulk', transaction: 'marketed sale' });

    expect(await db.query(`SELECT certificate_number, transaction_type, address, related_certificate_number, source, document_status FROM non_domestic_certificates ORDER BY 1`)).toEqual([
      { certificate_number: '0000-0000-0000-0000-0001', transaction_type: 'Mandatory issue (Marketed sale).', address: 'Unit 4, Mill Lane', related_certificate_number: '0000-0000-0000-0000-0009', source: 'api', document_status: 'fetched' },
      // A code the lookup does not know reads as sent.
      { certificate_number: '0000-0000-0000-0000-0002', transaction_type: '7', address: 'Unit 4, Mill Lane', related_certificate_number: null, source: 'api', document_status: 'fetched' },
      { certificate_number: '0000-0000-0000-0000-0003', transaction_type: 'Not sale or let.', address: 'Unit 4, Mill Lane', related_certificate_number: null, source: 'bulk', document_status: null },
    ]);
    expect(await db.query(`SELECT certificate_number, aircon_present FROM display_certificates ORDER BY 1`)).toEqual([
      { certificate_number: '0000-0000-0000-0000-0004', aircon_present: 'Y' },
      { certificate_number: '0000-0000-0000-0000-0005', aircon_present: 'N' },
    ]);
    expect(await db.query(`SELECT certificate_number, transaction_type, address, source FROM domestic_certificates ORDER BY 1`)).toEqual([
      { certificate_number: '0000-0000-0000-0000-0006', transaction_type: null, address: 'Unit 4, Mill Lane', source: 'api' },
      { certificate_number: '0000-0000-0000-0000-0007', transaction_type: 'marketed sale', address: 'Unit 4, Mill Lane', source: 'bulk' },
    ]);
  });
});
