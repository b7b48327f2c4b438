import { describe, expect, it } from 'vitest';
import { parseCertificateRecord, parseRecommendationRecord, readHeader } from '../../src/bulk/row.js';
import { copyPrefixes, registerFile } from '../../src/registers/index.js';

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

/** The COPY record back as column → value (null for \N). */
function columns(copy: string): Record<string, string | null> {
  const values = copy.replace(/\n$/, '').split('\t').slice(2);
  const cols = [...file.fields.map((f) => f.column), 'bulk_extra'];
  return Object.fromEntries(cols.map((c, i) => [c, values[i] === '\\N' ? null : values[i]!]));
}

describe('bulk certificate records', () => {
  const header = readHeader('certificates', names, file, 'certificates-2021.csv');

  it('types every column: numbers, dates, the lodgement time, the band and the UPRN', () => {
    const parsed = parseCertificateRecord(record(), header, file.fields, prefix.certificates, LATEST);
    expect(parsed).toMatchObject({ ok: true, key: '0000-0000-0000-0000-0001', day: '2021-02-22', extra: false });
    const row = columns((parsed as { copy: string }).copy);
    expect(row).toMatchObject({
      registration_date: '2021-02-22', total_floor_area: '62.35', number_habitable_rooms: '5', inspection_date: '2021-02-20',
      lodgement_datetime: '2021-02-22T10:12:13.123456+00:00', uprn: '100023336956', current_energy_efficiency_band: 'C',
      address_line1: '1 Some "Street"', bulk_extra: null,
    });
  });

  it('keeps a certificate whose band is INVALID! with no band, and sentinels as NULL in typed columns only', () => {
    const parsed = parseCertificateRecord(
      record({ current_energy_rating: 'INVALID!', floor_height: 'NO DATA!', photo_supply: 'N/A', inspection_date: 'Not recorded', glazed_type: 'NO DATA!' }),
      header, file.fields, prefix.certificates, LATEST,
    );
    expect(parsed.ok).toBe(true);
    const row = columns((parsed as { copy: string }).copy);
    expect(row).toMatchObject({ current_energy_efficiency_band: null, floor_height: null, photo_supply: null, inspection_date: null, glazed_type: 'NO DATA!', bulk_extra: null });
  });

  it('keeps a value a typed column cannot read, and columns it does not know, in bulk_extra', () => {
    const wider = readHeader('certificates', [...names, 'heat_pump_flag'], file, 'certificates-2021.csv');
    expect(wider.unknown).toEqual([[names.length, 'heat_pump_flag']]);
    const parsed = parseCertificateRecord([...record({ total_floor_area: 'about 60', lodgement_datetime: 'yesterday' }), 'Y'], wider, file.fields, prefix.certificates, LATEST);
    expect(parsed).toMatchObject({ ok: true, extra: true });
    const row = columns((parsed as { copy: string }).copy);
    expect(row.total_floor_area).toBeNull();
    expect(row.lodgement_datetime).toBeNull();
    expect(JSON.parse(row.bulk_extra!)).toEqual({ total_floor_area: 'about 60', lodgement_datetime: 'yesterday', heat_pump_flag: 'Y' });
  });

  it('reads the older upper-case file: dd/mm/yyyy dates, UPRN- prefixes, lower-case bands, repeated names', () => {
    const legacy = ['CERTIFICATE_NUMBER', 'UPRN', 'CURRENT_ENERGY_RATING', 'LODGEMENT_DATE', 'LODGEMENT_DATETIME', 'FLOOR_DESCRIPTION', 'FLOOR_DESCRIPTION'];
    const h = readHeader('certificates', legacy, file, 'certificates.csv');
    const parsed = parseCertificateRecord(['0000-0000-0000-0000-0002', 'UPRN-000000000123', 'e', '22/02/2021', '22/02/2021 00:00', 'Solid', 'Solid'], h, file.fields, prefix.certificates, LATEST);
    const row = columns((parsed as { copy: string }).copy);
    expect(row).toMatchObject({ uprn: '123', current_energy_efficiency_band: 'E', registration_date: '2021-02-22', lodgement_datetime: '2021-02-22T00:00:00+00:00', floor_description: 'Solid', bulk_extra: null });
    // A repeat that differs from the first is kept, not dropped.
    const differs = parseCertificateRecord(['0000-0000-0000-0000-0002', '', '', '22/02/2021', '', 'Solid', 'Suspended'], h, file.fields, prefix.certificates, LATEST);
    expect(JSON.parse(columns((differs as { copy: string }).copy).bulk_extra!)).toEqual({ floor_description__6: 'Suspended' });
  });

  it('rejects only rows that are really broken, with the reason', () => {
    const reject = (over: Record<string, string>) => parseCertificateRecord(record(over), header, file.fields, prefix.certificates, LATEST);
    expect(reject({ certificate_number: '' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^certificate_number is not/) });
    expect(reject({ certificate_number: '0000-0000-0000-0000-00X1' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^certificate_number/) });
    expect(reject({ lodgement_date: '2021-02-30' })).toMatchObject({ ok: false, reason: expect.stringMatching(/^lodgement_date is not a date/) });
    expect(reject({ lodgement_date: '2031-01-01' })).toMatchObject({ ok: false, reason: expect.stringMatching(/after 2026-11-30/), day: null });
    expect(parseCertificateRecord(record().slice(0, 10), header, file.fields, prefix.certificates, LATEST)).toMatchObject({ ok: false, reason: 'row has 10 fields, the header 93' });
    // PostgreSQL text cannot hold NUL, in a text column or anywhere else.
    expect(reject({ address2: 'Flat\u00001' })).toMatchObject({ ok: false, reason: 'row contains a NUL character', day: '2021-02-22' });
    // Never a reject: an odd lodgement time, an odd UPRN, a sentinel anywhere.
    expect(reject({ lodgement_datetime: '2021/02/22 10am', uprn: 'not known', current_energy_efficiency: 'INVALID!' }).ok).toBe(true);
  });

  it('refuses a file that is not the register bulk file, naming what it lacks', () => {
    expect(() => readHeader('certificates', ['NAME', 'VALUE'], file, 'other.csv')).toThrow(/other.csv: the header has no certificate_number, lodgement_date column/);
  });
});

