/**
 * The monthly bulk ZIP as the export job builds it (communitiesuk/epb-aws-infrastructure,
 * service-infrastructure/glue_data_warehouse/etl_scripts/export_by_year.py): one `certificates-YYYY.csv`
 * per lodgement year, then one `recommendations-YYYY.csv` per year (the recommendations of that year's
 * certificates), the years in no particular order (Spark's `distinct()`; here a seeded shuffle).
 * Every entry is Spark's CSV writer output: a lower-case header, `\n` line ends, no BOM, a value quoted
 * only when it holds a comma, quote or line break, quotes doubled, null as nothing, '' as `""`. The
 * three registers' files have this one layout, each with its own columns (bulk-registers.ts).
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { bulkCsv } from './bulk-legacy.js';
import { registerExport, type RegisterExport } from './bulk-registers.js';
import { hash, prng } from './prng.js';
import type { FakeRegister, SearchRow } from './store.js';

export interface BulkZipOptions {
  /** Seeds the order of the years (default 0). */
  seed?: number;
  /** Raw lines appended to one certificates entry (the first in the ZIP), for malformed-row tests. */
  extraLines?: readonly string[];
  /** Columns the file gained: appended to the certificates header, each row's value `${column}:${certificate_number}`. */
  extraColumns?: readonly string[];
  /** Every entry in ZIP64 form (yazl's forceZip64Format), as a file over 4 GB must be. */
  zip64?: boolean;
  /** 'legacy': one certificates.csv in the older fixture's shape (bulk-legacy.ts) instead of the export. */
  layout?: 'export' | 'legacy';
  /** Whose file: the register's own columns and values (bulk-registers.ts); domestic by default. */
  register?: FakeRegister;
}

/** One CSV line as Spark writes it: quoted only when needed, null as nothing, '' as `""`. */
export function sparkCsvLine(values: ReadonlyArray<string | null>): string {
  let line = '';
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (i > 0) line += ',';
    if (v === null || v === undefined) continue;
    line += v === '' ? '""' : /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }
  return `${line}\n`;
}

const yearOf = (row: SearchRow) => row.registrationDate.slice(0, 4);

function certificateLines(spec: RegisterExport, rows: readonly SearchRow[], extraColumns: readonly string[]): string {
  let text = '';
  for (const row of rows) {
    const values: Array<string | null> = Object.values(spec.record(row));
    for (const column of extraColumns) values.push(`${column}:${row.certificateNumber}`);
    text += sparkCsvLine(values);
  }
  return text;
}

function recommendationLines(spec: RegisterExport, rows: readonly SearchRow[]): { text: string; count: number } {
  let text = '';
  let count = 0;
  for (const row of rows) {
    for (const rec of spec.recommendations(row)) {
      text += sparkCsvLine(Object.values(rec));
      count += 1;
    }
  }
  return { text, count };
}

