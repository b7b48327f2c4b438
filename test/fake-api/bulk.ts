/**
 * The monthly bulk file as the real service publishes it: `/api/files/domestic/csv/info`, and
 * `/api/files/domestic/csv` answering 302 to a pre-signed URL that expires (30 s by default), serving
 * the ZIP (bulk-export.ts builds the export job's layout; bulk-legacy.ts the older one-file shape).
 * Range requests are honoured, as S3 does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export { BULK_COLUMNS, BULK_RECOMMENDATION_COLUMNS, bulkRecommendations, bulkRecord, type BulkValues } from './bulk-record.js';
export { bulkZip, sparkCsvLine, writeBulkZip, zipOf, type BulkZipOptions, type WriteBulkZipOptions, type WrittenBulkZip } from './bulk-export.js';
export { bulkCsv, bulkCsvChunks } from './bulk-legacy.js';

export interface PublishedFile {
  zip: Buffer;
  lastUpdated: string;
}

/** Serves pre-signed downloads: `/s3/<key>?expires=<ms>`; an expired link answers 403 as S3 does. */
export class BulkFiles {
  file: PublishedFile | null = null;
  presignTtlMs = 30_000;
  /** Cut a download after this many bytes (simulating a dropped transfer) for the next N downloads. */
  cutAfter: { bytes: number; times: number } | null = null;
  downloads = 0;

  info(): { status: number; body: unknown } {
    if (!this.file) return { status: 404, body: { data: { error: 'File not found' } } };
    return { status: 200, body: { data: { fileSize: this.file.zip.length, lastUpdated: this.file.lastUpdated } } };
  }

  signedUrl(base: string): string {
    return `${base}/s3/domestic-csv.zip?expires=${Date.now() + this.presignTtlMs}&sig=${randomBytes(8).toString('hex')}`;
  }

  serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const expires = Number(url.searchParams.get('expires'));
    if (!this.file || !Number.isFinite(expires) || expires < Date.now()) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      return;
    }
    this.downloads += 1;
    const zip = this.file.zip;
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
