import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, eachDay, isIsoDay, newestQueryableDay } from '../../src/days.js';
import { planBackfill, planSync, syncStart, untouchedBefore } from '../../src/sync/plan.js';

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
    expect(items).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'].map((day) => ({ day, force: false, reason: 'new' })));
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
    expect(items.map((i) => [i.day, i.reason])).toEqual([
      ['2026-11-02', 'retry'],
      ['2026-11-22', 'new'],
      ['2026-11-23', 'new'],
      ['2026-11-20', 'lookback'],
      ['2026-11-21', 'lookback'],
    ]);
    expect(items.filter((i) => i.lookbackExpected !== undefined)).toEqual([
      { day: '2026-11-20', force: true, lookbackExpected: 7, reason: 'lookback' },
      { day: '2026-11-21', force: true, lookbackExpected: 10, reason: 'lookback' },
    ]);
  });

  it('only re-checks when the frontier is already yesterday', () => {
    const items = planSync({ startDate: '2020-01-01', newest: '2026-11-23', frontier: '2026-11-23', notDone: [], recentDone: [{ day: '2026-11-23', expectedCount: 3 }] });
    expect(items).toEqual([{ day: '2026-11-23', force: true, lookbackExpected: 3, reason: 'lookback' }]);
  });
});

describe('a raised SYNC_START_DATE', () => {
  // A first run that failed (a refused token) left every day since 2007-08-01 pending, untouched.
  const untouched = [...eachDay('2007-08-01', '2026-11-23')];

  it('walks only from the new start: untouched days before it never pin the start', () => {
    const items = planSync({ startDate: '2026-11-20', newest: '2026-11-23', frontier: null, notDone: untouched, untouched, recentDone: [] });
    expect(items).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23'].map((day) => ({ day, force: false, reason: 'new' })));
  });

  it('drops exactly the untouched days before it; days with an outcome or rows are not among them and are retried', () => {
    expect(untouchedBefore('2026-11-20', untouched)).toEqual([...eachDay('2007-08-01', '2026-11-19')]);
    // 2008-03-03 failed once (not untouched): it stays and is retried, whatever the start date.
    const items = planSync({ startDate: '2026-11-22', newest: '2026-11-23', frontier: null, notDone: ['2008-03-03', '2026-11-21'], untouched: ['2026-11-21'], recentDone: [] });
    expect(items.map((i) => [i.day, i.reason])).toEqual([['2008-03-03', 'retry'], ['2026-11-22', 'new'], ['2026-11-23', 'new']]);
  });

  it('keeps untouched days from the start date on: they are the walk itself', () => {
    const items = planSync({ startDate: '2026-11-20', newest: '2026-11-23', frontier: '2026-11-22', notDone: ['2026-11-20', '2026-11-21'], untouched: ['2026-11-20', '2026-11-21'], recentDone: [] });
    expect(items.map((i) => [i.day, i.reason])).toEqual([['2026-11-20', 'retry'], ['2026-11-21', 'retry'], ['2026-11-23', 'new']]);
  });

  it('starts after the frontier, or at SYNC_START_DATE when it was raised past the frontier', () => {
    expect(syncStart(null, '2007-08-01')).toBe('2007-08-01');
    expect(syncStart('2026-10-30', '2007-08-01')).toBe('2026-10-31');
    expect(syncStart('2026-10-30', '2026-11-20')).toBe('2026-11-20');
    const items = planSync({ startDate: '2026-11-22', newest: '2026-11-23', frontier: '2026-10-30', notDone: [], recentDone: [] });
    expect(items.map((i) => i.day)).toEqual(['2026-11-22', '2026-11-23']);
  });
});

describe('planning the re-verification of old days', () => {
  const input = {
    startDate: '2020-01-01',
    newest: '2026-11-23',
    frontier: '2026-11-22',
    notDone: ['2026-03-03'],
    recentDone: [
      { day: '2026-11-22', expectedCount: 5 },
      { day: '2026-11-21', expectedCount: 4 },
    ],
  };

  it('walks the most overdue done days in full, after everything else, most overdue first', () => {
    const items = planSync({ ...input, reverifyDays: 2, reverifyCandidates: ['2019-05-06', '2008-01-02', '2012-12-12'] });
    expect(items.slice(-2)).toEqual([
      { day: '2019-05-06', force: true, reason: 'reverify' },
      { day: '2008-01-02', force: true, reason: 'reverify' },
    ]);
    // A plain forced walk: no lookback probe decides to skip it.
    expect(items.filter((i) => i.reason === 'reverify').every((i) => i.lookbackExpected === undefined)).toBe(true);
    expect(items.map((i) => i.reason)).toEqual(['retry', 'new', 'lookback', 'lookback', 'reverify', 'reverify']);
  });

  it('leaves out days the sync works anyway and fills up from the next candidates', () => {
    const items = planSync({
      ...input,
      reverifyDays: 2,
      reverifyCandidates: ['2026-11-21', '2026-03-03', '2026-11-23', '2010-10-10', '2010-10-10', '2011-11-11', '2013-01-01'],
    });
    expect(items.filter((i) => i.reason === 'reverify').map((i) => i.day)).toEqual(['2010-10-10', '2011-11-11']);
    // Each day once in the whole plan.
    expect(new Set(items.map((i) => i.day)).size).toBe(items.length);
  });

  it('plans none when SYNC_REVERIFY_DAYS is 0, and never a day after yesterday', () => {
    expect(planSync({ ...input, reverifyDays: 0, reverifyCandidates: ['2010-10-10'] }).some((i) => i.reason === 'reverify')).toBe(false);
    expect(planSync({ ...input, reverifyCandidates: ['2010-10-10'] }).some((i) => i.reason === 'reverify')).toBe(false);
    expect(planSync({ ...input, reverifyDays: 5, reverifyCandidates: ['2026-11-24'] }).some((i) => i.reason === 'reverify')).toBe(false);
  });
});

describe('planning a backfill', () => {
  it('skips done days unless forced', () => {
    const done = new Set(['2026-01-02']);
    expect(planBackfill('2026-01-01', '2026-01-03', done, false).map((i) => i.day)).toEqual(['2026-01-01', '2026-01-03']);
    expect(planBackfill('2026-01-01', '2026-01-03', done, true)).toEqual(
      ['2026-01-01', '2026-01-02', '2026-01-03'].map((day) => ({ day, force: true, reason: 'backfill' })),
    );
  });
});
