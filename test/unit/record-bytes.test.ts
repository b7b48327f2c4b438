/**
 * The byte path (`record-bytes.ts`) against the string path (`row.ts`): the same records give the same
 * certificates, recommendations, rejects and tallies. The byte path only ever declines a record (the
 * string path then reads it), so any difference here is a value the two read differently.
 */
import { describe, expect, it } from 'vitest';
import { EntryBatcher } from '../../src/bulk/batcher.js';
import type { ParsedBatch } from '../../src/bulk/batches.js';
import { CsvScanner, recordFields } from '../../src/bulk/csv-scan.js';
import { certificateBinaryTypes } from '../../src/bulk/copy-binary.js';
import { TermWriter } from '../../src/bulk/terms.js';
import type { EntryKind } from '../../src/bulk/row.js';
import { copyPrefixes, registerFile, setFields } from '../../src/registers/index.js';
import { generateRegisterDay, registerExport, sparkCsvLine } from '../fake-api/index.js';
import { decodeBinaryCopy, recommendationSetTypes } from '../helpers/binary-copy.js';

type Register = 'domestic' | 'non-domestic' | 'display';
const LATEST = '2026-11-23';
const KNOWN: Array<[number, string]> = [[5, 'Good'], [6, 'Cavity wall, as built, insulated (assumed)']];

/** Everything a batch says, with term ids replaced by their texts (the two paths may number new terms apart). */
function decoded(register: Register, kind: EntryKind, batches: ParsedBatch[]) {
  const file = registerFile(register);
  const texts = new Map<string, string>(KNOWN.map(([id, text]) => [String(id), text]));
  for (const b of batches) {
    for (const line of new TextDecoder().decode(b.terms).split('\n').filter(Boolean)) {
      const [id, text] = line.split('\t') as [string, string];
      texts.set(id, text);
    }
  }
  const term = (id: string) => (id === '\\N' || id === 'NULL' ? id : (texts.get(id) ?? `?${id}`));
  const isTerm = kind === 'certificates' ? file.fields.map((f) => f.type === 'term') : setFields(file).map((f) => f.type === 'term');
  const prefix = kind === 'certificates' ? 2 : 5;
  const types = kind === 'certificates' ? certificateBinaryTypes(file) : recommendationSetTypes(file);
  const records = batches.flatMap((b) => decodeBinaryCopy(b.copy, types).map((r) => r.map((v) => v ?? '\\N')));
  const lines = records.map((fields) =>
    fields.map((v, i) => {
      if (i < prefix || !isTerm[i - prefix]) return v;
      return kind === 'certificates' ? term(v) : `{${v.slice(1, -1).split(',').map(term).join(',')}}`;
    }).join('\t'));
  return {
    lines: lines.sort(),
    rejects: batches.flatMap((b) => b.rejects.map((r) => `${r.day} ${r.reason}`)).sort(),
    counts: batches.map((b) => [b.rows, b.read, b.withExtra, b.newColumns]),
    days: batches.flatMap((b) => b.days.map((d) => d.join(' '))).sort(),
  };
}

/** The entry through the byte path (fed in `piece`-byte pieces) or through the string path. */
function parse(register: Register, kind: EntryKind, csv: string, via: 'bytes' | 'strings', piece = 997) {
  const terms = new TermWriter({ known: KNOWN, first: 100, size: 1_000_000 });
  const batcher = new EntryBatcher({ name: `${kind}-2025.csv`, kind }, registerFile(register), copyPrefixes(register, 1)[kind], LATEST, 40, terms);
  const scanner = new CsvScanner(`${kind}-2025.csv`);
  const batches: ParsedBatch[] = [];
  const drain = () => {
    while (scanner.next()) {
      const full = via === 'bytes' ? batcher.addScanned(scanner.record) : batcher.add(recordFields(scanner.record));
      if (full) batches.push(batcher.take(0, null));
    }
  };
  const bytes = Buffer.from(csv);
  for (let at = 0; at < bytes.length; at += piece) {
    scanner.push(bytes.subarray(at, at + piece));
    drain();
  }
  scanner.finish();
  drain();
  if (!batcher.empty) batches.push(batcher.take(0, null));
  return decoded(register, kind, batches);
}

/** The export's rows for `register`, with `edits` applied to some (by column name), and extra lines. */
function exportCsv(register: Register, kind: EntryKind, edits: Array<Record<string, string | null>>, header?: (columns: readonly string[]) => string[]) {
  const spec = registerExport(register);
  const rows = ['2025-03-03', '2025-03-04'].flatMap((day) => generateRegisterDay(register, day, 120, { seed: 3 }));
  const columns = kind === 'certificates' ? spec.columns : spec.recommendationColumns;
  const records: Array<Record<string, string | null>> = kind === 'certificates' ? rows.map((r) => spec.record(r)) : rows.flatMap((r) => spec.recommendations(r));
  edits.forEach((edit, i) => Object.assign(records[(i * 7) % records.length]!, edit));
  const names = header ? header(columns) : [...columns];
  return sparkCsvLine(names) + records.map((r) => sparkCsvLine(names.map((n) => r[n] ?? null))).join('');
}

