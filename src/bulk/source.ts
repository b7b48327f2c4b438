/**
 * The bulk file as a stream of CSV text: the first .csv entry of a ZIP (streamed by yauzl, never
 * unpacked to disk or memory), or a plain CSV file. Plus the file's SHA-256, which identifies an
 * import so the same file is not imported twice.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

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

export interface CsvSource {
  stream: Readable;
  /** Uncompressed size when known (for progress). */
  bytes: number | null;
  entry: string;
}

export async function openCsv(path: string): Promise<CsvSource> {
  if (!(await isZip(path))) return { stream: createReadStream(path), bytes: null, entry: path };
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (err, z) => (err || !z ? reject(err ?? new Error('cannot open ZIP')) : resolve(z))),
  );
  return new Promise<CsvSource>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!/\.csv$/i.test(entry.fileName)) {
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) reject(err ?? new Error('cannot read ZIP entry'));
        else resolve({ stream, bytes: entry.uncompressedSize, entry: entry.fileName });
      });
    });
    zip.on('end', () => reject(new Error(`${path} holds no .csv file`)));
    zip.on('error', reject);
    zip.readEntry();
  });
}
