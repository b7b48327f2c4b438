/**
 * `copyText`, the one way rows reach the database in bulk: COPY text or binary, from a string or
 * bytes. PGlite reads each COPY's input from one buffer written over every time (`db/client.ts`), so
 * a COPY after a larger one, or text whose UTF-8 is longer than its characters, must store exactly
 * its own rows: nothing left over from the one before, nothing cut short.
 */
import { describe, expect, it } from 'vitest';
import { BINARY_HEADER, BINARY_TRAILER } from '../../src/bulk/copy-binary.js';
import { ByteSink } from '../../src/bulk/byte-sink.js';
import { copyRecord } from '../../src/db/copy-text.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

/** Rows (n, word) in COPY's binary format. */
function binaryRows(rows: ReadonlyArray<readonly [number, string]>): Uint8Array {
  const out = new ByteSink(64);
  out.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
  for (const [n, word] of rows) {
    out.int16(2);
    out.int32(4);
    out.int32(n);
    out.lengthPrefixed(word);
  }
  out.bytes(BINARY_TRAILER, 0, BINARY_TRAILER.length);
  return out.take();
}

const textRows = (rows: ReadonlyArray<readonly [number, string]>) => rows.map(([n, word]) => copyRecord([String(n), word])).join('');
const range = (from: number, count: number, word: (n: number) => string) => Array.from({ length: count }, (_, i): [number, string] => [from + i, word(from + i)]);

describe.each(TARGETS)('copyText on %s', (target) => {
  const t = databasePerTest(target);

  it('stores each COPY\'s own rows, after a larger one and before a larger one, as text or binary', async () => {
    await t.db.query('CREATE TABLE copied (n integer PRIMARY KEY, word text)');
    // Large, then small, then text of multi-byte characters (UTF-8 longer than the string), then large again.
    const batches: Array<{ rows: Array<[number, string]>; as: 'text' | 'binary' }> = [
      { rows: range(0, 20_000, (n) => `word ${n} `.repeat(3)), as: 'binary' },
      { rows: range(20_000, 3, (n) => `short ${n}`), as: 'binary' },
      { rows: range(20_003, 500, (n) => `Tŷ Newydd ${n}, Llanfair\tand a tab`), as: 'text' },
      { rows: range(20_503, 2, () => 'x'), as: 'text' },
      { rows: range(20_505, 30_000, (n) => `again ${n}`), as: 'binary' },
    ];
    for (const { rows, as } of batches) {
      await t.db.copyText('copied', ['n', 'word'], as === 'binary' ? binaryRows(rows) : textRows(rows), as);
    }
    const expected = batches.flatMap((b) => b.rows);
    const [counts] = await t.db.query<{ n: number; last: number }>('SELECT count(*)::int AS n, max(n) AS last FROM copied');
    expect(counts).toEqual({ n: expected.length, last: expected.length - 1 });
    // Every row as written (a sample of each batch, and every row of the small ones).
    for (const { rows } of batches) {
      const sample = rows.length <= 3 ? rows : [rows[0]!, rows[Math.floor(rows.length / 2)]!, rows.at(-1)!];
      const stored = await t.db.query<{ n: number; word: string }>('SELECT n, word FROM copied WHERE n = ANY($1::int[]) ORDER BY n', [sample.map(([n]) => n)]);
      expect(stored.map(({ n, word }) => [n, word])).toEqual(sample);
    }
  });
});