const certificatesHeader = (spec: RegisterExport, extraColumns: readonly string[]) => sparkCsvLine([...spec.columns, ...extraColumns]);
const recommendationsHeader = (spec: RegisterExport) => sparkCsvLine(spec.recommendationColumns);

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const random = prng(hash(`bulk-years:${seed}`));
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function collect(zip: yazl.ZipFile): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** A ZIP holding one entry, as text (the legacy layout, and tests' own files). */
export function zipOf(name: string, content: string, options: { zip64?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const forceZip64Format = options.zip64 ?? false;
  zip.addBuffer(Buffer.from(content, 'utf8'), name, { forceZip64Format });
  zip.end({ forceZip64Format, comment: '' });
  return collect(zip);
}

/** The bulk ZIP of these rows, in memory (for the fake's endpoint and tests; see writeBulkZip for big files). */
export function bulkZip(rows: readonly SearchRow[], options: BulkZipOptions = {}): Promise<Buffer> {
  const forceZip64Format = options.zip64 ?? false;
  if (options.layout === 'legacy') {
    if (options.extraColumns?.length) throw new Error('bulkZip: extraColumns applies to the export layout only');
    if ((options.register ?? 'domestic') !== 'domestic') throw new Error('bulkZip: the legacy layout is the domestic file\'s');
    return zipOf('certificates.csv', bulkCsv(rows, options.extraLines), { zip64: forceZip64Format });
  }
  const byYear = new Map<string, SearchRow[]>();
  for (const row of rows) {
    const year = byYear.get(yearOf(row));
    if (year) year.push(row);
    else byYear.set(yearOf(row), [row]);
  }
  const years = shuffled([...byYear.keys()].sort(), options.seed ?? 0);
  const extraColumns = options.extraColumns ?? [];
  const spec = registerExport(options.register);
  const zip = new yazl.ZipFile();
  years.forEach((year, i) => {
    const extra = i === 0 ? (options.extraLines ?? []).map((line) => `${line}\n`).join('') : '';
    const text = certificatesHeader(spec, extraColumns) + certificateLines(spec, byYear.get(year)!, extraColumns) + extra;
    zip.addBuffer(Buffer.from(text, 'utf8'), `certificates-${year}.csv`, { forceZip64Format });
  });
  for (const year of years) {
    const text = recommendationsHeader(spec) + recommendationLines(spec, byYear.get(year)!).text;
    zip.addBuffer(Buffer.from(text, 'utf8'), `recommendations-${year}.csv`, { forceZip64Format });
  }
  zip.end({ forceZip64Format, comment: '' });
  return collect(zip);
}

export interface WriteBulkZipOptions extends Omit<BulkZipOptions, 'layout'> {
  /** Deflate level, 0-9: 6 by default, as the export's Python zipfile; 1 writes a big file several times faster. */
  compressionLevel?: number;
}

export interface WrittenBulkZip {
  /** The years in the order of their certificates entries (ascending: the rows come in day order). */
  years: string[];
  certificates: number;
  recommendations: number;
}

/**
 * Streams the export-layout ZIP of `groups` (e.g. one group a day, in day order) to `path`, never
 * holding the file in memory: a certificates entry is written as its rows arrive and a new one opens
 * when the year changes; each year's recommendations go to a temporary file and follow all the
 * certificates entries, in a seeded shuffled order. Rows must come in day order (a year cannot come back).
 * The entries' contents are bulkZip's; being streamed, they carry data descriptors (bulkZip's and the
 * export's entries have their sizes in the local headers).
 */
export async function writeBulkZip(path: string, groups: Iterable<readonly SearchRow[]>, options: WriteBulkZipOptions = {}): Promise<WrittenBulkZip> {
  const entryOptions = { forceZip64Format: options.zip64 ?? false, compressionLevel: options.compressionLevel ?? 6 };
  const extraColumns = options.extraColumns ?? [];
  const spec = registerExport(options.register);
  const tmp = mkdtempSync(join(tmpdir(), 'epc-fake-bulk-'));
  const zip = new yazl.ZipFile();
  const fail = (error: Error) => (zip.outputStream as unknown as Readable).destroy(error);
  const iterator = groups[Symbol.iterator]();
  const written: WrittenBulkZip = { years: [], certificates: 0, recommendations: 0 };
  let pending: readonly SearchRow[] = [];
  let extraLines = options.extraLines ?? [];
  const pull = (): boolean => {
    while (pending.length === 0) {
      const next = iterator.next();
      if (next.done) return false;
      pending = next.value;
    }
    return true;
  };

  function* entry(year: string): Generator<string> {
    const fd = openSync(join(tmp, `${year}.csv`), 'w');
    try {
      writeSync(fd, recommendationsHeader(spec));
      yield certificatesHeader(spec, extraColumns);
      while (pull()) {
        const rows = pending;
        const cut = rows.findIndex((row) => yearOf(row) !== year);
        const mine = cut === -1 ? rows : rows.slice(0, cut);
        pending = cut === -1 ? [] : rows.slice(cut);
        if (mine.length > 0) {
          const recommendations = recommendationLines(spec, mine);
          written.certificates += mine.length;
          written.recommendations += recommendations.count;
          writeSync(fd, recommendations.text);
          yield certificateLines(spec, mine, extraColumns);
        }
        if (cut !== -1) break;
      }
      if (extraLines.length > 0) yield extraLines.map((line) => `${line}\n`).join('');
      extraLines = [];
    } finally {
      closeSync(fd);
    }
    next();
  }

  // Opens the next year's certificates entry, or, when the rows are done, adds the recommendations and ends.
  function next(): void {
    if (pull()) {
      const year = yearOf(pending[0]!);
      if (written.years.includes(year)) throw new Error(`writeBulkZip: ${year} came back after a later year; give the rows in day order`);
      written.years.push(year);
      // Byte mode: the generator runs only as far as the ZIP writer reads (a group at a time).
      zip.addReadStream(Readable.from(entry(year), { objectMode: false }).on('error', fail), `certificates-${year}.csv`, entryOptions);
      return;
    }
    for (const year of shuffled(written.years, options.seed ?? 0)) {
      zip.addReadStreamLazy(`recommendations-${year}.csv`, entryOptions, (cb) => cb(null, createReadStream(join(tmp, `${year}.csv`)).on('error', fail)));
    }
    zip.end({ forceZip64Format: entryOptions.forceZip64Format, comment: '' });
  }

  try {
    next();
    await pipeline(zip.outputStream, createWriteStream(path));
    return written;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
