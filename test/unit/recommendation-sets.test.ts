/**
 * A batch's recommendations gathered into a row per certificate (`bulk/recommendation-sets.ts`): the
 * binary COPY of `recommendation_sets`, and what the `recommendations` view reads back from it.
 */
import { describe, expect, it } from 'vitest';
import { RecommendationSets } from '../../src/bulk/recommendation-sets.js';
import { TermWriter } from '../../src/bulk/terms.js';
import { storeRecommendationBatch } from '../../src/db/bulk.js';
import { reserveTermIds, storeTerms } from '../../src/db/terms.js';
import { copyPrefixes, recommendationCopyColumns, registerFile, setFields } from '../../src/registers/index.js';
import { decodeBinaryCopy, recommendationSetTypes } from '../helpers/binary-copy.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

const display = registerFile('display');
const domestic = registerFile('domestic');
const PREFIX = copyPrefixes('display', 7).recommendations;
const A = '0000-0000-0000-0000-0001';
const B = '0000-0000-0000-0000-0002';

/** A display set's fields: related_certificate_number (text), then payback_type, recommendation_code, description (term ids). */
const displaySets = () => new RecommendationSets(setFields(display), PREFIX);
const domesticSets = () => new RecommendationSets(setFields(domestic), copyPrefixes('domestic', 7).recommendations);

/** A batch's rows back as text values, arrays as array text. */
const rowsOf = (sets: RecommendationSets, file = display) => decodeBinaryCopy(sets.take(), recommendationSetTypes(file));

describe('recommendation sets as binary COPY', () => {
  it('matches the columns the set is copied into: the constants, the certificate, its items, an array per value', () => {
    expect(recommendationCopyColumns(display)).toEqual([
      'register', 'source', 'import_id', 'certificate_number', 'items', 'related_certificate_number', 'payback_type', 'recommendation_code', 'description',
    ]);
    const sets = displaySets();
    sets.add(A, 1, ['0000-0000-0000-0000-0099', 11, '12', 13]);
    expect(rowsOf(sets)).toEqual([['display', 'bulk', '7', A, '{1}', '{"0000-0000-0000-0000-0099"}', '{11}', '{12}', '{13}']]);
  });

  it('gathers a certificate\'s items into one row, items in numeric order, values aligned with them', () => {
    const sets = domesticSets();
    // Out of order, and B's between A's.
    expect(sets.add(A, 10, [5, 50, 500, 5000])).toBe(true);
    expect(sets.add(B, 1, [6, 60, 600, 6000])).toBe(true);
    expect(sets.add(A, 2, [3, 30, 300, 3000])).toBe(true);
    expect(sets.add(A, 1, [1, 10, 100, 1000])).toBe(true);
    expect(rowsOf(sets, domestic)).toEqual([
      ['domestic', 'bulk', '7', A, '{1,2,10}', '{1,3,5}', '{10,30,50}', '{100,300,500}', '{1000,3000,5000}'],
      ['domestic', 'bulk', '7', B, '{1}', '{6}', '{60}', '{600}', '{6000}'],
    ]);
    // Taken: the next batch starts empty, and reuses nothing of the last.
    expect(rowsOf(sets, domestic)).toEqual([]);
    sets.add(B, 3, [7, null, null, 7000]);
    expect(rowsOf(sets, domestic)).toEqual([['domestic', 'bulk', '7', B, '{3}', '{7}', '{NULL}', '{NULL}', '{7000}']]);
  });

  it('keeps every array as long as the items, a value an item lacks as NULL in its place', () => {
    const sets = displaySets();
    sets.add(A, 1, [null, 11, 12, 13]);
    sets.add(A, 2, ['0000-0000-0000-0000-0099', null, null, 23]);
    sets.add(A, 3, [null, 31, null, null]);
    expect(rowsOf(sets)).toEqual([
      ['display', 'bulk', '7', A, '{1,2,3}', '{NULL,"0000-0000-0000-0000-0099",NULL}', '{11,NULL,31}', '{12,NULL,NULL}', '{13,23,NULL}'],
    ]);
  });

  it('writes text elements as they are: quotes, backslashes, tabs, newlines, braces and the word NULL', () => {
    const sets = displaySets();
    sets.add(A, 1, ['say "when", C:\\dir\tthen\nnext', null, null, null]);
    sets.add(A, 2, ['NULL', null, null, null]);
    sets.add(A, 3, ['{a,b} Tŷ', null, null, null]);
    const [row] = rowsOf(sets);
    expect(row![5]).toBe(`{${JSON.stringify('say "when", C:\\dir\tthen\nnext')},"NULL","{a,b} Tŷ"}`);
  });

  it('keeps the later of a repeated item, once, and copies the values it is given', () => {
    const sets = displaySets();
    const values: Array<string | number | null> = [null, 11, 12, 13];
    expect(sets.add(A, 1, values)).toBe(true);
    // The reader reuses its array: what was added must not change with it.
    values.splice(0, 4, null, 21, 22, 23);
    expect(sets.add(A, 2, values)).toBe(true);
    expect(sets.add(A, 1, [null, 91, 92, 93])).toBe(false);
    expect(rowsOf(sets)).toEqual([['display', 'bulk', '7', A, '{1,2}', '{NULL,NULL}', '{91,21}', '{92,22}', '{93,23}']]);
  });
});

describe.each(TARGETS)('recommendation sets stored on %s', (target) => {
  const t = databasePerTest(target);

  it('read back through the recommendations view item by item, in order, every value as written', async () => {
    const terms = new TermWriter({ known: [], first: await reserveTermIds(t.db, 100), size: 100 });
    const sets = displaySets();
    const items: Array<[string, string, string | null, string | null, string | null, string | null]> = [
      [A, '10', 'say "when", C:\\dir\tthen\nnext', 'LONG', 'EPC-R5', 'Consider "smart" meters,\tone per\nfloor \\ wing'],
      [A, '2', null, 'SHORT', null, 'Introduce HF (high frequency) ballasts'],
      [A, '1', 'NULL', null, 'EPC-L7', null],
      [B, '1', '{a,b}', 'OTHER', 'EPC-L7', 'Introduce HF (high frequency) ballasts'],
    ];
    const id = (v: string | null) => (v === null ? null : terms.id(v));
    for (const [certificate, item, related, payback, code, description] of items) sets.add(certificate, Number(item), [related, id(payback), id(code), id(description)]);
    const encode = (text: string) => new TextEncoder().encode(text);
    await t.db.transaction(async (tx) => {
      await storeTerms(tx, encode(terms.takeNew()));
      await storeRecommendationBatch(tx, display, 7, sets.take(), items.length);
    });
    const stored = await t.db.query(
      `SELECT certificate_number, item, register, source, import_id, related_certificate_number, payback_type, recommendation_code, description
       FROM recommendations ORDER BY certificate_number, item`,
    );
    const expected = [...items].sort((a, b) => a[0].localeCompare(b[0]) || Number(a[1]) - Number(b[1])).map(([certificate_number, item, related_certificate_number, payback_type, recommendation_code, description]) => ({
      certificate_number, item: Number(item), register: 'display', source: 'bulk', import_id: 7, related_certificate_number, payback_type, recommendation_code, description,
    }));
    expect(stored).toEqual(expected);
    // One row a certificate, its items stored in order.
    expect(await t.db.query(`SELECT certificate_number, items FROM recommendation_sets ORDER BY certificate_number`)).toEqual([
      { certificate_number: A, items: [1, 2, 10] },
      { certificate_number: B, items: [1] },
    ]);
  });
});
