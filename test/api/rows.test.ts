import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSearchRow } from '../../src/api/rows.js';

const good = {
  certificateNumber: '0000-0000-0000-0000-0000',
  addressLine1: '1 Heol y Ŵyn, "Tŷ Bach"',
  addressLine2: 'Line\nbreak ',
  addressLine3: null,
  addressLine4: null,
  postcode: 'SW10 0AA',
  postTown: 'Whitbury',
  council: null,
  constituency: null,
  currentEnergyEfficiencyBand: null,
  registrationDate: '2020-05-04',
  uprn: 100121241798,
  schemaType: 'RdSAP-Schema-20.0.0',
};

describe('search row validation', () => {
  it('keeps text byte for byte, nulls as nulls', () => {
    expect(parseSearchRow(good)).toEqual({ ok: true, row: good });
  });

  it('accepts every real Exeter row', () => {
    const lines = readFileSync(new URL('../fixtures/exeter-flats.jsonl', import.meta.url), 'utf8').trim().split('\n');
    const failures = lines.map((l) => parseSearchRow(JSON.parse(l))).filter((p) => !p.ok);
    expect(lines.length).toBe(4092);
    expect(failures).toEqual([]);
  });

  it.each([
    ['no certificate number', { ...good, certificateNumber: undefined }, /certificateNumber/],
    ['a malformed certificate number', { ...good, certificateNumber: '123' }, /certificateNumber/],
    ['a bad date', { ...good, registrationDate: '2020-02-30' }, /registrationDate/],
    ['a uprn that is not a number', { ...good, uprn: 'UPRN-12' }, /uprn/],
    ['a negative uprn', { ...good, uprn: -4 }, /uprn/],
    ['a band outside A-G', { ...good, currentEnergyEfficiencyBand: 'c' }, /Band/],
    ['a number where text belongs', { ...good, postcode: 12 }, /postcode/],
    ['a NUL character', { ...good, addressLine1: 'a\u0000b' }, /NUL/],
    ['not an object', 'row', /not a JSON object/],
  ])('rejects %s with a reason', (_name, raw, reason) => {
    const parsed = parseSearchRow(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('keeps a non-domestic row\'s report number, and adds none to a row that has no such key', () => {
    const nonDomestic = { ...good, schemaType: 'CEPC-8.0.0', relatedRrn: '1111-2222-3333-4444-5555' };
    expect(parseSearchRow(nonDomestic)).toEqual({ ok: true, row: nonDomestic });
    expect(parseSearchRow({ ...nonDomestic, relatedRrn: null })).toEqual({ ok: true, row: { ...nonDomestic, relatedRrn: null } });
    const parsed = parseSearchRow(good);
    expect(parsed.ok && 'relatedRrn' in parsed.row).toBe(false);
    for (const bad of ['', 'RRN-1', 42]) expect(parseSearchRow({ ...nonDomestic, relatedRrn: bad })).toMatchObject({ ok: false, reason: expect.stringMatching(/relatedRrn/) });
  });

  it('accepts A+, the band of a non-domestic or display building rated below zero', () => {
    expect(parseSearchRow({ ...good, currentEnergyEfficiencyBand: 'A+' })).toMatchObject({ ok: true, row: { currentEnergyEfficiencyBand: 'A+' } });
    expect(parseSearchRow({ ...good, currentEnergyEfficiencyBand: 'B+' }).ok).toBe(false);
  });

  it('accepts a numeric-string uprn as the number', () => {
    expect(parseSearchRow({ ...good, uprn: '42' })).toMatchObject({ ok: true, row: { uprn: 42 } });
  });
});
