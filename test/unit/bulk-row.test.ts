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
  const header = readHeader('certificates', names, file.fields, 'certificates-2021.csv');

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
    const wider = readHeader('certificates', [...names, 'heat_pump_flag'], file.fields, 'certificates-2021.csv');
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
    const h = readHeader('certificates', legacy, file.fields, 'certificates.csv');
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
    expect(() => readHeader('certificates', ['NAME', 'VALUE'], file.fields, 'other.csv')).toThrow(/other.csv: the header has no certificate_number, lodgement_date column/);
  });
});

describe('bulk recommendation records', () => {
  const header = readHeader('recommendations', file.recommendations.map((f) => f.file), file.recommendations, 'recommendations-2021.csv');

  it('keys a recommendation by certificate and item and keeps its texts', () => {
    const parsed = parseRecommendationRecord(['0000-0000-0000-0000-0001', '2', '5', 'Increase loft insulation to 270 mm', 'Loft, "thick", insulation', '£100 - £350'], header, file.recommendations, prefix.recommendations);
    expect(parsed).toMatchObject({ ok: true, key: '0000-0000-0000-0000-0001#2', copy: 'domestic\tbulk\t7\t0000-0000-0000-0000-0001\t2\t5\tIncrease loft insulation to 270 mm\tLoft, "thick", insulation\t£100 - £350\n' });
  });

  it('rejects a recommendation with no item', () => {
    expect(parseRecommendationRecord(['0000-0000-0000-0000-0001', '', '5', 'x', 'y', ''], header, file.recommendations, prefix.recommendations)).toMatchObject({ ok: false, reason: expect.stringMatching(/^improvement_item/) });
  });
});
