/**
 * Every entry's header, checked before a row is written: a file of another register, or no bulk file
 * at all, fails the import whole before either parse worker has stored any of it (the workers share
 * the entries out between them, and the non-domestic and display recommendations entries look alike:
 * only a certificates entry tells those two apart).
 */
import type { RegisterFile } from '../registers/index.js';
import { CsvScanner, recordFields } from './csv-scan.js';
import { readHeader } from './row.js';
import { openBulkFile, type CsvEntry } from './source.js';

/** A header line is short; this much text without a line end is no header. */
const HEADER_LIMIT = 1 << 20;

/** The entry's first record's fields, read as the import reads them; null for an empty entry. */
async function firstRecord(entry: CsvEntry): Promise<string[] | null> {
  const stream = await entry.open();
  const scanner = new CsvScanner(entry.name);
  let read = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      scanner.push(chunk);
      if (scanner.next()) return recordFields(scanner.record);
      read += chunk.length;
      if (read > HEADER_LIMIT) break;
    }
    scanner.finish();
    return scanner.next() ? recordFields(scanner.record) : null;
  } finally {
    stream.destroy();
  }
}

/** Throws the header check's `BulkFileError` (naming the entry, and the register a file is from). */
export async function checkHeaders(path: string, file: RegisterFile): Promise<void> {
  const source = await openBulkFile(path);
  try {
    for (const entry of source.entries) {
      // An entry that cannot be read (corrupt data) or is empty is the parse's to report, in its turn
      // and naming it: this check is about whose file it is.
      const names = await firstRecord(entry).catch(() => null);
      if (names === null) continue;
      readHeader(entry.kind, names, file, entry.name);
    }
  } finally {
    source.close();
  }
}
