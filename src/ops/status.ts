/**
 * `epc-sync status`: the checkpoint at a glance. Reads state only. `StatusReport` is also the stable
 * shape of `status --json` (documented in the README); add fields, never rename them.
 */
import type { Queryable } from '../db/client.js';
import { documentsBacklogSize } from '../db/documents.js';

export interface MonthRow {
  month: string;
  done: number;
  incomplete: number;
  failed: number;
  pending: number;
  rows: number;
  rejected: number;
  shortfall: number;
  withDocument: number;
  withoutDocument: number;
}

export interface RunRow {
  id: number;
  kind: string;
  outcome: string;
  startedAt: string;
  finishedAt: string | null;
  daysDone: number;
  daysIncomplete: number;
  daysFailed: number;
  rowsUpserted: number;
  error: string | null;
}

export interface BulkImportRow {
  id: number;
  fileName: string;
  status: string;
  finishedAt: string | null;
  /** The newest day the import handed to the checkpoint. */
  cutoffDay: string | null;
  rowsImported: number;
  rowsRejected: number;
  recommendationsImported: number;
  /** Columns of the file this release does not know (their values are in `certificates.bulk_extra`). */
  newColumns: string[];
}

export interface StatusReport {
  register: string;
  /** One line a person reads first. */
  verdict: string;
  healthy: boolean;
  yesterday: string | null;
  newestDoneDay: string | null;
  daysBehind: number | null;
  missingDays: number;
  oldestMissingDay: string | null;
  certificates: number;
  /** Certificates the deltas reported removed (kept, flagged). */
  removedCertificates: number;
  /** Certificates an exact walk of their day no longer found, with no removal reported (kept, flagged). */
  missingCertificates: number;
  /**
   * The done day whose last verification is the oldest (a never-verified day first), and when that
   * was (null: never): where the next re-verification starts. Null when no day is done.
   */
  oldestVerification: { day: string; verifiedAt: string | null } | null;
  documents: { with: number; without: number };
  /**
   * Certificates due a document (none yet, a 404 or failure to retry, or a row changed since; not those
   * the bulk file seeded), and how many of them for more than a day.
   */
  documentsDue: { due: number; overdue: number };
  /** Whether FETCH_DOCUMENTS is on for the process that made this report: overdue documents then count as a problem. */
  fetchDocuments: boolean;
  /** Incomplete or failed days (the oldest 10), with why: for an incomplete day, the reconciliation step that stopped. */
  problemDays: Array<{ day: string; status: string; error: string | null }>;
  /** The newest day of /api/deltas applied (one change feed for every register). */
  deltaFrontier: string | null;
  /**
   * Certificates the API counts for this register's days but search never returns (non-domestic ones
   * without a recommendation report, `sync_checkpoint.not_served`): the bulk file brings them.
   */
  notServed: number;
  rejectedRows: number;
  days: { done: number; incomplete: number; failed: number; pending: number };
  /** Done days by where their rows came from: the API walk or the bulk file. */
  doneBySource: Record<string, number>;
  months: MonthRow[];
  lastRun: RunRow | null;
  /** Rows of `recommendations` (from the bulk file and from documents). */
  recommendations: number;
  /** The newest bulk import that finished, if any. */
  lastBulkImport: BulkImportRow | null;
}

export interface StatusOptions {
  /** FETCH_DOCUMENTS: documents due for more than a day make the verdict ATTENTION. */
  fetchDocuments: boolean;
}

