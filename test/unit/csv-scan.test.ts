/**
 * The bulk file's CSV read as bytes (`csv-scan.ts`): the fields Papa Parse reads from the same text,
 * whatever pieces the bytes arrive in, and the broken records named as it names them.
 */
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CsvScanner, MAX_RECORD_BYTES, recordFields, recordText } from '../../src/bulk/csv-scan.js';
import { BulkFileError } from '../../src/errors.js';
import { generateDay, registerExport, sparkCsvLine } from '../fake-api/index.js';

interface Read {
  fields: string[];
  broken: string | null;
  raw: string;
}

function scan(bytes: Buffer, piece: number): Read[] {
  const scanner = new CsvScanner('certificates-2025.csv');
  const out: Read[] = [];
  const drain = () => {
    while (scanner.next()) out.push({ fields: recordFields(scanner.record), broken: scanner.record.broken, raw: recordText(scanner.record) });
  };
  for (let at = 0; at < bytes.length; at += piece) {
    scanner.push(bytes.subarray(at, at + piece));
    drain();
  }
  scanner.finish();
  drain();
  return out;
}

const fields = (text: string, piece = 1 << 16) => scan(Buffer.from(text), piece).map((r) => r.fields);

describe('the CSV scanner', () => {
  it('reads the export\'s records as Papa Parse does, in pieces of any size', () => {
    const spec = registerExport('domestic');
    const rows = generateDay('2025-03-03', 200, { seed: 2 });
    const text = sparkCsvLine(spec.columns) + rows.map((r) => sparkCsvLine(Object.values(spec.record(r)))).join('');
    const papa = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true }).data;
    expect(papa.length).toBe(201);
    for (const piece of [1, 7, 1000, 1 << 20]) expect(fields(text, piece)).toEqual(papa);
  });

  it('reads quoted commas, doubled quotes, quoted line breaks, empty and missing values', () => {
    const text = 'a,b,c,d\n"1, High St","say ""hi""","two\nlines",\n"",x,"",\n';
    for (const piece of [1, 2, 3, 5, 100]) {
      expect(fields(text, piece)).toEqual([['a', 'b', 'c', 'd'], ['1, High St', 'say "hi"', 'two\nlines', ''], ['', 'x', '', '']]);
    }
  });

  it('reads spaces between a closing quote and the comma or line end as Papa Parse does', () => {
    const text = 'a,b,c\n"x" ,"y"  \n"z"  ,w,"v" \r\n';
    const papa = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true });
    expect(papa.errors).toEqual([]);
    for (const piece of [1, 3, 100]) expect(fields(text, piece)).toEqual(papa.data);
    expect(fields(text)).toEqual([['a', 'b', 'c'], ['x', 'y'], ['z', 'w', 'v']]);
  });

  it('reads the older files\' CRLF line ends, skips empty lines, and needs no line end at the end', () => {
    for (const piece of [1, 4, 100]) {
      expect(fields('A,B\r\n1,"2"\r\n\r\n\n3,4', piece)).toEqual([['A', 'B'], ['1', '2'], ['3', '4']]);
      expect(fields('A,B\n1,"x"', piece)).toEqual([['A', 'B'], ['1', 'x']]);
      expect(fields('A,B\n1,', piece)).toEqual([['A', 'B'], ['1', '']]);
    }
  });

  it('keeps UTF-8 characters whole when a piece ends inside one', () => {
    const text = 'a,b\nTŷ Newydd,"£100 - £350, W/m²K"\n';
    for (const piece of [1, 2, 3]) expect(fields(text, piece)).toEqual([['a', 'b'], ['Tŷ Newydd', '£100 - £350, W/m²K']]);
  });

  it('names a record with a malformed quote, as Papa Parse does, and reads on where the field closes', () => {
    const text = 'a,b\n"x"y,1\n"2",3\n4,5\n';
    const read = scan(Buffer.from(text), 3);
    const papa = Papa.parse<string[]>(text, { delimiter: ',', skipEmptyLines: true });
    expect(read.map((r) => r.fields)).toEqual(papa.data);
    expect(read.map((r) => r.broken)).toEqual([null, 'Trailing quote on quoted field is malformed', null]);
    expect(papa.errors.map((e) => [e.row, e.message])).toContainEqual([1, 'Trailing quote on quoted field is malformed']);
    expect(read[2]!.fields).toEqual(['4', '5']);
  });

  it('names a quote that never closes, keeping the rest of the entry as its raw text', () => {
    const read = scan(Buffer.from('a,b\n1,2\n3,"never\n4,5\n'), 5);
    expect(read.map((r) => r.broken)).toEqual([null, null, 'Quoted field unterminated']);
    expect(read[2]!.raw).toBe('3,"never\n4,5\n');
    expect(Papa.parse('a,b\n1,2\n3,"never\n4,5\n').errors[0]?.message).toBe('Quoted field unterminated');
  });

  it('stops, naming the entry, at a record longer than any row of the register (a quote left open on a huge file)', () => {
    const scanner = new CsvScanner('certificates-2025.csv');
    scanner.push(Buffer.from('a,b\n1,"'));
    expect(scanner.next()).toBe(true);
    const piece = Buffer.alloc(1 << 20, 0x61);
    let error: unknown;
    try {
      for (let i = 0; i <= MAX_RECORD_BYTES >> 20; i += 1) {
        scanner.push(piece);
        expect(scanner.next()).toBe(false);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BulkFileError);
    expect((error as Error).message).toMatch(/^certificates-2025\.csv: a record runs past 4 MiB/);
  });
});
