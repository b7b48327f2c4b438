import { describe, expect, it } from 'vitest';
import type { CertificateRow } from '../../src/db/certificates.js';
import type { RejectedRow } from '../../src/db/rejects.js';
import { servedNumbers } from '../../src/sync/served.js';

const row = (n: string) => ({ certificateNumber: n }) as CertificateRow;
const reject = (raw: unknown): RejectedRow => ({ source: 'api', day: '2026-03-04', reason: 'bad', raw: JSON.stringify(raw) });

describe('what an exact walk proves the API serves for a day', () => {
  it('is every stored row, and the number of every row it had to reject', () => {
    expect(
      servedNumbers({ complete: true, rows: [row('0000-0000-0000-0000-0001')], rejects: [reject({ certificateNumber: '0000-0000-0000-0000-0002', currentEnergyEfficiencyBand: 'Z' })] }),
    ).toEqual(['0000-0000-0000-0000-0001', '0000-0000-0000-0000-0002']);
    // An empty day, answered as such, proves the day holds nothing.
    expect(servedNumbers({ complete: true, rows: [], rejects: [] })).toEqual([]);
  });

  it('counts a row the day\'s queries returned under another date as served', () => {
    expect(servedNumbers({ complete: true, rows: [], rejects: [], strays: [row('0000-0000-0000-0000-0003')] })).toEqual(['0000-0000-0000-0000-0003']);
  });

  it('proves nothing on a non-domestic day that counts certificates it never serves', () => {
    const walk = { complete: true, rows: [row('0000-0000-0000-0000-0001')], rejects: [], served: 1 };
    // A stored certificate not served may be one without a recommendation report: no proof it is gone.
    expect(servedNumbers({ ...walk, notServed: 3 })).toBeNull();
    // A day answered 404 says nothing of what it counts.
    expect(servedNumbers({ complete: true, rows: [], rejects: [], served: 0, notServed: null })).toBeNull();
    // Serving all it counts, the day proves as a domestic day does.
    expect(servedNumbers({ ...walk, notServed: 0 })).toEqual(['0000-0000-0000-0000-0001']);
  });

  it('proves nothing when the walk fell short', () => {
    expect(servedNumbers({ complete: false, rows: [row('0000-0000-0000-0000-0001')], rejects: [] })).toBeNull();
  });

  it('proves nothing when a rejected row has no number to tell which certificate it was', () => {
    for (const raw of [{ certificateNumber: null }, { certificateNumber: 7 }, 'not an object', null, [1, 2]]) {
      expect(servedNumbers({ complete: true, rows: [row('0000-0000-0000-0000-0001')], rejects: [reject(raw)] })).toBeNull();
    }
    expect(servedNumbers({ complete: true, rows: [], rejects: [{ source: 'api', day: null, reason: 'bad', raw: '{not json' }] })).toBeNull();
  });
});
