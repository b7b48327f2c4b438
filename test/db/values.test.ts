/**
 * The bulk file's values read the same way in both places that read them: the parser on the import's
 * worker thread (`registers/values.ts`) and the SQL functions of migration 0009 that upgrade 0.1.0's
 * stored rows and read API documents; a term column's text both ways (the parser's TermWriter and
 * `epc_term_id`) decodes to the same text. One table of cases, both readers, every database.
 */
import { describe, expect, it } from 'vitest';
import { TermWriter } from '../../src/bulk/terms.js';
import { reserveTermIds, storeTerms } from '../../src/db/terms.js';
import { registerFile } from '../../src/registers/index.js';
import { documentValueSql, typedSql } from '../../src/registers/sql.js';
import { parseFieldValue, parseValue, UNREADABLE, type ValueType } from '../../src/registers/values.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const CASES: Record<Exclude<ValueType, 'text'>, string[]> = {
  integer: ['5', ' 12 ', '-3', '+7', '2147483647', '2147483648', '5.0', 'five', '', 'NO DATA!', 'n/a', 'INVALID!'],
  real: ['62.35', '55', '0.5', '.5', '5.', '-1.25e2', '1e39', 'about 60', 'Not recorded', '', '3,5'],
  date: ['2021-02-22', '22/02/2021', '2021-02-22 10:00:00', '22/02/2021 00:00', '2021-02-30', '31/02/2021', '02-22-2021', 'INVALID!', ''],
  timestamptz: [
    '2021-03-04 10:12:13.123456', '2021-03-04T10:12:13.000Z', '2021-03-04 10:12:13', '2021-03-04T10:12:13+01:00', '2021-03-04 10:12:13+0100',
    '2021-03-04 10:12', '2021-03-04', '22/02/2021 00:00', '2021-03-04 25:00:00', '2021-02-30 10:00', 'yesterday', 'NO DATA!', '',
  ],
  band: ['C', 'c', ' e ', 'INVALID!', 'H', 'AB', '', 'A+', 'a+', 'A++', 'B+'],
  uprn: ['100023336956', 'UPRN-000000000123', 'UPRN-000000000000', '0', '12a', 'Not recorded', ''],
  // Read as text: kept as written, sentinels and blanks included; only empty is NULL.
  term: ['Cavity wall, filled cavity', 'Good', ' Good ', 'good', 'NO DATA!', 'INVALID!', '', 'tab\there', 'back\\slash', 'Good'],
};

/** What the import parser hands to COPY for a value (null: NULL, whether empty, a sentinel or unreadable). */
function viaJs(type: Exclude<ValueType, 'text'>, raw: string): string | null {
  const v = parseValue(type, raw);
  return v === UNREADABLE ? null : v;
}

const SQL_TYPE: Record<Exclude<ValueType, 'text'>, string> = { term: 'integer', integer: 'integer', real: 'real', date: 'date', timestamptz: 'timestamptz', band: 'text', uprn: 'bigint' };
/** A term id's text (`certificates_decoded` reads it so). */
const decoded = (idExpr: string) => `(SELECT value FROM epc_terms WHERE id = (${idExpr}))`;
/** One comparable text of a typed SQL value. */
const asText = (type: Exclude<ValueType, 'text'>, expr: string) =>
  type === 'term' ? decoded(expr) : type === 'timestamptz' ? `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')` : type === 'real' ? `(${expr})::float8::text` : `(${expr})::text`;

describe.each(TARGETS)('bulk values on %s', (target) => {
  const fresh = databasePerTest(target);

  it('the SQL functions read every case as the import parser does, and the database takes what the parser writes', async () => {
    const { db } = fresh;
    for (const [type, values] of Object.entries(CASES) as Array<[Exclude<ValueType, 'text'>, string[]]>) {
      // What COPY makes of the parser's text (the same input cast), against the SQL reader on the raw value.
      const written = type === 'term' ? await viaTermWriter(values) : values.map((raw) => viaJs(type, raw));
      const rows = await db.query<{ copied: string | null; sql: string | null }>(
        `SELECT ${asText(type, `j::${SQL_TYPE[type]}`)} AS copied, ${asText(type, typedSql(type, 'x'))} AS sql
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(x, j, n) ORDER BY n`,
        [values, written],
      );
      expect(rows.map((r) => r.copied), type).toEqual(rows.map((r) => r.sql));
      // Not vacuous: every type has values that read and values that do not.
      expect(rows.some((r) => r.sql !== null) && rows.some((r) => r.sql === null), type).toBe(true);
    }
    // A term keeps its text as written (case and blanks too), stored once: the SQL writer finds the parser's.
    const terms = await db.query<{ value: string }>(`SELECT value FROM epc_terms`);
    expect(terms.map((t) => t.value).sort()).toEqual([...new Set(CASES.term.filter((v) => v !== ''))].sort());
  });

  /** A term as the bulk parser writes it: the id its TermWriter gives, the new terms stored by COPY first. */
  async function viaTermWriter(values: readonly string[]): Promise<Array<string | null>> {
    const terms = new TermWriter({ known: [], first: await reserveTermIds(fresh.db, 100), size: 100 });
    const ids = values.map((raw) => {
      const text = viaJs('term', raw);
      return text === null ? null : terms.id(text);
    });
    await storeTerms(fresh.db, new TextEncoder().encode(terms.takeNew()));
    return ids;
  }

  it('reads a display rating of 9999 as unknown in the file and in a document alike, and only in the columns that declare it', async () => {
    const field = registerFile('display').fields.find((f) => f.file === 'current_operational_rating')!;
    const values = ['9999', ' 9999 ', '85', '-3', 'NO DATA!', ''];
    const js = values.map((raw) => parseFieldValue(field, raw));
    expect(js).toEqual([null, null, '85', '-3', null, null]);
    const rows = await fresh.db.query<{ v: number | null }>(
      `SELECT ${documentValueSql(field, `jsonb_build_object('this_assessment', jsonb_build_object('energy_rating', x))`)} AS v
       FROM unnest($1::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n`,
      [values],
    );
    expect(rows.map((r) => r.v)).toEqual(js.map((v) => (v === null ? null : Number(v))));
    // Elsewhere 9999 is a number like any other.
    const area = registerFile('display').fields.find((f) => f.file === 'total_floor_area')!;
    expect(parseFieldValue(area, '9999')).toBe('9999');
    expect(registerFile('domestic').fields.filter((f) => f.unknown)).toEqual([]);
  });

  it('reads the forms the files really carry', () => {
    expect(viaJs('timestamptz', '2021-03-04 10:12:13.123456')).toBe('2021-03-04T10:12:13.123456+00:00');
    expect(viaJs('date', '22/02/2021')).toBe('2021-02-22');
    expect(viaJs('uprn', 'UPRN-000000000123')).toBe('123');
    expect(viaJs('band', 'INVALID!')).toBeNull();
    expect(viaJs('band', 'a+')).toBe('A+');
    expect(parseValue('real', 'about 60')).toBe(UNREADABLE);
    expect(parseValue('real', 'NO DATA!')).toBeNull();
    expect(parseValue('text', 'NO DATA!')).toBe('NO DATA!');
    expect(parseValue('term', 'NO DATA!')).toBe('NO DATA!');
    expect(parseValue('term', ' Good ')).toBe(' Good ');
  });
});
