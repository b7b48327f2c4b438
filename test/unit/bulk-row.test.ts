import { describe, expect, it } from 'vitest';
import { parseCertificateRecord, parseRecommendationRecord, readHeader } from '../../src/bulk/row.js';
import { TermWriter } from '../../src/bulk/terms.js';
import { copyPrefixes, registerFile, type RegisterFile } from '../../src/registers/index.js';

const file = registerFile('domestic');
const prefix = copyPrefixes('domestic', 7);
const LATEST = '2026-11-30';
const names = file.fields.map((f) => f.file);

/** A record in the export's column order, with `over` by column name. */
function record(over: Record<string, string> = {}): string[] {
  const base: Record<string, string> = {
    certificate_number: '0000-0000-0000-0000-0001', address1: '1 Some "Street"', lodgement_date: '2021-02-22', current_energy_rating: 'C',
    total_floor_area: '62.35', number_habitable_rooms: '5', inspection_date: '2021-02-20', lodgement_datetime: '2021-02-22 10:12:13.123456',
    uprn: '100023336956', walls_description: 'Cavity wall, as built, insulated (assumed)',
  };
  return names.map((n) => over[n] ?? base[n] ?? '');
}

/** A COPY text field back as the text it holds. */
const unescape = (v: string) => v.replace(/\\(.)/g, (_, c: string) => ({ t: '\t', n: '\n', r: '\r' })[c] ?? c);

/**
 * A term writer as an import's worker has it, and what `epc_terms` would hold after it: the texts it
 * handed over (takeNew's COPY text) by id.
 */
function dictionary() {
  const terms = new TermWriter({ known: [], first: 1, size: 1000 });
  const texts = new Map<string, string>();
  const text = (id: string): string => {
    for (const line of terms.takeNew().split('\n').filter(Boolean)) {
      const [key, value] = line.split('\t');
      texts.set(key!, unescape(value!));
    }
    const found = texts.get(id);
    if (found === undefined) throw new Error(`no term ${id}`);
    return found;
  };
  return { terms, text };
}

/**
 * The COPY record back as column → value (null for \N), a term column's id read back as its text, as
 * `certificates_decoded` shows it. A term column must hold an id, never the text itself.
 */
function columnsOf(f: RegisterFile, copy: string, text: (id: string) => string): Record<string, string | null> {
  const values = copy.replace(/\n$/, '').split('\t').slice(2);
  const fields = [...f.fields, { column: 'bulk_extra', type: 'text' as const }];
  return Object.fromEntries(fields.map((field, i) => {
    const v = values[i]!;
    if (v === '\\N') return [field.column, null];
    if (field.type !== 'term') return [field.column, unescape(v)];
    expect(v, field.column).toMatch(/^\d+$/);
    return [field.column, text(v)];
  }));
}

