import { describe, expect, it } from 'vitest';
import { collapseMonths, formatStatus, verdictFor, type MonthRow, type StatusReport } from '../../src/ops/status.js';
import { combineStatuses, formatStatuses, pickRegisters } from '../../src/ops/status-registers.js';

const base: Omit<StatusReport, 'verdict' | 'healthy'> = {
  register: 'domestic', yesterday: '2026-11-23', newestDoneDay: '2026-11-23', daysBehind: 0, missingDays: 0, oldestMissingDay: null,
  certificates: 10, removedCertificates: 0, missingCertificates: 0, oldestVerification: { day: '2026-10-25', verifiedAt: '2026-11-23T02:31:00.000Z' }, documents: { with: 10, without: 0 }, deltaFrontier: '2026-11-23', notServed: 0, rejectedRows: 0, days: { done: 30, incomplete: 0, failed: 0, pending: 0 }, doneBySource: { api: 30 }, months: [], lastRun: null,
  recommendations: 0, lastBulkImport: null, documentsDue: { due: 0, overdue: 0 }, fetchDocuments: true, problemDays: [],
};

const month = (m: string, counts: Partial<MonthRow>): MonthRow => ({
  month: m, done: 0, incomplete: 0, failed: 0, pending: 0, rows: 0, rejected: 0, shortfall: 0, withDocument: 0, withoutDocument: 0, ...counts,
});

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

  it('shows the least recently verified day with when, and how many certificates are flagged missing', () => {
    const text = formatStatus({ ...base, ...verdictFor(base), removedCertificates: 2, missingCertificates: 3 });
    expect(text).toMatch(/certificates: 10 \(10 with document, 0 without; 2 removed, 3 missing\)/);
    expect(text).toMatch(/least recently verified day: 2026-10-25, verified 2026-11-23T02:31:00.000Z/);
    const never = formatStatus({ ...base, ...verdictFor(base), oldestVerification: { day: '2007-08-01', verifiedAt: null } });
    expect(never).toMatch(/least recently verified day: 2007-08-01, never verified/);
    expect(formatStatus({ ...base, ...verdictFor(base), oldestVerification: null })).toMatch(/least recently verified day: -/);
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

  it('is not OK while documents FETCH_DOCUMENTS promises are due for more than a day, and says what fetches them', () => {
    const due = { ...base, documentsDue: { due: 40, overdue: 12 } };
    const v = verdictFor(due);
    expect(v.healthy).toBe(false);
    expect(v.verdict).toMatch(/12 certificate\(s\) due a document for more than a day.*next sync/);
    expect(verdictFor({ ...due, fetchDocuments: false }).healthy).toBe(true);
    expect(verdictFor({ ...base, documentsDue: { due: 40, overdue: 0 } }).healthy).toBe(true);
    expect(formatStatus({ ...due, ...v })).toMatch(/documents due: 40 \(12 for more than a day\)/);
  });

  it('names each incomplete day with the step that stopped it', () => {
    const problemDays = [{ day: '2026-11-02', status: 'incomplete', error: '1 of 12464 certificates could not be fetched; stopped at: page sizes' }];
    const text = formatStatus({ ...base, ...verdictFor(base), problemDays });
    expect(text).toMatch(/incomplete 2026-11-02: 1 of 12464 .*stopped at: page sizes/);
  });

  it('prints a fresh mirror\'s years of pending months as one line, and every month with something to see on its own', () => {
    const months = [
      ...Array.from({ length: 230 }, (_, i) => month(`${2007 + Math.floor((i + 7) / 12)}-${String(((i + 7) % 12) + 1).padStart(2, '0')}`, { pending: 30 })),
      month('2026-10', { done: 20, pending: 11, rows: 90_000 }),
      month('2026-11', { done: 22, rows: 95_000 }),
    ];
    const lines = collapseMonths(months);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ label: '2007-08..2026-09', pending: 6900 });
    expect(lines.map((l) => l.label).slice(1)).toEqual(['2026-10', '2026-11']);
    const text = formatStatus({ ...base, ...verdictFor(base), months });
    expect(text.split('\n').length).toBeLessThan(20);
  });
});

describe('status of several registers', () => {
  const report = (register: string, over: Partial<Omit<StatusReport, 'verdict' | 'healthy'>> = {}): StatusReport => {
    const r = { ...base, register, ...over };
    return { ...r, ...verdictFor(r) };
  };

  it('keeps a one-register mirror\'s report as it was, with the register under `registers` too', () => {
    const one = combineStatuses([report('domestic')]);
    expect(one).toMatchObject({ register: 'domestic', healthy: true, verdict: 'up to date to 2026-11-23, 0 days missing', days: base.days });
    expect(Object.keys(one.registers)).toEqual(['domestic']);
    expect(formatStatuses(one)).toBe(formatStatus(report('domestic')));
  });

  it('is healthy only when every register is, and its verdict names the registers that need a look', () => {
    const both = combineStatuses([report('domestic'), report('display', { days: { ...base.days, failed: 2 } })]);
    expect(both.healthy).toBe(false);
    expect(both.verdict).toMatch(/^display: 2 day\(s\) failed/);
    expect(both.verdict).not.toMatch(/domestic/);
    // The top level is the first register's report, as before; each register's own is under `registers`.
    expect(both).toMatchObject({ register: 'domestic', days: { failed: 0 } });
    expect(both.registers.display).toMatchObject({ register: 'display', healthy: false, days: { failed: 2 } });
    const text = formatStatuses(both);
    expect(text.split('\n')[0]).toBe('epc-sync status: domestic OK, display ATTENTION');
    expect(text).toContain('epc-sync status (domestic)\n  OK: up to date');
    expect(text).toContain('epc-sync status (display)\n  ATTENTION: 2 day(s) failed');
  });

  it('shows the certificates search counts but never serves, only where there are some', () => {
    const text = formatStatus(report('non-domestic', { notServed: 37 }));
    expect(text).toMatch(/not served by search: 37 certificate\(s\) counted by the API but never returned \(no recommendation report\); the bulk file brings them/);
    expect(formatStatus(report('domestic'))).not.toMatch(/not served/);
  });

  it('picks the registers asked for out of a daemon\'s report, and says what it keeps when one is not there', () => {
    const daemon = combineStatuses([report('domestic'), report('display')]);
    expect(Object.keys(pickRegisters(daemon, ['display']).registers)).toEqual(['display']);
    expect(pickRegisters(daemon, ['display'])).toMatchObject({ register: 'display' });
    expect(() => pickRegisters(daemon, ['non-domestic'])).toThrow(/keeps domestic, display, not non-domestic/);
    // An older daemon's report has no `registers`: it is its one register.
    const { registers: _r, ...older } = combineStatuses([report('domestic')]);
    expect(Object.keys(pickRegisters(older, null).registers)).toEqual(['domestic']);
  });
});
