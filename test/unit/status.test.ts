import { describe, expect, it } from 'vitest';
import { formatStatus, verdictFor, type StatusReport } from '../../src/ops/status.js';

const base: Omit<StatusReport, 'verdict' | 'healthy'> = {
  register: 'domestic', yesterday: '2026-11-23', newestDoneDay: '2026-11-23', daysBehind: 0, missingDays: 0, oldestMissingDay: null,
  certificates: 10, removedCertificates: 0, documents: { with: 10, without: 0 }, deltaFrontier: '2026-11-23', rejectedRows: 0, days: { done: 30, incomplete: 0, failed: 0, pending: 0 }, doneBySource: { api: 30 }, months: [], lastRun: null,
  recommendations: 0, lastBulkImport: null,
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

  it('names the columns of the bulk file this release does not know, and where their values are', () => {
    const lastBulkImport = {
      id: 3, fileName: 'domestic-csv.zip', status: 'succeeded', finishedAt: '2026-11-02T03:00:00.000Z', cutoffDay: '2026-10-31',
      rowsImported: 120, rowsRejected: 1, recommendationsImported: 470, newColumns: ['heat_pump_flag'],
    };
    const text = formatStatus({ ...base, ...verdictFor(base), recommendations: 470, lastBulkImport });
    expect(text).toMatch(/last bulk import: #3 domestic-csv.zip succeeded .*cut-off 2026-10-31 \(120 certificates, 470 recommendations, 1 rejected\)/);
    expect(text).toMatch(/columns this release does not know: heat_pump_flag\. Their values are kept in certificates.bulk_extra/);
    expect(formatStatus({ ...base, ...verdictFor(base), lastBulkImport: { ...lastBulkImport, newColumns: [] } })).not.toMatch(/does not know/);
  });
});
