/**
 * A parse worker's side of the term dictionary (`bulk/terms.ts`): the id a term column's text gets,
 * and the new terms it hands over for `epc_terms`, as COPY text the database stores as the text.
 */
import { describe, expect, it } from 'vitest';
import { REMEMBERED_CHARACTERS, TermWriter } from '../../src/bulk/terms.js';
import { reserveTermIds, storeTerms } from '../../src/db/terms.js';
import { BulkFileError } from '../../src/errors.js';
import { TARGETS } from '../helpers/databases.js';
import { databasePerTest } from '../helpers/per-test-database.js';

describe('a parse worker\'s term ids', () => {
  it('gives a text the database has its stored id, and hands nothing over for it', () => {
    const terms = new TermWriter({ known: [[7, 'Cavity wall, as built, insulated (assumed)'], [9, 'Good']], first: 1000, size: 10 });
    expect(terms.id('Good')).toBe('9');
    expect(terms.id('Cavity wall, as built, insulated (assumed)')).toBe('7');
    expect(terms.id('Good')).toBe('9');
    expect(terms.takeNew()).toBe('');
  });

  it('gives a new text the next id of the worker\'s range, once, and hands it over once', () => {
    // The second of two workers of an import whose range starts at 1000: every other id from 1001.
    const terms = new TermWriter({ known: [[7, 'Good']], first: 1001, size: 1000, stride: 2 });
    expect(terms.id('Solid brick, as built, no insulation (assumed)')).toBe('1001');
    expect(terms.id('Good')).toBe('7');
    expect(terms.id('Very Poor')).toBe('1003');
    expect(terms.id('Solid brick, as built, no insulation (assumed)')).toBe('1001');
    expect(terms.takeNew()).toBe('1001\tSolid brick, as built, no insulation (assumed)\n1003\tVery Poor\n');
    // Handed over: not again with the next batch, and its id stays.
    expect(terms.takeNew()).toBe('');
    expect(terms.id('Very Poor')).toBe('1003');
    expect(terms.id('Poor')).toBe('1005');
    expect(terms.takeNew()).toBe('1005\tPoor\n');
  });

  it('keeps two workers of one reservation apart, each id short: the range interleaved, not halved', () => {
    const reserved = { first: 1000, size: 3 };
    const workers = [0, 1].map((k) => new TermWriter({ known: [], first: reserved.first + k, size: reserved.size, stride: 2 }));
    const ids = workers.flatMap((w) => ['a', 'b', 'c'].map((text) => Number(w.id(text))));
    expect(ids.sort((a, b) => a - b)).toEqual([1000, 1001, 1002, 1003, 1004, 1005]);
    // Both end inside the reservation (first .. first + 2 × size − 1), and past it they stop.
    for (const w of workers) expect(() => w.id('d')).toThrow(BulkFileError);
  });

  it('hands a text over as COPY text: tab-separated, its tabs, newlines and backslashes escaped', () => {
    const terms = new TermWriter({ known: [], first: 1, size: 10 });
    expect(terms.id('Replacing single glazing\twith double\nglazing C:\\windows')).toBe('1');
    expect(terms.takeNew()).toBe('1\tReplacing single glazing\\twith double\\nglazing C:\\\\windows\n');
  });

  it('gives a text with a NUL character no id (PostgreSQL text cannot hold it), and uses none of the range for it', () => {
    const terms = new TermWriter({ known: [], first: 1, size: 10 });
    expect(terms.id('Pitched\u0000')).toBeNull();
    expect(terms.id('Pitched')).toBe('1');
    expect(terms.takeNew()).toBe('1\tPitched\n');
  });

  it('remembers a long improvement description like a short text, so it is stored once', () => {
    const terms = new TermWriter({ known: [], first: 1, size: 10 });
    const long = 'Insulating a flat roof or sloping ceiling reduces heat loss through the roof. '.repeat(4);
    expect(long.length).toBeGreaterThan(300);
    expect(terms.id(long)).toBe('1');
    expect(terms.id(long)).toBe('1');
    expect(terms.takeNew()).toBe(`1\t${long}\n`);
  });

  it('past its memory budget still gives every text an id, handing it over each time, so every id decodes', () => {
    const terms = new TermWriter({ known: [[1, 'x'.repeat(REMEMBERED_CHARACTERS)]], first: 2, size: 10 });
    expect(terms.id('Poor')).toBe('2');
    expect(terms.id('Poor')).toBe('3');
    expect(terms.takeNew()).toBe('2\tPoor\n3\tPoor\n');
  });

  it('fails the import, naming the cause, when a file has more new texts than the range holds', () => {
    const terms = new TermWriter({ known: [[7, 'Good']], first: 1, size: 2 });
    expect(terms.id('Poor')).toBe('1');
    expect(terms.id('Average')).toBe('2');
    let error: unknown;
    try {
      terms.id('Very Good');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BulkFileError);
    expect(error).toMatchObject({ code: 'BULK_FILE_INVALID', message: expect.stringMatching(/more new distinct texts than the 2 ids an import reserves for each parser/) });
    // What it had still reads: known texts and the ones it gave ids.
    expect(terms.id('Good')).toBe('7');
    expect(terms.id('Average')).toBe('2');
    expect(terms.takeNew()).toBe('1\tPoor\n2\tAverage\n');
  });
});

describe.each(TARGETS)('a parse worker\'s new terms stored on %s', (target) => {
  const t = databasePerTest(target);

  it('stores each new text under its id, exactly as the file wrote it', async () => {
    const first = await reserveTermIds(t.db, 100);
    const terms = new TermWriter({ known: [], first, size: 100 });
    const texts = ['Good', 'Cavity wall,\tfilled "cavity"', 'Two\nlines\r\nand a back\\slash', '£100 - £350', 'NULL', '\\N'];
    const ids = texts.map((text) => terms.id(text)!);
    await t.db.transaction((tx) => storeTerms(tx, new TextEncoder().encode(terms.takeNew())));
    const stored = await t.db.query<{ id: number; value: string }>(`SELECT id, value FROM epc_terms WHERE id >= $1 ORDER BY id`, [first]);
    expect(stored).toEqual(texts.map((value, i) => ({ id: Number(ids[i]), value })));
    // An SQL writer finds the same text under the id the worker gave it.
    expect(await t.db.query(`SELECT epc_term_id($1) AS id`, [texts[2]])).toEqual([{ id: Number(ids[2]) }]);
  });
});
