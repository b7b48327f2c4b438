/** The cost of a run before it runs: days by reason, requests, time. */
import { describe, expect, it } from 'vitest';
import { ASSUMED_COST, estimateRun, type EstimateOptions } from '../../src/sync/estimate.js';
import type { WorkItem } from '../../src/sync/plan.js';

const options: EstimateOptions = { fetchDocuments: false, requestsPerDocument: 1, requestsPerSecond: 15, deltas: false, documentsDue: 0, requestBudget: 0 };
const items = (reason: WorkItem['reason'], n: number): WorkItem[] => Array.from({ length: n }, (_, i) => ({ day: `2026-01-${String(i + 1).padStart(2, '0')}`, force: false, reason }));

describe('estimateRun', () => {
  it('prices walked days at the recent average and a lookback day at one probe', () => {
    const e = estimateRun([...items('new', 10), ...items('lookback', 3), ...items('reverify', 5)], 'domestic', { days: 30, searchPerDay: 2, certificatesPerDay: 4000 }, options);
    expect(e.days).toEqual({ new: 10, retry: 0, lookback: 3, reverify: 5, backfill: 0 });
    expect(e.requests).toEqual({ search: 30, documents: 0, lookbackProbes: 3, deltas: 0, total: 33 });
    expect(e.seconds).toBe(3);
    expect(e.basis.assumed).toBe(false);
  });

  it('adds a document request per certificate of a new day (two for non-domestic), not for re-verified days', () => {
    const cost = { days: 30, searchPerDay: 1, certificatesPerDay: 200 };
    const e = estimateRun([...items('backfill', 4), ...items('reverify', 4)], 'non-domestic', cost, { ...options, fetchDocuments: true, requestsPerDocument: 2 });
    expect(e.requests.documents).toBe(4 * 200 * 2);
    expect(e.requests.total).toBe(8 + 1600);
  });

  it('stops the documents backlog at the request budget, and counts the deltas once', () => {
    const e = estimateRun(items('new', 2), 'domestic', { days: 5, searchPerDay: 2, certificatesPerDay: 0 }, {
      ...options, fetchDocuments: true, documentsDue: 50_000, requestBudget: 10_000, deltas: true,
    });
    expect(e.requests.total).toBe(10_000);
    expect(e.requests.deltas).toBe(1);
  });

  it('uses the register volumes when nothing has been walked yet, and says so', () => {
    const e = estimateRun(items('new', 10), 'display', { days: 0, searchPerDay: 0, certificatesPerDay: 0 }, options);
    expect(e.basis).toMatchObject({ assumed: true, searchPerDay: ASSUMED_COST.display!.searchPerDay });
    expect(e.requests.search).toBe(10);
  });
});