describe('bulk recommendation records', () => {
  const header = readHeader('recommendations', file.recommendations.map((f) => f.file), file, 'recommendations-2021.csv');

  it('keys a recommendation by certificate and item and keeps its texts', () => {
    const parsed = parseRecommendationRecord(['0000-0000-0000-0000-0001', '2', '5', 'Increase loft insulation to 270 mm', 'Loft, "thick", insulation', '£100 - £350'], header, file.recommendations, prefix.recommendations);
    expect(parsed).toMatchObject({ ok: true, key: '0000-0000-0000-0000-0001#2', copy: 'domestic\tbulk\t7\t0000-0000-0000-0000-0001\t2\t5\tIncrease loft insulation to 270 mm\tLoft, "thick", insulation\t£100 - £350\n' });
  });

  it('rejects a recommendation with no item', () => {
    expect(parseRecommendationRecord(['0000-0000-0000-0000-0001', '', '5', 'x', 'y', ''], header, file.recommendations, prefix.recommendations)).toMatchObject({ ok: false, reason: expect.stringMatching(/^improvement_item/) });
  });
});

describe('bulk records of the non-domestic and display files', () => {
  const nonDomestic = registerFile('non-domestic');
  const display = registerFile('display');
  const names = (f: typeof file) => f.fields.map((x) => x.file);
  const recordOf = (f: typeof file, values: Record<string, string>) => names(f).map((n) => values[n] ?? '');
  const columnsOf = (f: typeof file, copy: string) => {
    const values = copy.replace(/\n$/, '').split('\t').slice(2);
    return Object.fromEntries([...f.fields.map((x) => x.column), 'bulk_extra'].map((c, i) => [c, values[i] === '\\N' ? null : values[i]!]));
  };
  const parse = (f: typeof file, values: Record<string, string>) => {
    const parsed = parseCertificateRecord(recordOf(f, values), readHeader('certificates', names(f), f, 'certificates-2024.csv'), f.fields, copyPrefixes(f.register, 7).certificates, LATEST);
    expect(parsed.ok).toBe(true);
    return columnsOf(f, (parsed as { copy: string }).copy);
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
    const prefix = copyPrefixes('display', 7).recommendations;
    const number = '0000-0000-0000-0000-0012';
    expect(parseRecommendationRecord([number, number, 'SHORT', '2', 'EPC-L7', 'Introduce HF (high frequency) ballasts, "now"'], header, display.recommendations, prefix)).toMatchObject({
      ok: true, key: `${number}#2`, copy: `display\tbulk\t7\t${number}\t\\N\tSHORT\t2\tEPC-L7\tIntroduce HF (high frequency) ballasts, "now"\n`,
    });
    expect(parseRecommendationRecord([number, '0000-0000-0000-0000-0099', 'OTHER', '5', '', 'Own words'], header, display.recommendations, prefix)).toMatchObject({
      ok: true, copy: `display\tbulk\t7\t${number}\t0000-0000-0000-0000-0099\tOTHER\t5\t\\N\tOwn words\n`,
    });
    expect(parseRecommendationRecord([number, number, 'LONG', '', 'EPC-R5', 'x'], header, display.recommendations, prefix)).toMatchObject({ ok: false, reason: expect.stringMatching(/^recommendation_item is not a whole number/) });
  });
});
