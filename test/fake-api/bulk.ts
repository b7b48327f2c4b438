/**
 * The monthly bulk file as the real service publishes it: `/api/files/domestic/csv/info`, and
 * `/api/files/domestic/csv` answering 302 to a pre-signed URL that expires (30 s by default), serving
 * a ZIP of a CSV with the real header's quirks (repeated column names, dd/mm/yyyy dates, `UPRN-`
 * prefixes, empty UPRNs, lower-case bands). Range requests are honoured, as S3 does.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import yazl from 'yazl';
import type { SearchRow } from './store.js';

const SAMPLE = new URL('../../../shared/reference/samples/bulk-csv/domestic.csv', import.meta.url);

function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

function sample(): { header: string[]; filler: string[] } {
  const [header, filler] = parse(readFileSync(SAMPLE, 'utf8'), { relax_column_count: true }) as string[][];
  return { header: header!, filler: filler! };
}

const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The bulk CSV for these rows, plus `extraLines` appended verbatim (malformed rows for reject tests). */
export function bulkCsv(rows: readonly SearchRow[], extraLines: readonly string[] = []): string {
  return [...bulkCsvChunks([rows]), ...extraLines.map((line) => `${line}\r\n`)].join('');
}

/**
 * The same CSV as a stream of text chunks, one per group of rows: a file of millions of rows (for the
 * benchmarks) never has to exist in memory at once.
 */
export function* bulkCsvChunks(groups: Iterable<readonly SearchRow[]>): Generator<string> {
  const { header, filler } = sample();
  const at = (name: string) => header.indexOf(name);
  yield `${header.join(',')}\r\n`;
  for (const rows of groups) {
    const lines: string[] = [];
    for (const row of rows) {
      const f = header.map((_, i) => filler[i] ?? '');
      f[at('CERTIFICATE_NUMBER')] = row.certificateNumber;
      f[at('ADDRESS1')] = row.addressLine1 ?? '';
      f[at('ADDRESS2')] = row.addressLine2 ?? '';
      f[at('ADDRESS3')] = row.addressLine3 ?? '';
      f[at('POSTCODE')] = row.postcode ?? '';
      f[at('POSTTOWN')] = row.postTown ?? '';
      f[at('UPRN')] = row.uprn === null ? '' : `UPRN-${String(row.uprn).padStart(12, '0')}`;
      f[at('CURRENT_ENERGY_RATING')] = (row.currentEnergyEfficiencyBand ?? '').toLowerCase();
      f[at('LODGEMENT_DATE')] = dmy(row.registrationDate);
      f[at('LODGEMENT_DATETIME')] = `${dmy(row.registrationDate)} 00:00`;
      lines.push(csvLine(f));
    }
    if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`;
  }
}

export function zipOf(name: string, content: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(content, 'utf8'), name);
    zip.end();
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

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