describe('bulk certificate records', () => {
  const header = readHeader('certificates', names, file, 'certificates-2021.csv');
  /** Parses a record with a fresh dictionary; the row as column → value (terms decoded). */
  const parse = (fields: string[], h = header) => {
    const { terms, text } = dictionary();
    const parsed = parseCertificateRecord(fields, h, file.fields, prefix.certificates, LATEST, terms);
    return { parsed, row: () => columnsOf(file, (parsed as { copy: string }).copy, text) };
  };

  it('types every column: numbers, dates, the lodgement time, the band and the UPRN; repeated texts as terms', () => {
    const { parsed, row } = parse(record());
    expect(parsed).toMatchObject({ ok: true, key: '0000-0000-0000-0000-0001', day: '2021-02-22', extra: false });
    expect(row()).toMatchObject({
      registration_date: '2021-02-22', total_floor_area: '62.35', number_habitable_rooms: '5', inspection_date: '2021-02-20',
      lodgement_datetime: '2021-02-22T10:12:13.123456+00:00', uprn: '100023336956', current_energy_efficiency_band: 'C',
      address_line1: '1 Some "Street"', walls_description: 'Cavity wall, as built, insulated (assumed)', roof_description: null, bulk_extra: null,
    });
  });

  it('gives a text repeated across records one id, and hands it over once', () => {
    const terms = new TermWriter({ known: [], first: 1, size: 1000 });
    const copies = ['0001', '0002'].map((n) => {
      const parsed = parseCertificateRecord(record({ certificate_number: `0000-0000-0000-0000-${n}`, roof_description: 'Pitched, 270 mm loft insulation' }), header, file.fields, prefix.certificates, LATEST, terms);
      return (parsed as { copy: string }).copy;
    });
    // The two records' texts, handed over once between them.
    const fresh = new Map(terms.takeNew().split('\n').filter(Boolean).map((line) => line.split('\t') as [string, string]));
    expect([...fresh.values()].sort()).toEqual(['Cavity wall, as built, insulated (assumed)', 'Pitched, 270 mm loft insulation']);
    const [first, second] = copies.map((copy) => columnsOf(file, copy, (id) => fresh.get(id)!));
    expect(first).toMatchObject({ walls_description: 'Cavity wall, as built, insulated (assumed)', roof_description: 'Pitched, 270 mm loft insulation' });
    expect(second).toEqual({ ...first, certificate_number: '0000-0000-0000-0000-0002' });
    expect(copies[1]!.split('\t').slice(3)).toEqual(copies[0]!.split('\t').slice(3));
  });

  it('keeps a certificate whose band is INVALID! with no band, and sentinels as NULL in typed columns only', () => {
    const { parsed, row } = parse(record({ current_energy_rating: 'INVALID!', floor_height: 'NO DATA!', photo_supply: 'N/A', inspection_date: 'Not recorded', glazed_type: 'NO DATA!' }));
    expect(parsed.ok).toBe(true);
    expect(row()).toMatchObject({ current_energy_efficiency_band: null, floor_height: null, photo_supply: null, inspection_date: null, glazed_type: 'NO DATA!', bulk_extra: null });
  });

  it('keeps a value a typed column cannot read, and columns it does not know, in bulk_extra', () => {
    const wider = readHeader('certificates', [...names, 'heat_pump_flag'], file, 'certificates-2021.csv');
    expect(wider.unknown).toEqual([[names.length, 'heat_pump_flag']]);
    const { parsed, row } = parse([...record({ total_floor_area: 'about 60', lodgement_datetime: 'yesterday' }), 'Y'], wider);
    expect(parsed).toMatchObject({ ok: true, extra: true });
    const values = row();
    expect(values.total_floor_area).toBeNull();
    expect(values.lodgement_datetime).toBeNull();
    expect(JSON.parse(values.bulk_extra!)).toEqual({ total_floor_area: 'about 60', lodgement_datetime: 'yesterday', heat_pump_flag: 'Y' });
  });

  it('reads the older upper-case file: dd/mm/yyyy dates, UPRN- prefixes, lower-case bands, repeated names', () => {
    const legacy = ['CERTIFICATE_NUMBER', 'UPRN', 'CURRENT_ENERGY_RATING', 'LODGEMENT_DATE', 'LODGEMENT_DATETIME', 'FLOOR_DESCRIPTION', 'FLOOR_DESCRIPTION'];
    const h = readHeader('certificates', legacy, file, 'certificates.csv');
    const { row } = parse(['0000-0000-0000-0000-0002', 'UPRN-000000000123', 'e', '22/02/2021', '22/02/2021 00:00', 'Solid', 'Solid'], h);
    expect(row()).toMatchObject({ uprn: '123', current_energy_efficiency_band: 'E', registration_date: '2021-02-22', lodgement_datetime: '2021-02-22T00:00:00+00:00', floor_description: 'Solid', bulk_extra: null });
    // A repeat that differs from the first is kept, not dropped.
    const differs = parse(['0000-0000-0000-0000-0002', '', '', '22/02/2021', '', 'Solid', 'Suspended'], h);
    expect(JSON.parse(differs.row().bulk_extra!)).toEqual({ floor_description__6: 'Suspended' });
  });

  it('rejects only rows that are really broken, with the reason', () => {
    const reject = (over: Record<string, string>) => parse(record(over)).parsed;
    expect(reject({ certificate_number: '' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^certificate_number is not/) });
    expect(reject({ certificate_number: '0000-0000-0000-0000-00X1' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^certificate_number/) });
    expect(reject({ lodgement_date: '2021-02-30' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^lodgement_date is not a date/) });
    expect(reject({ lodgement_date: '2031-01-01' })).toMatchObject({ ok: false, reason: expect.stringMatching(/after 2026-11-30/), day: null });
    expect(parse(record().slice(0, 10)).parsed).toMatchObject({ ok: false, reason: 'row has 10 fields, the header 93' });
    // PostgreSQL text cannot hold NUL, in a text column, a term column or anywhere else.
    expect(reject({ address2: 'Flat\u00001' })).toMatchObject({ ok: false, reason: 'row contains a NUL character', day: '2021-02-22' });
    expect(reject({ roof_description: 'Pitched\u0000' })).toMatchObject({ ok: false, reason: 'row contains a NUL character', day: '2021-02-22' });
    // Never a reject: an odd lodgement time, an odd UPRN, a sentinel anywhere.
    expect(reject({ lodgement_datetime: '2021/02/22 10am', uprn: 'not known', current_energy_efficiency: 'INVALID!' }).ok).toBe(true);
  });

  it('refuses a file that is not the register bulk file, naming what it lacks', () => {
    expect(() => readHeader('certificates', ['NAME', 'VALUE'], file, 'other.csv')).toThrow(/other.csv: the header has no certificate_number, lodgement_date column/);
  });
});

