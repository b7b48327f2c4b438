/**
 * Full certificate documents for the certificates of one day that are due one (new, or whose search
 * row changed since). One request per certificate through the shared limiter; results are stored in
 * batches, one statement each. A 404 or a failure is recorded on the certificate and retried next run.
 *
 * A non-domestic or display document names its recommendation report (`related_certificate_number`):
 * the report is a document of its own, fetched through the same limiter right after, and its items
 * become the certificate's recommendations. A report the API answers 404 for is noted on the
 * certificate (`document_error`) and the certificate's document is stored without it; a report that
 * fails otherwise fails the certificate, so the next run fetches both again.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.js';
import { documentsDue, recordDocumentsMissing, storeDocuments, type DocumentResult, type DueScope } from '../db/documents.js';
import { AbortedError, stopsRun } from '../errors.js';
import type { EpbApi } from './ports.js';

export const DOCUMENT_BATCH = 200;

export interface DocumentsReport {
  fetched: number;
  notFound: number;
  failed: number;
  /** Recommendation reports the API answered 404 for (their certificates' documents are stored). */
  reportsNotFound: number;
  /** Certificates of the day still without a current document afterwards. */
  missing: number;
  /** Requests made: one per certificate, one more per recommendation report. */
  requests: number;
}

export interface DocumentDeps {
  db: Db;
  api: EpbApi;
  logger: Logger;
  register: string;
}

export async function fetchDocumentsForDay(deps: DocumentDeps, day: string, signal?: AbortSignal, scope?: DueScope): Promise<DocumentsReport> {
  const { db, api, register } = deps;
  const due = await documentsDue(db, register, day, scope);
  const report: DocumentsReport = { fetched: 0, notFound: 0, failed: 0, reportsNotFound: 0, missing: 0, requests: 0 };
  const withReports = REPORT_REGISTERS.has(register);
  for (let i = 0; i < due.length; i += DOCUMENT_BATCH) {
    const batch = await Promise.all(due.slice(i, i + DOCUMENT_BATCH).map((n) => fetchWithReport(api, n, withReports, signal)));
    await storeDocuments(db, batch.map((f) => f.result));
    for (const { result: r, requests } of batch) {
      report.requests += requests;
      if (r.status === 'fetched') report.fetched += 1;
      else if (r.status === 'not_found') report.notFound += 1;
      else report.failed += 1;
      if (r.report && r.report.document === null) report.reportsNotFound += 1;
    }
  }
  report.missing = await recordDocumentsMissing(db, register, day);
  if (due.length > 0) deps.logger.info({ day, ...report }, 'documents stored');
  return report;
}

/** The registers whose certificates name a recommendation report (the domestic documents carry their improvements). */
const REPORT_REGISTERS: ReadonlySet<string> = new Set(['non-domestic', 'display']);

/** The report a fetched document names, if any: a certificate number other than its own. */
function reportNumber(result: DocumentResult): string | null {
  const named = (result.document as Record<string, unknown> | null)?.related_certificate_number;
  return typeof named === 'string' && named.trim() !== '' && named.trim() !== result.certificateNumber ? named.trim() : null;
}

async function fetchWithReport(
  api: EpbApi, certificateNumber: string, withReports: boolean, signal?: AbortSignal,
): Promise<{ result: DocumentResult; requests: number }> {
  const result = await fetchOne(api, certificateNumber, signal);
  const number = withReports && result.status === 'fetched' ? reportNumber(result) : null;
  if (!number) return { result, requests: 1 };
  const report = await fetchOne(api, number, signal);
  if (report.status === 'fetched') return { result: { ...result, report: { certificateNumber: number, document: report.document } }, requests: 2 };
  if (report.status === 'not_found') {
    const error = `the API answered 404 for its recommendation report ${number}; the document is stored without the report's recommendations`;
    return { result: { ...result, error, report: { certificateNumber: number, document: null } }, requests: 2 };
  }
  const error = `the recommendation report ${number} could not be fetched (${report.error}); the document and its report are retried next run`;
  return { result: { certificateNumber, status: 'failed', document: null, error }, requests: 2 };
}

async function fetchOne(api: EpbApi, certificateNumber: string, signal?: AbortSignal): Promise<DocumentResult> {
  try {
    const result = await api.certificate(certificateNumber, signal);
    if (result.kind === 'not_found') {
      return { certificateNumber, status: 'not_found', document: null, error: 'the API answered 404 Certificate not found; retried next run' };
    }
    return { certificateNumber, status: 'fetched', document: result.document, error: null };
  } catch (error) {
    // A bad token or a shutdown stops the whole pass; anything else is this certificate's problem.
    if (stopsRun(error) || error instanceof AbortedError) throw error;
    return { certificateNumber, status: 'failed', document: null, error: (error as Error).message };
  }
}
