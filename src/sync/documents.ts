/**
 * Full certificate documents for the certificates of one day that are due one (new, or whose search
 * row changed since). One request per certificate through the shared limiter; results are stored in
 * batches, one statement each. A 404 or a failure is recorded on the certificate and retried next run.
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
  /** Certificates of the day still without a current document afterwards. */
  missing: number;
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
  const report: DocumentsReport = { fetched: 0, notFound: 0, failed: 0, missing: 0 };
  for (let i = 0; i < due.length; i += DOCUMENT_BATCH) {
    const batch = await Promise.all(due.slice(i, i + DOCUMENT_BATCH).map((n) => fetchOne(api, n, signal)));
    await storeDocuments(db, batch);
    for (const r of batch) {
      if (r.status === 'fetched') report.fetched += 1;
      else if (r.status === 'not_found') report.notFound += 1;
      else report.failed += 1;
    }
  }
  report.missing = await recordDocumentsMissing(db, register, day);
  if (due.length > 0) deps.logger.info({ day, ...report }, 'documents stored');
  return report;
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