/** A recommendation's values with its term ids read back as text. */
function recommendationOf(parsed: ReturnType<typeof parseRecommendationRecord>, f: RegisterFile, text: (id: string) => string) {
  if (!parsed.ok) return parsed;
  const declared = f.recommendations.filter((x) => x.column !== 'certificate_number' && x.column !== 'item');
  expect(parsed.values).toHaveLength(declared.length);
  const values = Object.fromEntries(declared.map((x, i) => {
    const v = parsed.values[i] ?? null;
    if (v === null || x.type !== 'term') return [x.column, v];
    expect(v, x.column).toMatch(/^\d+$/);
    return [x.column, text(v)];
  }));
  return { ok: true, certificate: parsed.certificate, item: parsed.item, values };
}

describe('bulk recommendation records', () => {
  const header = readHeader('recommendations', file.recommendations.map((f) => f.file), file, 'recommendations-2021.csv');

  it('keys a recommendation by certificate and item and keeps its texts', () => {
    const { terms, text } = dictionary();
    const parsed = parseRecommendationRecord(['0000-0000-0000-0000-0001', '2', '5', 'Increase loft insulation to 270 mm', 'Loft, "thick", insulation', '£100 - £350'], header, file.recommendations, terms);
    expect(recommendationOf(parsed, file, text)).toEqual({
      ok: true, certificate: '0000-0000-0000-0000-0001', item: 2,
      values: { improvement_id: '5', summary: 'Increase loft insulation to 270 mm', description: 'Loft, "thick", insulation', indicative_cost: '£100 - £350' },
    });
    // The same texts again: the same ids, nothing new to store.
    const again = parseRecommendationRecord(['0000-0000-0000-0000-0002', '1', '5', 'Increase loft insulation to 270 mm', '', '£100 - £350'], header, file.recommendations, terms);
    expect(again).toMatchObject({ ok: true, certificate: '0000-0000-0000-0000-0002', item: 1 });
    expect((again as { values: unknown[] }).values).toEqual([...(parsed as { values: Array<string | null> }).values.slice(0, 2), null, (parsed as { values: Array<string | null> }).values[3]]);
    expect(terms.takeNew()).toBe('');
  });

  it('rejects a recommendation with no item, an item beyond the stored range, or a NUL', () => {
    const parse = (fields: string[]) => parseRecommendationRecord(fields, header, file.recommendations, dictionary().terms);
    expect(parse(['0000-0000-0000-0000-0001', '', '5', 'x', 'y', ''])).toMatchObject({ ok: false, reason: expect.stringMatching(/^improvement_item/) });
    expect(parse(['0000-0000-0000-0000-0001', '40000', '5', 'x', 'y', ''])).toMatchObject({ ok: false, reason: 'improvement_item is out of range: "40000"' });
    expect(parse(['0000-0000-0000-0000-0001', '1', '5', 'x\u0000', 'y', ''])).toMatchObject({ ok: false, reason: 'row contains a NUL character' });
  });
});

