/**
 * The bulk file as CSV entries, each streamed (from a ZIP whose directory yauzl reads; never unpacked
 * to disk or memory), or a plain CSV file. Plus the file's SHA-256, which identifies an import so the
 * same file is not imported twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline as pipe, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
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
  // By year, a year's certificates before its recommendations: the order each parse worker takes its
  // share in (`shareOf`), so the database gets both kinds throughout the import.
  const year = (name: string) => /(\d{4})\.csv$/i.exec(name)?.[1] ?? '';
  const order = (k: EntryKind) => (k === 'certificates' ? 0 : 1);
  found.sort((a, b) => year(a.entry.fileName).localeCompare(year(b.entry.fileName)) || order(a.kind) - order(b.kind) || a.entry.fileName.localeCompare(b.entry.fileName));
  const entries = found.map(({ entry, kind }): CsvEntry => ({ name: entry.fileName, kind, bytes: entry.uncompressedSize, open: () => openEntry(path, zip, entry) }));
  return { entries, bytesTotal: entries.reduce((sum, e) => sum + (e.bytes ?? 0), 0), close: () => zip.close() };
}

/**
 * Parsing a byte of certificates (93 typed columns) costs about 1.2 times a byte of recommendations
 * (measured on the export's file with the byte parser; twice with Papa Parse), so a share's work is
 * its bytes weighted by kind.
 */
export const PARSE_WEIGHT: Readonly<Record<EntryKind, number>> = { certificates: 1.2, recommendations: 1 };

/**
 * The entries worker `shard` of `shards` parses, in file order: each entry, heaviest first, goes to
 * the worker with the least work so far, so the workers finish together (entry i to worker i mod n
 * gave one worker every certificates entry, and twice the other's work). Every worker computes the
 * same shares from the same entry list; no entry is parsed twice or left out.
 */
export function shareOf(entries: readonly CsvEntry[], shard: number, shards: number): CsvEntry[] {
  const work = entries.map((e) => (e.bytes ?? 0) * PARSE_WEIGHT[e.kind]);
  const heaviestFirst = entries.map((_, i) => i).sort((a, b) => work[b]! - work[a]! || a - b);
  const load = new Array<number>(shards).fill(0);
  const owner = new Array<number>(entries.length);
  for (const i of heaviestFirst) {
    const least = load.indexOf(Math.min(...load));
    owner[i] = least;
    load[least]! += work[i]!;
  }
  return entries.filter((_, i) => owner[i] === shard);
}

/** zlib's default output piece is 16 KB; 256 KB means a sixth of the pieces on the export's file. */
const INFLATE_CHUNK = 256 * 1024;
/**
 * The deflated bytes are read 256 KB at a time: yauzl's reader reads 16 KB pieces, and those reads and
 * the as many zlib calls they fed cost ~0.4 s of CPU on the 250k file (0.9 s to read and inflate it
 * all, 0.5 s this way). 1 MB pieces saved no more, and added ~30 MB to the import's peak RSS at 1M
 * certificates.
 */
const READ_CHUNK = 256 * 1024;
const LOCAL_HEADER = 0x04034b50;

/**
 * An entry's CSV bytes. A deflated entry is read from where its data lies in the file (its local
 * header says; yauzl read the central directory, ZIP64 included) and inflated here, in INFLATE_CHUNK
 * pieces, with yauzl's guard kept: the entry must inflate to exactly the size the ZIP says, so a
 * damaged or lying entry fails instead of running on. Any other entry (stored, encrypted, another
 * method) is yauzl's to read or refuse, as before.
 */
async function openEntry(path: string, zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  if (entry.compressionMethod !== 8 || entry.isEncrypted()) {
    return new Promise<Readable>((resolve, reject) =>
      zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('cannot read ZIP entry')) : resolve(stream))));
  }
  const start = await dataStart(path, entry);
  const expected = entry.uncompressedSize;
  let seen = 0;
  const sized = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > expected) done(new BulkFileError(`${entry.fileName} is damaged: it inflates to more than the ${expected} bytes the ZIP says`));
      else done(null, chunk);
    },
    flush(done) {
      done(seen < expected ? new BulkFileError(`${entry.fileName} is damaged: it inflates to ${seen} bytes, the ZIP says ${expected}`) : null);
    },
  });
  const deflated = entry.compressedSize === 0
    ? Readable.from([])
    : createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: READ_CHUNK });
  // An error anywhere (the read, corrupt deflate data, the size) reaches the reader through `sized`,
  // and destroying `sized` (an early stop) closes the other two and the file.
  return pipe(deflated, createInflateRaw({ chunkSize: INFLATE_CHUNK }), sized, () => undefined);
}

/** Where an entry's data begins: after its local header, whose name and extra field may differ in length from the central directory's. */
async function dataStart(path: string, entry: yauzl.Entry): Promise<number> {
  const handle = await openFile(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(30), 0, 30, entry.relativeOffsetOfLocalHeader);
    if (bytesRead < 30 || buffer.readUInt32LE(0) !== LOCAL_HEADER) {
      throw new BulkFileError(`${entry.fileName} is damaged: no local header where the ZIP's directory says; download the file again`);
    }
    const start = entry.relativeOffsetOfLocalHeader + 30 + buffer.readUInt16LE(26) + buffer.readUInt16LE(28);
    if (start + entry.compressedSize > (await handle.stat()).size) {
      throw new BulkFileError(`${entry.fileName} is damaged: its data runs past the end of the file; download the file again`);
    }
    return start;
  } finally {
    await handle.close();
  }
}
