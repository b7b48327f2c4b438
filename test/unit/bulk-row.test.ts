import { describe, expect, it } from 'vitest';
import { bulkDate, bulkUprn, parseBulkRecord, readHeader } from '../../src/bulk/row.js';

const header = readHeader(['CERTIFICATE_NUMBER', 'ADDRESS1', 'UPRN', 'CURRENT_ENERGY_RATING', 'LODGEMENT_DATE', 'FLOOR_DESCRIPTION', 'POSTCODE', 'FLOOR_DESCRIPTION']);
const fields = (over: Partial<Record<number, string>> = {}) => {
  const f = ['0000-0000-0000-0000-0001', '1 Some "Street"', 'UPRN-000000000123', 'e', '22/02/2021', 'Solid', 'SW1A 2AA', 'Suspended'];
  for (const [i, v] of Object.entries(over)) f[Number(i)] = v!;
  return f;
};

describe('bulk CSV rows', () => {
  it('names repeated columns apart and keeps every field', () => {
    expect(header.names).toContain('FLOOR_DESCRIPTION__2');
    const parsed = parseBulkRecord(fields(), header);
    expect(parsed).toMatchObject({
      ok: true,
      row: { certificateNumber: '0000-0000-0000-0000-0001', addressLine1: '1 Some "Street"', uprn: 123, currentEnergyEfficiencyBand: 'E', registrationDate: '2021-02-22', postcode: 'SW1A 2AA', council: null },
    });
    // The whole row as JSON, every field under its own name, quotes and all.
    const whole = JSON.parse((parsed as { json: string }).json) as Record<string, string>;
    expect(Object.keys(whole)).toEqual(header.names);
    expect(whole).toMatchObject({ FLOOR_DESCRIPTION: 'Solid', FLOOR_DESCRIPTION__2: 'Suspended', ADDRESS1: '1 Some "Street"' });
  });

  it('reads the file dates, UPRN forms and empty values it really has', () => {
    expect(bulkDate('22/02/2021')).toBe('2021-02-22');
    expect(bulkDate('22/02/2021 00:00')).toBe('2021-02-22');
    expect(bulkDate('2021-02-22')).toBe('2021-02-22');
    expect(bulkDate('31/02/2021')).toBeNull();
    expect(bulkDate('02/22/2021')).toBeNull();
    expect(bulkUprn('UPRN-000000000000')).toBeNull();
    expect(bulkUprn('')).toBeNull();
    expect(bulkUprn('100041141774')).toBe(100041141774);
    expect(bulkUprn('UPRN-12a')).toBeUndefined();
  });

  it.each([
    ['a bad certificate number', { 0: '123' }, /CERTIFICATE_NUMBER/],
    ['a date that is not a date', { 4: '2021/02/22' }, /LODGEMENT_DATE/],
    ['a UPRN that is not a number', { 2: 'unknown' }, /UPRN/],
    ['a band outside a-g', { 3: 'x' }, /CURRENT_ENERGY_RATING/],
  ])('rejects %s with a reason', (_n, over, reason) => {
    const parsed = parseBulkRecord(fields(over), header);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('rejects a row whose field count differs from the header', () => {
    expect(parseBulkRecord(fields().slice(0, 5), header)).toMatchObject({ ok: false, reason: 'row has 5 fields, the header 8', day: '2021-02-22' });
  });

  it('refuses a file that is not the domestic bulk CSV', () => {
    expect(() => readHeader(['LMK_KEY', 'ADDRESS1'])).toThrow(/no CERTIFICATE_NUMBER, LODGEMENT_DATE column/);
  });
});
