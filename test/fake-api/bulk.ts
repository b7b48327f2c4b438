/**
 * The monthly bulk files as the real service publishes them, one per register:
 * `/api/files/{register}/csv/info`, and `/api/files/{register}/csv` answering 302 to a pre-signed URL
 * that expires (30 s by default), serving the ZIP (bulk-export.ts builds the export job's layout;
 * bulk-legacy.ts the older one-file shape). Range requests are honoured, as S3 does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { FakeRegister } from './store.js';

export { BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkRecommendations, bulkRecord, type BulkValues } from './bulk-record.js';
export { bulkZip, sparkCsvLine, writeBulkZip, zipOf, type BulkZipOptions, type WriteBulkZipOptions, type WrittenBulkZip } from './bulk-export.js';
export { bulkCsv, bulkCsvChunks } from './bulk-legacy.js';
export { NON_DOMESTIC_COLUMNS, nonDomesticRecommendations, nonDomesticRecord } from './bulk-non-domestic.js';
export { DEFAULT_DEC_RATING, DISPLAY_COLUMNS, displayRecommendations, displayRecord } from './bulk-display.js';
export { REPORT_RECOMMENDATION_COLUMNS, reportBand } from './bulk-report.js';
export { registerExport, type RegisterExport } from './bulk-registers.js';

export interface PublishedFile {
  zip: Buffer;
  lastUpdated: string;
}

/** Serves pre-signed downloads: `/s3/<register>-csv.zip?expires=<ms>`; an expired link answers 403 as S3 does. */
export class BulkFiles {
  /** The file each register publishes (none: the API's JSON 404). */
  readonly files = new Map<FakeRegister, PublishedFile>();
  presignTtlMs = 30_000;
  /** Cut a download after this many bytes (simulating a dropped transfer) for the next N downloads. */
  cutAfter: { bytes: number; times: number } | null = null;
  downloads = 0;

  /** The domestic file. */
  get file(): PublishedFile | null {
    return this.files.get('domestic') ?? null;
  }

  set file(file: PublishedFile | null) {
    if (file) this.files.set('domestic', file);
    else this.files.delete('domestic');
  }

  info(register: FakeRegister = 'domestic'): { status: number; body: unknown } {
    const file = this.files.get(register);
    if (!file) return { status: 404, body: { data: { error: 'File not found' } } };
    return { status: 200, body: { data: { fileSize: file.zip.length, lastUpdated: file.lastUpdated } } };
  }

  signedUrl(base: string, register: FakeRegister = 'domestic'): string {
    return `${base}/s3/${register}-csv.zip?expires=${Date.now() + this.presignTtlMs}&sig=${randomBytes(8).toString('hex')}`;
  }

  serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const expires = Number(url.searchParams.get('expires'));
    const register = /^\/s3\/(domestic|non-domestic|display)-csv\.zip$/.exec(url.pathname)?.[1] as FakeRegister | undefined;
    const file = register ? this.files.get(register) : undefined;
    if (!file || !Number.isFinite(expires) || expires < Date.now()) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    this.downloads += 1;
    const zip = file.zip;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const body = zip.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'content-type': 'application/zip',
      'content-length': body.length,
      ...(range ? { 'content-range': `bytes ${start}-${zip.length - 1}/${zip.length}` } : {}),
    });
    if (this.cutAfter && this.cutAfter.times > 0) {
      this.cutAfter.times -= 1;
      res.write(body.subarray(0, this.cutAfter.bytes));
      setTimeout(() => res.destroy(), 5);
      return;
    }
    res.end(body);
  }
}