describe('bulk records of the non-domestic and display files', () => {
  const nonDomestic = registerFile('non-domestic');
  const display = registerFile('display');
  const names = (f: typeof file) => f.fields.map((x) => x.file);
  const recordOf = (f: typeof file, values: Record<string, string>) => names(f).map((n) => values[n] ?? '');
  const parse = (f: typeof file, values: Record<string, string>) => {
    const { terms, text } = dictionary();
    const parsed = parseCertificateRecord(recordOf(f, values), readHeader('certificates', names(f), f, 'certificates-2024.csv'), f.fields, copyPrefixes(f.register, 7).certificates, LATEST, terms);
    expect(parsed.ok).toBe(true);
    return columnsOf(f, (parsed as { copy: string }).copy, text);
  };

  it('types a CEPC: the A+ band of a negative asset rating, the lodgement time, an unknown air-conditioning rating, sentinels', () => {
    const row = parse(nonDomestic, {
      certificate_number: '0000-0000-0000-0000-0011', lodgement_date: '2024-05-02', lodgement_datetime: '2024-05-02 10:11:12', asset_rating: '-12', asset_rating_band: 'A+',
      floor_area: '951', building_level: '3', aircon_present: 'Yes', aircon_kw_rating: '', primary_energy_value: 'N/A', transaction_type: 'Mandatory issue (Marketed sale).', uprn: '100023336956',
    });
    expect(row).toMatchObject({
      registration_date: '2024-05-02', lodgement_datetime: '2024-05-02T10:11:12+00:00', asset_rating: '-12', current_energy_efficiency_band: 'A+', floor_area: '951', building_level: '3',
      aircon_present: 'Yes', aircon_kw_rating: null, primary_energy_value: null, transaction_type: 'Mandatory issue (Marketed sale).', uprn: '100023336956', bulk_extra: null,
    });
  });

  it('types a DEC: 9999 (a default DEC) is an unknown rating, its band kept; Y/N and rounded figures as written', () => {
    const row = parse(display, {
      certificate_number: '0000-0000-0000-0000-0012', lodgement_date: '2024-05-02', current_operational_rating: '9999', yr1_operational_rating: '9999', yr2_operational_rating: '87',
      operational_rating_band: 'G', aircon_present: 'N', total_floor_area: '1250', annual_thermal_fuel_usage: '212', nominated_date: '2024-03-01', other_fuel: 'Waste wood',
    });
    expect(row).toMatchObject({
      current_operational_rating: null, yr1_operational_rating: null, yr2_operational_rating: '87', current_energy_efficiency_band: 'G', aircon_present: 'N',
      total_floor_area: '1250', annual_thermal_fuel_usage: '212', nominated_date: '2024-03-01', other_fuel_desc: 'Waste wood', bulk_extra: null,
    });
    // 9999 means unknown only where the declaration says so.
    expect(parse(display, { certificate_number: '0000-0000-0000-0000-0013', lodgement_date: '2024-05-02', total_floor_area: '9999' }).total_floor_area).toBe('9999');
  });

  it('tells a register\'s file from another\'s by its header, naming both', () => {
    expect(() => readHeader('certificates', names(file), display, 'certificates-2024.csv')).toThrow(
      /^certificates-2024\.csv is from the domestic register's bulk file \(its header has built_form, co2_emiss_curr_per_floor_area, co2_emissions_current\), not the display register's: import it as domestic \(import-bulk --register domestic\)$/,
    );
    expect(() => readHeader('certificates', names(display), nonDomestic, 'certificates-2024.csv')).toThrow(/is from the display register's bulk file .*not the non-domestic register's/);
    expect(() => readHeader('certificates', names(nonDomestic).map((n) => n.toUpperCase()), file, 'c.csv')).toThrow(/is from the non-domestic register's bulk file .*asset_rating/);
    expect(() => readHeader('recommendations', file.recommendations.map((f) => f.file), display, 'recommendations-2024.csv')).toThrow(/is from the domestic register's bulk file/);
    expect(() => readHeader('recommendations', display.recommendations.map((f) => f.file), file, 'recommendations-2024.csv')).toThrow(/is from the (non-domestic|display) register's bulk file/);
    // The two recommendation reports' files have the same columns: only the certificates entries tell them apart.
    expect(readHeader('recommendations', nonDomestic.recommendations.map((f) => f.file), display, 'recommendations-2024.csv').unknown).toEqual([]);
    // A file that gained a column another register has is still its own register's.
    expect(readHeader('certificates', [...names(file), 'asset_rating'], file, 'certificates-2024.csv').unknown).toEqual([[93, 'asset_rating']]);
  });

  it('keys a report recommendation by certificate and item, with its payback and code; the number that only repeats the certificate is not the report\'s', () => {
    const header = readHeader('recommendations', display.recommendations.map((f) => f.file), display, 'recommendations-2024.csv');
    const { terms, text } = dictionary();
    const parse = (fields: string[]) => recommendationOf(parseRecommendationRecord(fields, header, display.recommendations, terms), display, text);
    const number = '0000-0000-0000-0000-0012';
    expect(parse([number, number, 'SHORT', '2', 'EPC-L7', 'Introduce HF (high frequency) ballasts, "now"'])).toEqual({
      ok: true, certificate: number, item: 2,
      values: { related_certificate_number: null, payback_type: 'SHORT', recommendation_code: 'EPC-L7', description: 'Introduce HF (high frequency) ballasts, "now"' },
    });
    expect(parse([number, '0000-0000-0000-0000-0099', 'OTHER', '5', '', 'Own words'])).toEqual({
      ok: true, certificate: number, item: 5,
      values: { related_certificate_number: '0000-0000-0000-0000-0099', payback_type: 'OTHER', recommendation_code: null, description: 'Own words' },
    });
    expect(parse([number, number, 'LONG', '', 'EPC-R5', 'x'])).toMatchObject({ ok: false, reason: expect.stringMatching(/^recommendation_item is not a whole number/) });
  });
});
