import { describe, expect, it } from 'vitest';
import { verdictFor, type StatusReport } from '../../src/ops/status.js';

const base: Omit<StatusReport, 'verdict' | 'healthy'> = {
  register: 'domestic', yesterday: '2026-11-23', newestDoneDay: '2026-11-23', daysBehind: 0, missingDays: 0, oldestMissingDay: null,
  certificates: 10, removedCertificates: 0, documents: { with: 10, without: 0 }, deltaFrontier: '2026-11-23', rejectedRows: 0, days: { done: 30, incomplete: 0, failed: 0, pending: 0 }, doneBySource: { api: 30 }, months: [], lastRun: null,
};

describe('status verdict', () => {
  it('says up to date when nothing is missing', () => {
    expect(verdictFor(base)).toEqual({ verdict: 'up to date to 2026-11-23, 0 days missing', healthy: true });
  });

  it('names what is wrong and what to run', () => {
    const v = verdictFor({ ...base, days: { ...base.days, failed: 1, incomplete: 2 }, missingDays: 3, oldestMissingDay: '2026-11-01' });
    expect(v.healthy).toBe(false);
    expect(v.verdict).toMatch(/1 day\(s\) failed; 2 day\(s\) incomplete; 3 day\(s\) missing since 2026-11-01/);
    expect(v.verdict).toMatch(/epc-sync sync/);
  });

  it('says so when nothing was synced yet', () => {
    expect(verdictFor({ ...base, newestDoneDay: null, days: { done: 0, incomplete: 0, failed: 0, pending: 0 } }).verdict).toMatch(/^empty/);
  });
});
