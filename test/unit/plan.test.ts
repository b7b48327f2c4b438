import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDay, isIsoDay, newestQueryableDay } from '../../src/days.js';
import { planBackfill, planSync } from '../../src/sync/plan.js';

describe('days', () => {
  it('accepts only real calendar days', () => {
    expect(isIsoDay('2024-02-29')).toBe(true);
    expect(isIsoDay('2023-02-29')).toBe(false);
    expect(isIsoDay('2024-2-9')).toBe(false);
    expect(isIsoDay('20240209')).toBe(false);
  });

  it('walks ranges across month, year and DST boundaries', () => {
    expect([...eachDay('2025-12-30', '2026-01-02')]).toEqual(['2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02']);
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(daysBetween('2026-10-24', '2026-10-27')).toBe(3);
  });

  it('never asks the API for today, in London or in UTC', () => {
    expect(newestQueryableDay(new Date('2026-11-24T12:00:00Z'), 'Europe/London')).toBe('2026-11-23');
    // 00:30 in London during BST is still the previous day in UTC: yesterday is the UTC one.
    expect(newestQueryableDay(new Date('2026-07-14T23:30:00Z'), 'Europe/London')).toBe('2026-07-13');
  });
});

describe('planning a sync', () => {
  it('starts at SYNC_START_DATE on an empty checkpoint and ends at yesterday', () => {
    const items = planSync({ startDate: '2026-11-20', newest: '2026-11-23', frontier: null, notDone: [], recentDone: [] });
    expect(items).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'].map((day) => ({ day, force: false })));
  });

  it('continues after the frontier, retries earlier days that are not done, then re-checks recent done days', () => {
    const items = planSync({
      startDate: '2020-01-01',
      newest: '2026-11-23',
      frontier: '2026-11-21',
      notDone: ['2026-11-02', '2026-11-22'],
      recentDone: [
        { day: '2026-11-21', expectedCount: 10 },
        { day: '2026-11-20', expectedCount: 7 },
      ],
    });
    expect(items.map((i) => i.day)).toEqual(['2026-11-02', '2026-11-22', '2026-11-23', '2026-11-20', '2026-11-21']);
    expect(items.filter((i) => i.lookbackExpected !== undefined)).toEqual([
      { day: '2026-11-20', force: true, lookbackExpected: 7 },
      { day: '2026-11-21', force: true, lookbackExpected: 10 },
    ]);
  });

  it('only re-checks when the frontier is already yesterday', () => {
    const items = planSync({ startDate: '2020-01-01', newest: '2026-11-23', frontier: '2026-11-23', notDone: [], recentDone: [{ day: '2026-11-23', expectedCount: 3 }] });
    expect(items).toEqual([{ day: '2026-11-23', force: true, lookbackExpected: 3 }]);
  });
});

describe('planning a backfill', () => {
  it('skips done days unless forced', () => {
    const done = new Set(['2026-01-02']);
    expect(planBackfill('2026-01-01', '2026-01-03', done, false).map((i) => i.day)).toEqual(['2026-01-01', '2026-01-03']);
    expect(planBackfill('2026-01-01', '2026-01-03', done, true)).toEqual(
      ['2026-01-01', '2026-01-02', '2026-01-03'].map((day) => ({ day, force: true })),
    );
  });
});