export async function readStatus(q: Queryable, register: string, options: StatusOptions = { fetchDocuments: false }): Promise<StatusReport> {
  const months = await q.query<MonthRow>(
    `SELECT coalesce(m.month, d.month) AS month, coalesce(m.done, 0) AS done, coalesce(m.incomplete, 0) AS incomplete,
            coalesce(m.failed, 0) AS failed, coalesce(m.pending, 0) AS pending, coalesce(m.rows, 0) AS rows,
            coalesce(m.rejected, 0) AS rejected, coalesce(m.shortfall, 0) AS shortfall,
            coalesce(d.with_document, 0) AS "withDocument", coalesce(d.without_document, 0) AS "withoutDocument"
     FROM (SELECT * FROM sync_months WHERE register = $1) m
     FULL JOIN (SELECT * FROM document_coverage WHERE register = $1) d ON d.month = m.month
     ORDER BY 1`,
    [register],
  );
  const [lag] = await q.query<{
    yesterday: string;
    newest_done_day: string | null;
    days_behind: number | null;
    missing_days: number;
    oldest_missing_day: string | null;
  }>(`SELECT yesterday::text, newest_done_day::text, days_behind, missing_days, oldest_missing_day::text FROM sync_lag WHERE register = $1`, [register]);
  const [totals] = await q.query<{ certificates: number; removed: number; missing: number; with: number; rejected: number; delta: string | null; notServed: number }>(
    `SELECT (SELECT count(*) FROM certificates WHERE register = $1)::int AS certificates,
            (SELECT count(*) FROM certificates WHERE register = $1 AND removed_at IS NOT NULL)::int AS removed,
            (SELECT count(*) FROM certificates WHERE register = $1 AND missing_since IS NOT NULL)::int AS missing,
            (SELECT count(*) FROM certificates WHERE register = $1 AND document_status = 'fetched')::int AS with,
            (SELECT count(*) FROM rejected_rows WHERE register = $1)::int AS rejected,
            (SELECT max(day)::text FROM delta_checkpoint) AS delta,
            (SELECT coalesce(sum(not_served), 0) FROM sync_checkpoint WHERE register = $1)::int AS "notServed"`,
    [register],
  );
  const sources = await q.query<{ source: string; n: number }>(
    `SELECT source, count(*)::int AS n FROM sync_checkpoint WHERE register = $1 AND status = 'done' GROUP BY source ORDER BY source`,
    [register],
  );
  const [verified] = await q.query<{ day: string; verifiedAt: string | Date | null }>(
    `SELECT day::text AS day, verified_at AS "verifiedAt" FROM sync_checkpoint
     WHERE register = $1 AND status = 'done' ORDER BY verified_at ASC NULLS FIRST, day LIMIT 1`,
    [register],
  );
  const [lastRun] = await q.query<RunRow>(
    `SELECT id, kind, outcome, started_at AS "startedAt", finished_at AS "finishedAt", days_done AS "daysDone",
            days_incomplete AS "daysIncomplete", days_failed AS "daysFailed", rows_upserted AS "rowsUpserted", error
     FROM sync_runs WHERE register = $1 ORDER BY id DESC LIMIT 1`,
    [register],
  );
  const documentsDue = await documentsBacklogSize(q, register);
  const problemDays = await q.query<{ day: string; status: string; error: string | null }>(
    `SELECT day::text AS day, status, last_error AS error FROM sync_checkpoint
     WHERE register = $1 AND status IN ('incomplete', 'failed') ORDER BY day LIMIT 10`,
    [register],
  );
  const [recommendations] = await q.query<{ n: number }>(`SELECT coalesce(sum(cardinality(items)), 0)::int AS n FROM recommendation_sets WHERE register = $1`, [register]);
  const [bulk] = await q.query<BulkImportRow>(
    `SELECT id, file_name AS "fileName", status, finished_at AS "finishedAt", cutoff_day::text AS "cutoffDay", rows_imported AS "rowsImported",
            rows_rejected AS "rowsRejected", recommendations_imported AS "recommendationsImported", coalesce(new_columns, '[]'::jsonb) AS "newColumns"
     FROM bulk_imports WHERE register = $1 AND status <> 'running' ORDER BY id DESC LIMIT 1`,
    [register],
  );
  const days = months.reduce(
    (acc, m) => ({ done: acc.done + m.done, incomplete: acc.incomplete + m.incomplete, failed: acc.failed + m.failed, pending: acc.pending + m.pending }),
    { done: 0, incomplete: 0, failed: 0, pending: 0 },
  );
  const report: Omit<StatusReport, 'verdict' | 'healthy'> = {
    register,
    yesterday: lag?.yesterday ?? null,
    newestDoneDay: lag?.newest_done_day ?? null,
    daysBehind: lag?.days_behind ?? null,
    missingDays: lag?.missing_days ?? 0,
    oldestMissingDay: lag?.oldest_missing_day ?? null,
    certificates: totals?.certificates ?? 0,
    removedCertificates: totals?.removed ?? 0,
    missingCertificates: totals?.missing ?? 0,
    oldestVerification: verified ? { day: verified.day, verifiedAt: verified.verifiedAt ? iso(verified.verifiedAt) : null } : null,
    documents: { with: totals?.with ?? 0, without: (totals?.certificates ?? 0) - (totals?.with ?? 0) },
    documentsDue,
    fetchDocuments: options.fetchDocuments,
    problemDays,
    deltaFrontier: totals?.delta ?? null,
    notServed: totals?.notServed ?? 0,
    rejectedRows: totals?.rejected ?? 0,
    days,
    doneBySource: Object.fromEntries(sources.map((r) => [r.source, r.n])),
    months: months.map((m) => ({
      ...m,
      rows: Number(m.rows),
      rejected: Number(m.rejected),
      shortfall: Number(m.shortfall),
      withDocument: Number(m.withDocument),
      withoutDocument: Number(m.withoutDocument),
    })),
    lastRun: lastRun
      ? { ...lastRun, startedAt: iso(lastRun.startedAt), finishedAt: lastRun.finishedAt ? iso(lastRun.finishedAt) : null }
      : null,
    recommendations: recommendations?.n ?? 0,
    lastBulkImport: bulk ? { ...bulk, finishedAt: bulk.finishedAt ? iso(bulk.finishedAt) : null } : null,
  };
  return { ...report, ...verdictFor(report) };
}

