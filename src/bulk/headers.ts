/**
 * Every entry's header, checked before a row is written: a file of another register, or no bulk file
 * at all, fails the import whole before either parse worker has stored any of it (the workers share
 * the entries out between them, and the non-domestic and display recommendations entries look alike:
 * only a certificates entry tells those two apart).
 */
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type { RegisterFile } from '../registers/index.js';
import { readHeader } from './row.js';
import { openBulkFile, type CsvEntry } from './source.js';

/** A header line is short; this much text without a line end is no header. */
const HEADER_LIMIT = 1 << 20;

async function firstLine(entry: CsvEntry): Promise<string | null> {
  const stream = await entry.open();
  const utf8 = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      text += utf8.write(chunk);
      const end = text.indexOf('\n');
      if (end >= 0) return text.slice(0, end).replace(/\r$/, '');
      if (text.length > HEADER_LIMIT) break;
    }
    return text === '' ? null : text;
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
      const line = await firstLine(entry).catch(() => null);
      if (line === null) continue;
      const names = Papa.parse<string[]>(line, { delimiter: ',' }).data[0] ?? [];
      readHeader(entry.kind, names, file, entry.name);
    }
  } finally {
    source.close();
  }
}
