import { describe, expect, it } from 'vitest';
import { codeRows, codesStale, lookupRows, normaliseSchemaVersion } from '../../src/codes/parse.js';

const v = (value: unknown, schemaVersion: unknown = 'RdSAP-Schema-20.0.0', assessmentType: unknown = 'RdSAP') => ({ value, schemaVersion, assessmentType });

describe('reading the codes lookup from the API', () => {
  it('keeps one row per key, schema version and assessment type, where the same key means different things', () => {
    const parsed = codeRows('energy_tariff', [
      { key: '1', values: [v('dual'), v('standard tariff', 'SAP-Schema-16.3', 'SAP'), v('dual', 'SAP-Schema-16.3', 'RdSAP')] },
      { key: '2', values: [v('Single')] },
    ]);
    expect(parsed.rows).toEqual([
      { attribute: 'energy_tariff', key: '1', schemaVersion: 'RdSAP-Schema-20.0.0', assessmentType: 'RdSAP', value: 'dual' },
      { attribute: 'energy_tariff', key: '1', schemaVersion: 'SAP-Schema-16.3', assessmentType: 'SAP', value: 'standard tariff' },
      { attribute: 'energy_tariff', key: '1', schemaVersion: 'SAP-Schema-16.3', assessmentType: 'RdSAP', value: 'dual' },
      { attribute: 'energy_tariff', key: '2', schemaVersion: 'RdSAP-Schema-20.0.0', assessmentType: 'RdSAP', value: 'Single' },
    ]);
    expect(parsed).toMatchObject({ keys: 2, duplicates: 0, skipped: [] });
  });

  it('keeps the first of two wordings the API sends for the same key, version and type, and counts the second', () => {
    // The service's own lookup holds "Draught proof…" and "Draughtproof…" for improvement 10 of SAP-Schema-16.0.
    const parsed = codeRows('improvement_summary', [{ key: '10', values: [v('Draught proof single-glazed windows', 'SAP-Schema-16.0', 'SAP'), v('Draughtproof single-glazed windows', 'SAP-Schema-16.0', 'SAP')] }]);
    expect(parsed.rows.map((r) => r.value)).toEqual(['Draught proof single-glazed windows']);
    expect(parsed.duplicates).toBe(1);
  });

  it('stores a missing schema version or assessment type as empty text, and a "/SAP" suffix as the bare version documents carry', () => {
    const parsed = codeRows('main_fuel', [{ key: 47, values: [v('Community heating schemes: high grade heat recovered from process', 'SAP-Schema-19.1.0/SAP', 'SAP'), { value: 'mains gas', schemaVersion: null }] }]);
    expect(parsed.rows.map(({ key, schemaVersion, assessmentType }) => ({ key, schemaVersion, assessmentType }))).toEqual([
      { key: '47', schemaVersion: 'SAP-Schema-19.1.0', assessmentType: 'SAP' },
      { key: '47', schemaVersion: '', assessmentType: '' },
    ]);
    expect(normaliseSchemaVersion(' RdSAP-Schema-21.0.1 ')).toBe('RdSAP-Schema-21.0.1');
    expect(normaliseSchemaVersion('RdSAP-Schema-20.0.0/RdSAP')).toBe('RdSAP-Schema-20.0.0');
  });

  it('leaves out, with a reason, an entry without a key and a value that is not text', () => {
    const parsed = codeRows('tenure', [{ key: null, values: [v('Owner-occupied')] }, { key: '2', values: [v(null), v(''), v('rented (social)')] }]);
    expect(parsed.rows.map((r) => r.value)).toEqual(['rented (social)']);
    expect(parsed.skipped).toHaveLength(3);
    expect(parsed.skipped[0]).toMatch(/^tenure: an entry without a key/);
  });

  it('reports attributes, keys and values over every answer, naming attributes the API had no values for', () => {
    const { rows, report } = lookupRows([
      { attribute: 'built_form', entries: [{ key: '1', values: [v('Detached')] }, { key: '2', values: [v('Semi-Detached'), v('Semi-Detached', 'SAP-Schema-16.3', 'SAP')] }] },
      { attribute: 'heat_loss_corridor', entries: [] },
    ]);
    expect(rows).toHaveLength(3);
    expect(report).toEqual({ attributes: 2, keys: 2, values: 3, duplicates: 0, skipped: 0, withoutValues: ['heat_loss_corridor'] });
  });
});

describe('when the sync refreshes the lookup', () => {
  const now = new Date('2026-11-07T02:30:00Z');
  it('refreshes an empty lookup and one older than a week, and leaves a younger one', () => {
    expect(codesStale(null, now)).toBe(true);
    expect(codesStale(new Date('2026-10-31T02:29:00Z'), now)).toBe(true);
    expect(codesStale(new Date('2026-10-31T02:31:00Z'), now)).toBe(false);
    expect(codesStale(new Date('2026-11-06T02:30:00Z'), now)).toBe(false);
  });
});