/** The sentence a person reads first, and whether all is well. */
/** What the verdict reads (the coverage page computes these without counting certificates). */
export type VerdictInput = Pick<StatusReport, 'newestDoneDay' | 'days' | 'missingDays' | 'oldestMissingDay' | 'fetchDocuments' | 'documentsDue'> & {
  lastRun: Pick<RunRow, 'id' | 'outcome'> | null;
};

export function verdictFor(s: VerdictInput): { verdict: string; healthy: boolean } {
  if (!s.newestDoneDay && s.days.pending === 0 && s.days.failed === 0 && s.days.incomplete === 0) {
    return { verdict: 'empty: no day synced yet. Run `epc-sync sync` (or `backfill --from … --to …`).', healthy: false };
  }
  const problems: string[] = [];
  if (s.days.failed > 0) problems.push(`${s.days.failed} day(s) failed`);
  if (s.days.incomplete > 0) problems.push(`${s.days.incomplete} day(s) incomplete`);
  if (s.missingDays > 0) problems.push(`${s.missingDays} day(s) missing since ${s.oldestMissingDay}`);
  if (s.fetchDocuments && s.documentsDue.overdue > 0) {
    problems.push(`${s.documentsDue.overdue} certificate(s) due a document for more than a day (the next sync fetches them, newest first; or \`epc-sync documents --from … --to …\`)`);
  }
  if (s.lastRun && s.lastRun.outcome !== 'succeeded' && s.lastRun.outcome !== 'running') {
    problems.push(`last run #${s.lastRun.id} ${s.lastRun.outcome}`);
  }
  if (problems.length === 0) {
    return { verdict: `up to date to ${s.newestDoneDay}, 0 days missing`, healthy: true };
  }
  return {
    verdict: `${problems.join('; ')}. Newest done day ${s.newestDoneDay ?? 'none'}. Run \`epc-sync sync\` to retry; see the sync_missing_days view for which days.`,
    healthy: false,
  };
}

