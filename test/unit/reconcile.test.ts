import { describe, expect, it } from 'vitest';
import { DayCollector, assessDay, councilGroups, refetchPageSize, type Band } from '../../src/sync/reconcile.js';

const row = (n: number, band: string | null) => ({
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
  registrationDate: '2026-01-05',
  uprn: 100041141774,
  schemaType: 'RdSAP-Schema-21.0.0',
});

describe('reconciliation', () => {
  it('counts a certificate seen on two overlapping pages once', () => {
    const c = new DayCollector('2026-01-05');
    c.add([row(1, 'C'), row(2, 'D')]);
    c.add([row(2, 'D'), row(3, 'C')]);
    expect(c.seen).toBe(3);
    expect(assessDay(3, c)).toEqual({ complete: true, shortfall: 0, short: [] });
  });

  it('keeps a malformed row as a reject that still counts toward the day', () => {
    const c = new DayCollector('2026-01-05');
    const bad = { ...row(4, 'C'), certificateNumber: null };
    c.add([row(1, 'C'), bad, bad]);
    expect(c.rows.size).toBe(1);
    expect([...c.rejects.values()]).toEqual([
      { source: 'api', day: '2026-01-05', reason: expect.stringMatching(/certificate/i), raw: JSON.stringify(bad) },
    ]);
    expect(assessDay(2, c).complete).toBe(true);
  });

  it('without band totals, asks for the whole day again', () => {
    const c = new DayCollector('2026-01-05');
    c.add([row(1, 'C')]);
    expect(assessDay(3, c)).toEqual({ complete: false, shortfall: 2, short: [{ band: null, expected: 3, have: 1 }] });
  });

  it('with band totals, names the short bands and the rows with no band', () => {
    const c = new DayCollector('2026-01-05');
    c.add([row(1, 'C'), row(2, 'C'), row(3, 'D'), row(4, null)]);
    const totals = new Map<Band, number>([['C', 3], ['D', 1]]);
    // 6 in all: 3 C (have 2), 1 D (have 1), 2 with no band (have 1).
    expect(assessDay(6, c, totals)).toEqual({
      complete: false,
      shortfall: 2,
      short: [
        { band: 'C', expected: 3, have: 2 },
        { band: null, expected: 2, have: 1 },
      ],
    });
  });

  it('falls back to the whole day when band totals disagree with the day total', () => {
    const c = new DayCollector('2026-01-05');
    c.add([row(1, 'C')]);
    const totals = new Map<Band, number>([['C', 1]]);
    expect(assessDay(2, c, totals).short).toEqual([{ band: null, expected: 1, have: 0 }]);
    const moved = new Map<Band, number>([['C', 1], ['D', 1]]);
    c.add([row(2, 'E')]);
    expect(assessDay(3, c, moved).short).toEqual([
      { band: 'D', expected: 1, have: 0 },
      { band: null, expected: 1, have: 0 },
    ]);
  });

  it('varies the page size on each re-fetch, never below 1', () => {
    expect([1, 2, 3].map((a) => refetchPageSize(5000, a))).toEqual([4999, 4998, 4997]);
    expect(refetchPageSize(1, 3)).toBe(1);
  });
});

describe('council groups', () => {
  it('packs the councils of a day into groups that fit one page, busiest first', () => {
    const c = new DayCollector('2026-01-05');
    const rows = [
      ...Array.from({ length: 6 }, (_, i) => ({ ...row(i, 'C'), council: 'Leeds' })),
      ...Array.from({ length: 3 }, (_, i) => ({ ...row(10 + i, 'D'), council: 'York' })),
      ...Array.from({ length: 2 }, (_, i) => ({ ...row(20 + i, null), council: 'Cardiff' })),
      { ...row(30, null), council: null },
    ];
    c.add(rows);
    expect(councilGroups(c, 5)).toEqual([['Leeds'], ['York', 'Cardiff']]);
    expect(councilGroups(c, 100)).toEqual([['Leeds', 'York', 'Cardiff']]);
    expect(councilGroups(c, 100, 2)).toEqual([['Leeds', 'York'], ['Cardiff']]);
  });
});
