/**
 * The parsing stage of a bulk import: the file's CSV entries → batches ready for the database. Each
 * batch comes from one entry and carries its good records ready for COPY (`record-bytes.ts`,
 * `row.ts`), its rejects with reasons and raw text, and its per-day tallies. No database here: this
 * runs on a worker thread (`parse-worker.ts`), so parsing overlaps with the database writing the
 * batch before.
 */
import type { RejectedRow } from '../db/rejects.js';
import { BulkFileError } from '../errors.js';
import { copyPrefixes, registerFile } from '../registers/index.js';
import { EntryBatcher } from './batcher.js';
import { CsvScanner } from './csv-scan.js';
import type { EntryKind } from './row.js';
import { TermWriter, type TermSeed } from './terms.js';
import { openBulkFile, shareOf, type CsvEntry } from './source.js';

export interface ParsedBatch {
  kind: EntryKind;
  /** The ZIP entry (or file) the batch was read from. */
  entry: string;
  /**
   * The batch's good records (`registers/index.ts` names the columns) in COPY's binary format
   * (`copy-binary.ts`, `recommendation-sets.ts`). Bytes, so they cross to the importing thread without
   * a copy and never exist there as a string.
   */
  copy: Uint8Array;
  /** COPY text (`id`, `value`) of the terms this batch's records use that no earlier batch brought. */
  terms: Uint8Array;
  /** Records stored: certificates, or recommendations (gathered into a row per certificate). */
  rows: number;
  rejects: RejectedRow[];
  /** Records read in this batch: rows, repeats and rejects. */
  read: number;
  /** Certificates of this batch with a value kept in `bulk_extra`. */
  withExtra: number;
  /** Per lodgement day in this batch: [day, rows stored, rows rejected]. */
  days: Array<[string, number, number]>;
  /** Columns of the entry's header this release does not know (on an entry's first batch only). */
  newColumns: string[];
  /** Bytes of CSV read so far over all entries, and the entries' whole size when the ZIP says. */
  bytesRead: number;
  bytesTotal: number | null;
}

export interface ParseOptions {
  register: string;
  /** Records per batch, by the entry's kind. */
  batchSize: Readonly<Record<EntryKind, number>>;
  /** The newest lodgement day the file may hold: a later one is a reject. */
  latestDay: string;
  /** The import writing the batches (recommendation rows carry it). */
  importId: number;
  /** The terms the database holds, and the ids reserved for new ones: `size` ids per worker, the workers interleaved from `first`. */
  terms: TermSeed;
  /** Parse only worker `shard`'s share of the entries (`shareOf`: about equal work each; several workers share a file). */
  shard?: number;
  shards?: number;
}

export async function* parseBulkFile(path: string, options: ParseOptions): AsyncGenerator<ParsedBatch> {
  const file = registerFile(options.register);
  const prefixes = copyPrefixes(options.register, options.importId);
  const source = await openBulkFile(path);
  const progress = { bytesRead: 0, bytesTotal: source.bytesTotal };
  try {
    // Each worker gives new terms every `shards`-th id of the import's reserved range, from its own offset.
    const terms = new TermWriter({ ...options.terms, first: options.terms.first + (options.shard ?? 0), stride: options.shards ?? 1 });
    for (const entry of shareOf(source.entries, options.shard ?? 0, options.shards ?? 1)) {
      const batcher = new EntryBatcher(entry, file, prefixes[entry.kind], options.latestDay, options.batchSize[entry.kind], terms);
      yield* parseEntry(entry, batcher, progress);
      if (!batcher.hasHeader) throw new BulkFileError(`${entry.name} is empty: no header line`);
    }
  } finally {
    source.close();
  }
}

/**
 * One entry through the byte scanner (`csv-scan.ts`): each piece the entry's stream gives is scanned
 * for whole records, which go to the batcher; the unfinished record at a piece's end waits for the
 * next. A full batch is yielded before the stream is read further, so however far the database lags,
 * a worker holds a batch and a piece (the stream's own buffer is small).
 */
async function* parseEntry(entry: CsvEntry, batcher: EntryBatcher, progress: { bytesRead: number; bytesTotal: number | null }): AsyncGenerator<ParsedBatch> {
  const scanner = new CsvScanner(entry.name);
  const raw = await entry.open();
  const ready = () => batcher.take(progress.bytesRead, progress.bytesTotal);
  try {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      progress.bytesRead += chunk.length;
      scanner.push(chunk);
      while (scanner.next()) if (batcher.addScanned(scanner.record)) yield ready();
    }
    scanner.finish();
    while (scanner.next()) if (batcher.addScanned(scanner.record)) yield ready();
  } finally {
    raw.destroy();
  }
  if (!batcher.empty) yield ready();
}