export function formatStatus(s: StatusReport): string {
  const lines = [
    `epc-sync status (${s.register})`,
    `  ${s.healthy ? 'OK' : 'ATTENTION'}: ${s.verdict}`,
    `  certificates: ${s.certificates} (${s.documents.with} with document, ${s.documents.without} without; ${s.removedCertificates} removed, ${s.missingCertificates} missing)   rejected rows: ${s.rejectedRows}`,
    `  documents due: ${s.documentsDue.due} (${s.documentsDue.overdue} for more than a day)${s.fetchDocuments ? '' : '   FETCH_DOCUMENTS is off'}`,
    `  deltas applied through: ${s.deltaFrontier ?? '-'}`,
    `  least recently verified day: ${s.oldestVerification ? `${s.oldestVerification.day}, ${s.oldestVerification.verifiedAt ? `verified ${s.oldestVerification.verifiedAt}` : 'never verified'}` : '-'}`,
    `  days: ${s.days.done} done (${Object.entries(s.doneBySource).map(([k, v]) => `${v} from ${k}`).join(', ') || 'none'}), ${s.days.incomplete} incomplete, ${s.days.failed} failed, ${s.days.pending} pending`,
    `  newest done day: ${s.newestDoneDay ?? '-'}   yesterday: ${s.yesterday ?? '-'}   days behind: ${s.daysBehind ?? '-'}`,
  ];
  if (s.notServed > 0) lines.push(`  not served by search: ${s.notServed} certificate(s) counted by the API but never returned (no recommendation report); the bulk file brings them`);
  if (s.lastRun) {
    const r = s.lastRun;
    lines.push(
      `  last run: #${r.id} ${r.kind} ${r.outcome}, started ${r.startedAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ''}` +
        ` (${r.daysDone} done, ${r.daysIncomplete} incomplete, ${r.daysFailed} failed, ${r.rowsUpserted} rows)` +
        (r.error ? `\n    error: ${r.error}` : ''),
    );
  }
  if (s.lastBulkImport) {
    const b = s.lastBulkImport;
    lines.push(
      `  last bulk import: #${b.id} ${b.fileName} ${b.status}${b.finishedAt ? ` ${b.finishedAt}` : ''}, cut-off ${b.cutoffDay ?? '-'}` +
        ` (${b.rowsImported} certificates, ${b.recommendationsImported} recommendations, ${b.rowsRejected} rejected)   recommendations stored: ${s.recommendations}`,
    );
    if (b.newColumns.length > 0) {
      lines.push(`  NOTE: the bulk file has columns this release does not know: ${b.newColumns.join(', ')}. Their values are kept in certificates.bulk_extra; a newer epc-sync may type them.`);
    }
  }
  for (const d of s.problemDays) lines.push(`  ${d.status} ${d.day}: ${d.error ?? '-'}`);
  if (s.months.length > 0) {
    lines.push('', '  month              done  incomplete  failed  pending      rows  rejected  shortfall  documents  no document');
    for (const m of collapseMonths(s.months)) {
      lines.push(
        `  ${m.label.padEnd(17)}  ${pad(m.done, 4)}  ${pad(m.incomplete, 10)}  ${pad(m.failed, 6)}  ${pad(m.pending, 7)}  ${pad(m.rows, 8)}  ${pad(m.rejected, 8)}  ${pad(m.shortfall, 9)}  ${pad(m.withDocument, 9)}  ${pad(m.withoutDocument, 11)}`,
      );
    }
  }
  return lines.join('\n');
}

type MonthLine = Omit<MonthRow, 'month'> & { label: string };

/**
 * One line per run of months that need no look (every day pending and no rows, or every day done
 * with nothing rejected or short), one line per month otherwise: a fresh mirror's 19 years of
 * pending days is one line, and the months with something to see stand out.
 */
export function collapseMonths(months: readonly MonthRow[]): MonthLine[] {
  const kind = (m: MonthRow) =>
    m.done === 0 && m.incomplete === 0 && m.failed === 0 && m.rows === 0 ? 'pending'
      : m.pending === 0 && m.incomplete === 0 && m.failed === 0 && m.rejected === 0 && m.shortfall === 0 ? 'done' : null;
  const lines: Array<MonthLine & { kind: string | null; first: string; last: string }> = [];
  for (const m of months) {
    const k = kind(m);
    const prev = lines.at(-1);
    if (k !== null && prev?.kind === k) {
      prev.last = m.month;
      for (const key of ['done', 'incomplete', 'failed', 'pending', 'rows', 'rejected', 'shortfall', 'withDocument', 'withoutDocument'] as const) prev[key] += m[key];
    } else {
      const { month, ...counts } = m;
      lines.push({ ...counts, label: month, kind: k, first: month, last: month });
    }
  }
  return lines.map(({ kind: _k, first, last, ...rest }) => ({ ...rest, label: first === last ? first : `${first}..${last}` }));
}

const pad = (n: number, width: number) => String(n).padStart(width);
const iso = (d: string | Date) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
