/**
 * The bulk file as CSV entries, each streamed (by yauzl from a ZIP, never unpacked to disk or
 * memory), or a plain CSV file. Plus the file's SHA-256, which identifies an import so the same file
 * is not imported twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { BulkFileError } from '../errors.js';
import type { EntryKind } from './row.js';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function isZip(path: string): Promise<boolean> {
  const handle = await openFile(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

export interface CsvEntry {
  name: string;
  kind: EntryKind;
  /** Uncompressed size when the ZIP says (for progress). */
  bytes: number | null;
  open(): Promise<Readable>;
}

export interface BulkSource {
  entries: CsvEntry[];
  /** Uncompressed bytes of every entry, when known. */
  bytesTotal: number | null;
  close(): void;
}

/**
 * `recommendations-YYYY.csv` holds recommendations; every other .csv entry (`certificates-YYYY.csv`,
 * or the one CSV of an older file) holds certificates.
 */
export function entryKind(name: string): EntryKind | null {
  const base = name.split('/').pop() ?? name;
  if (!/\.csv$/i.test(base)) return null;
  return /^recommendations/i.test(base) ? 'recommendations' : 'certificates';
}

/**
 * The file's CSV entries: every .csv of a ZIP (read through its central directory, ZIP64 included;
 * by year, certificates before recommendations), or a plain CSV of certificates.
 */
export async function openBulkFile(path: string): Promise<BulkSource> {
  if (!(await isZip(path))) {
    const bytes = (await stat(path)).size;
    return { entries: [{ name: basename(path), kind: 'certificates', bytes, open: async () => createReadStream(path) }], bytesTotal: bytes, close: () => undefined };
  }
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, z) => (err || !z ? reject(err ?? new Error('cannot open ZIP')) : resolve(z))),
  );
  const found: Array<{ entry: yauzl.Entry; kind: EntryKind }> = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      const kind = entryKind(entry.fileName);
      if (kind) found.push({ entry, kind });
      zip.readEntry();
    });
    zip.once('end', resolve);
    zip.once('error', reject);
    zip.readEntry();
  });
  if (found.length === 0) {
    zip.close();
    throw new BulkFileError(`${path} holds no .csv file: is it the register's bulk ZIP?`);
  }
  // By year, a year's certificates before its recommendations. Two parse workers take alternate
  // entries, so one parses certificates (the parser-bound work) while the other's recommendations
  // keep the database busy (the database-bound work): the two overlap instead of running in turn.
  const year = (name: string) => /(\d{4})\.csv$/i.exec(name)?.[1] ?? '';
  const order = (k: EntryKind) => (k === 'certificates' ? 0 : 1);
  found.sort((a, b) => year(a.entry.fileName).localeCompare(year(b.entry.fileName)) || order(a.kind) - order(b.kind) || a.entry.fileName.localeCompare(b.entry.fileName));
  const entries = found.map(({ entry, kind }): CsvEntry => ({
    name: entry.fileName,
    kind,
    bytes: entry.uncompressedSize,
    open: () => new Promise<Readable>((resolve, reject) => zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('cannot read ZIP entry')) : resolve(stream)))),
  }));
  return { entries, bytesTotal: entries.reduce((sum, e) => sum + (e.bytes ?? 0), 0), close: () => zip.close() };
}
