/**
 * The bulk import's certificates go to the database in COPY's binary format (`bulk/copy-binary.ts`),
 * which the server stores without reading. The server's own text input is the reference: every value
 * written in binary must store exactly what the same value as COPY text stores, and every declared
 * column's binary type must be the type of its column in `certificates`.
 */
import { describe, expect, it } from 'vitest';
import { ByteSink } from '../../src/bulk/byte-sink.js';
import { BINARY_HEADER, BINARY_TRAILER, certificateBinaryTypes, float32Of, writeBinaryValue, type BinaryType } from '../../src/bulk/copy-binary.js';
import { copyRecord } from '../../src/db/copy-text.js';
import { BULK_REGISTERS, certificateCopyColumns, registerFile } from '../../src/registers/index.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

/** 1 + 2^-24 (halfway between two float32s) and 2^-60 above it, as exact decimals. */
const exactDecimal = (numerator: bigint, power: number) => {
  const digits = (numerator * 10n ** BigInt(power) / 2n ** BigInt(power)).toString();
  return `${digits.slice(0, -power)}.${digits.slice(-power)}`;
};
const HALFWAY = exactDecimal(2n ** 24n + 1n, 24);
const JUST_ABOVE_HALFWAY = exactDecimal(2n ** 60n + 2n ** 36n + 1n, 60);

// Text forms `registers/values.ts` hands over (numbers as the file writes them, ISO days, its timestamps).
const VALUES: Record<Exclude<BinaryType, 'jsonb'> | 'jsonb', string[]> = {
  text: ['Good', 'tab\there', 'back\\slash', 'line\nbreak\r\n', 'Tŷ Newydd', '', '"quoted"', '\u0001control'],
  integer: ['0', '5', '-3', '+7', '007', '2147483647', '-2147483648', '-0'],
  bigint: ['1', '100040202316', '999999999999999', '10094202658'],
  real: [
    '62.35', '55', '0.5', '.5', '5.', '-1.25e2', '2.54', '0.1', '-0.0', '99999.99', '123456.789', '3.4e38', '1.17549435e-38',
    '16777217', '16777219', '0.30000001192092896', '329.28', '1e-45', HALFWAY, JUST_ABOVE_HALFWAY, `-${JUST_ABOVE_HALFWAY}`,
  ],
  date: ['2020-01-08', '2000-01-01', '1999-12-31', '2000-02-29', '2024-02-29', '1900-03-01', '1066-10-14', '0001-01-01', '9999-12-31'],
  timestamptz: [
    '2020-01-10T16:56:49.508042+00:00', '1999-12-31T23:59:59+01:00', '2025-03-03T10:11:12.1+05:30', '2025-03-03T10:11:12.123456-08:00',
    '1950-06-01T00:00:00+00:00', '2000-01-01T00:00:00+00:00', '2021-03-04T10:12:13.000001+00:00',
    // Past 2^53 microseconds from 2000: counted in BigInt.
    '1066-10-14T12:00:00.000001+00:00', '0001-01-01T00:00:00.999999-05:00', '9999-12-31T23:59:59.999999+00:00',
  ],
  jsonb: ['{"new_column":"x"}', '{"a":"tab\\there","b":"Tŷ"}', '{}'],
};

const TYPES = Object.keys(VALUES) as Array<keyof typeof VALUES>;

describe('the double rounding binary reals must avoid', () => {
  it('is real: through a double, the value above the halfway point would round down', () => {
    expect(Math.fround(Number(JUST_ABOVE_HALFWAY))).toBe(1);
    expect(float32Of(JUST_ABOVE_HALFWAY)).toBe(1 + 2 ** -23);
    expect(float32Of(HALFWAY)).toBe(1); // ties to even, as strtof
  });
});

describe.each(TARGETS)('binary COPY on %s', (target) => {
  const fresh = databasePerTest(target);

  it('stores every value exactly as the same value in COPY text does, NULLs included', async () => {
    const { db } = fresh;
    const rows = Math.max(...Object.values(VALUES).map((v) => v.length)) + 1;
    const columns = ['id', ...TYPES.map((t) => `v_${t}`)];
    const definition = `id integer, ${TYPES.map((t) => `v_${t} ${t}`).join(', ')}`;
    await db.query(`CREATE TABLE via_text (${definition})`);
    await db.query(`CREATE TABLE via_binary (${definition})`);
    const valueOf = (t: keyof typeof VALUES, row: number) => VALUES[t][row] ?? null;

    const text = Array.from({ length: rows }, (_, row) => copyRecord([row, ...TYPES.map((t) => valueOf(t, row))])).join('');
    const sink = new ByteSink();
    sink.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
    for (let row = 0; row < rows; row += 1) {
      sink.int16(columns.length);
      writeBinaryValue(sink, 'integer', String(row));
      for (const t of TYPES) writeBinaryValue(sink, t, valueOf(t, row));
    }
    sink.bytes(BINARY_TRAILER, 0, BINARY_TRAILER.length);
    await db.copyText('via_text', columns, text);
    await db.copyText('via_binary', columns, sink.take(), 'binary');

    // Compared as the server prints them (reals with every digit, timestamps in UTC), row by row.
    const read = (table: string) => db.query(
      `SELECT id, v_text, v_integer::text, v_bigint::text, v_real::float8::text AS v_real, v_date::text,
              to_char(v_timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS v_timestamptz, v_jsonb::text
       FROM ${table} ORDER BY id`,
    );
    const expected = await read('via_text');
    expect(expected).toHaveLength(rows);
    expect(await read('via_binary')).toEqual(expected);
    // Not vacuous: the last row is all NULL, the others are not.
    expect(Object.values(expected.at(-1)!).filter((v) => v !== null)).toEqual([rows - 1]);
  });

  it('writes each declared column in the binary type of its column in certificates, for every register', async () => {
    const { db } = fresh;
    const actual = new Map((await db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = 'certificates'::regclass AND attnum > 0 AND NOT attisdropped`,
    )).map((r) => [r.name, r.type]));
    const SQL: Record<BinaryType, string> = { text: 'text', integer: 'integer', bigint: 'bigint', real: 'real', date: 'date', timestamptz: 'timestamp with time zone', jsonb: 'jsonb' };
    for (const register of BULK_REGISTERS) {
      const file = registerFile(register);
      const columns = certificateCopyColumns(file);
      const types = certificateBinaryTypes(file);
      expect(types).toHaveLength(columns.length);
      expect(columns.map((c, i) => `${c} ${SQL[types[i]!]}`), register).toEqual(columns.map((c) => `${c} ${actual.get(c)}`));
    }
  });
});
