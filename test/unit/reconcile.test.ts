import { describe, expect, it } from 'vitest';
import { DayCollector, packNames, refetchPageSize } from '../../src/sync/reconcile.js';

const DAY = '2026-01-05';
const row = (n: number, band: string | null, day = DAY) => ({
  certificateNumber: `0000-0000-0000-0000-${String(n).padStart(4, '0')}`,
  addressLine1: `${n} Some Street`,
  addressLine2: null,
  addressLine3: null,
  addressLine4: null,
  postcode: 'EX4 2LR',
  postTown: 'EXETER',
  council: 'Exeter',
  constituency: 'Exeter',
  currentEnergyEfficiencyBand: band,
  registrationDate: day,
  uprn: 100041141774,
  schemaType: 'RdSAP-Schema-21.0.0',
});

describe('collecting a day', () => {
  it('counts a certificate seen on two overlapping pages once', () => {
    const c = new DayCollector(DAY);
    c.add([row(1, 'C'), row(2, 'D')]);
    c.add([row(2, 'D'), row(3, 'C')]);
    expect(c.seen).toBe(3);
    expect([...c.rows.keys()]).toHaveLength(3);
  });

  it('keeps a malformed row of the day as a reject that still counts toward the day', () => {
    const c = new DayCollector(DAY);
    const bad = { ...row(4, 'C'), uprn: -1 };
    c.add([row(1, 'C'), bad, bad]);
    expect(c.rows.size).toBe(1);
    expect([...c.rejects.values()]).toEqual([{ source: 'api', day: DAY, reason: expect.stringMatching(/uprn/), raw: JSON.stringify(bad) }]);
    expect(c.seen).toBe(2);
    // Its facts are read leniently, so the groups it belongs to count it too.
    expect(c.facts.get(JSON.stringify(bad))).toMatchObject({ band: 'C', council: 'Exeter', address: '4 some street exeter' });
  });

  it('keeps rows registered on another day apart: they never count toward the day asked', () => {
    const c = new DayCollector('2024-01-02');
    // What a mock built from the OpenAPI spec answers for any day: its one example row.
    const example = { ...row(9, 'B', '2020-05-04'), certificateNumber: '0000-0000-0000-0000-0000' };
    c.add([example, example]);
    expect(c.seen).toBe(0);
    expect(c.rows.size).toBe(0);
    expect([...c.strays.values()]).toEqual([example]);
  });

  it('files a malformed row of another day under that day, uncounted; one naming no day under the day asked, uncounted', () => {
    const c = new DayCollector(DAY);
    const otherDay = { ...row(5, 'C', '2026-01-04'), uprn: 'x' };
    const noDay = { ...row(6, 'C'), registrationDate: '05/01/2026' };
    c.add([otherDay, noDay]);
    expect([...c.rejects.values()].map((r) => r.day)).toEqual(['2026-01-04', DAY]);
    expect(c.seen).toBe(0);
  });
});

describe('re-fetch page sizes', () => {
  it('vary the page size on each re-fetch, within the API range 1..5000', () => {
    expect([1, 2, 3].map((a) => refetchPageSize(5000, a))).toEqual([4999, 4998, 4997]);
    expect([1, 2].map((a) => refetchPageSize(1, a))).toEqual([2, 3]);
  });
});

describe('packing names', () => {
  it('packs names into groups that fit the limit, busiest first', () => {
    const counts = new Map([['Leeds', 6], ['York', 3], ['Cardiff', 2]]);
    expect(packNames(counts, 5)).toEqual([['Leeds'], ['York', 'Cardiff']]);
    expect(packNames(counts, 100)).toEqual([['Leeds', 'York', 'Cardiff']]);
    expect(packNames(counts, 100, 2)).toEqual([['Leeds', 'York'], ['Cardiff']]);
  });
});