// Values the byte path must decline to the string path, or read exactly as it does.
const DOMESTIC_EDITS: Array<Record<string, string | null>> = [
  { total_floor_area: ' 12.5' }, { total_floor_area: '+3' }, { total_floor_area: '1e3' }, { total_floor_area: '12.' },
  { total_floor_area: 'NO DATA!' }, { total_floor_area: 'n/a' }, { total_floor_area: '1,234' }, { total_floor_area: '-0.5' },
  { total_floor_area: '.5' }, { total_floor_area: 'abc' }, { total_floor_area: '' },
  // A float32 halfway point (ties to even), 15 digits (the byte path's most), 17 (the string path's).
  { total_floor_area: '16777217' }, { total_floor_area: '123456789.012345' }, { total_floor_area: '0.30000001192092896' }, { total_floor_area: '-0.0' },
  { number_heated_rooms: '007' }, { number_heated_rooms: '12345678901' }, { number_heated_rooms: '-3' }, { number_heated_rooms: ' 4 ' },
  { current_energy_rating: 'c' }, { current_energy_rating: 'A+' }, { current_energy_rating: 'INVALID!' }, { current_energy_rating: 'Z' },
  { uprn: 'UPRN-000012345678' }, { uprn: '0' }, { uprn: '000123' }, { uprn: '1234567890123456' }, { uprn: '-5' },
  { inspection_date: '01/02/2020' }, { inspection_date: '2020-02-30' }, { inspection_date: '2020-01-01T10:00:00' }, { inspection_date: 'NO DATA!' },
  { lodgement_datetime: '2025-03-03 10:11:12.123456' }, { lodgement_datetime: '03/03/2025 10:11' }, { lodgement_datetime: 'soon' },
  { lodgement_datetime: '2025-03-03T10:11:12.5Z' }, { lodgement_datetime: '2025-03-03 10:11:12.' }, { lodgement_datetime: '2025-03-03 10:11:12.1234567' },
  { lodgement_datetime: '2025-03-03 24:00:00' }, { lodgement_datetime: '2025-02-29 10:00:00' }, { lodgement_datetime: '1066-10-14 12:00:00.000001' },
  { lodgement_datetime: '2025-03-03 10:11:12 Z' }, { lodgement_datetime: '2025-03-03 10:11:12+01:00' },
  { walls_description: 'Cavity wall, as built, "insulated"' }, { walls_description: 'tab\there\\back' }, { walls_description: 'Average thermal transmittance 0.25 W/m²K' },
  { walls_description: 'NUL\u0000' }, { walls_description: '' }, { walls_description: 'Good' },
  { address1: 'Flat 1, "The Maltings"' }, { address1: 'back\\slash\ttab' }, { address1: 'Tŷ Newydd' }, { address1: 'line\nbreak\r\nand more' },
  { address1: 'NUL\u0000' }, { address1: '\u0001control' },
  { certificate_number: ' 0000-0000-0000-0000-0001' }, { certificate_number: 'bad' }, { certificate_number: '0000-0000-0000-0000-000X' },
  { lodgement_date: '2031-01-01' }, { lodgement_date: '06/01/2025' }, { lodgement_date: '2025-02-30' }, { lodgement_date: ' 2025-03-03' },
  { certificate_number: '1111-1111-1111-1111-1111', address1: 'First' }, { certificate_number: '1111-1111-1111-1111-1111', address1: 'Second' },
];

describe('the byte path reads every record as the string path does', () => {
  for (const register of ['domestic', 'non-domestic', 'display'] as const) {
    for (const kind of ['certificates', 'recommendations'] as const) {
      it(`${register} ${kind}, the export as written`, () => {
        const csv = exportCsv(register, kind, []);
        const bytes = parse(register, kind, csv, 'bytes');
        expect(bytes.lines.length).toBeGreaterThan(100);
        expect(bytes).toEqual(parse(register, kind, csv, 'strings'));
      });
    }
  }

  it('domestic certificates with every kind of odd value, a new column and a repeated one', () => {
    const csv = exportCsv('domestic', 'certificates', DOMESTIC_EDITS, (columns) => [...columns, 'new_column', 'address1']);
    const bytes = parse('domestic', 'certificates', csv, 'bytes', 61);
    expect(bytes.rejects.length).toBeGreaterThanOrEqual(6);
    expect(bytes.counts.some(([, , withExtra]) => (withExtra as number) > 0)).toBe(true);
    expect(bytes).toEqual(parse('domestic', 'certificates', csv, 'strings'));
  });

  it('display certificates whose operational rating is the "unknown" 9999', () => {
    const csv = exportCsv('display', 'certificates', [{ current_operational_rating: '9999' }, { current_operational_rating: ' 9999' }, { current_operational_rating: '75' }]);
    expect(parse('display', 'certificates', csv, 'bytes')).toEqual(parse('display', 'certificates', csv, 'strings'));
  });

  it('recommendations with odd items and texts', () => {
    const edits: Array<Record<string, string>> = [
      { improvement_item: '007' }, { improvement_item: '40000' }, { improvement_item: '' }, { improvement_item: 'x' },
      { improvement_summary_text: 'Loft, "deep"' }, { improvement_summary_text: 'NUL\u0000' }, { indicative_cost: '£100 - £350' },
      { certificate_number: 'bad' }, { improvement_descr_text: '' },
    ];
    const csv = exportCsv('domestic', 'recommendations', edits);
    const bytes = parse('domestic', 'recommendations', csv, 'bytes', 53);
    expect(bytes.rejects.length).toBeGreaterThanOrEqual(4);
    expect(bytes).toEqual(parse('domestic', 'recommendations', csv, 'strings'));
  });
});
