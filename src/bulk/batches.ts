/**
 * The parsing stage of a bulk import: the file's CSV entries → batches ready for the database. Each
 * batch comes from one entry and carries its good records as COPY text (`row.ts`), its rejects with
 * reasons and raw text, and its per-day tallies. No database here: this runs on a worker thread
 * (`parse-worker.ts`), so parsing overlaps with the database writing the batch before.
 */
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type { RejectedRow } from '../db/rejects.js';
import { BulkFileError } from '../errors.js';
import { copyPrefixes, registerFile } from '../registers/index.js';
import { EntryBatcher } from './batcher.js';
import type { EntryKind } from './row.js';
import { TermWriter, type TermSeed } from './terms.js';
import { openBulkFile, shareOf, type CsvEntry } from './source.js';

export interface ParsedBatch {
  kind: EntryKind;
  /** The ZIP entry (or file) the batch was read from. */
  entry: string;
  /**
   * The batch's good records as COPY text (`registers/index.ts` names the columns), encoded as UTF-8
   * here so it crosses to the importing thread without a copy and never exists there as a string.
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
  batchSize: number;
  /** The newest lodgement day the file may hold: a later one is a reject. */
  latestDay: string;
  /** The import writing the batches (recommendation rows carry it). */
  importId: number;
  /** The terms the database holds, and the ids reserved for new ones: `size` ids per worker from `first`. */
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
    // Each worker gives new terms ids from its own part of the import's reserved range.
    const terms = new TermWriter({ ...options.terms, first: options.terms.first + (options.shard ?? 0) * options.terms.size });
    for (const entry of shareOf(source.entries, options.shard ?? 0, options.shards ?? 1)) {
      const batcher = new EntryBatcher(entry, file, prefixes[entry.kind], options.latestDay, options.batchSize, terms);
      yield* parseEntry(entry, batcher, progress);
      if (!batcher.hasHeader) throw new BulkFileError(`${entry.name} is empty: no header line`);
    }
  } finally {
    source.close();
  }
}

/**
 * One entry through Papa Parse, several times faster than csv-parse on the file's 93-column rows
 * (BENCHMARKS.md); it reads Spark's quoting (doubled quotes, quoted newlines) and the older files'
 * CRLF alike. Rows arrive a chunk at a time in a callback, not one by one through an async iterator
 * (which cost more than the parsing); the parser pauses while a full batch waits to be taken.
 */
async function* parseEntry(entry: CsvEntry, batcher: EntryBatcher, progress: { bytesRead: number; bytesTotal: number | null }): AsyncGenerator<ParsedBatch> {
  // Bytes counted for progress, and decoded here so a character split between two chunks stays whole.
  // Papa queues every chunk its input emits and pausing its parser does not stop that input, so the
  // backpressure is here: a chunk is not acknowledged (and the ZIP entry not read further) while two
  // are waiting to be parsed. Memory stays flat however far the database lags.
  const utf8 = new StringDecoder('utf8');
  let waiting = 0;
  let held: (() => void) | null = null;
  const parsedOne = () => {
    waiting = Math.max(0, waiting - 1);
    if (held && waiting < 2) {
      const release = held;
      held = null;
      release();
    }
  };
  const decode = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      progress.bytesRead += chunk.length;
      const text = utf8.write(chunk);
      if (text === '') return done();
      waiting += 1;
      this.push(text);
      if (waiting < 2) done();
      else held = () => done();
    },
    flush(done) {
      done(null, utf8.end());
    },
  });
  const raw = await entry.open();
  raw.on('error', (error) => decode.destroy(error));
  raw.pipe(decode);

  const ready: ParsedBatch[] = [];
  let failure: Error | null = null;
  let finished = false;
  let parser: Papa.Parser | null = null;
  let paused = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    wake?.();
    wake = null;
  };
  decode.on('error', (error) => {
    failure = error;
    signal();
  });
  Papa.parse(decode as unknown as NodeJS.ReadableStream, {
    header: false,
    // Spark writes commas; left to guess, Papa might pick a tab or semicolon inside the values.
    delimiter: ',',
    skipEmptyLines: true,
    chunk(results: Papa.ParseResult<string[]>, p: Papa.Parser) {
      parser = p;
      parsedOne();
      try {
        const broken = new Map(results.errors.map((e) => [e.row, e.message]));
        results.data.forEach((record, i) => {
          const error = broken.get(i);
          if (error !== undefined && batcher.hasHeader) {
            batcher.reject(null, `unreadable CSV: ${error}`, Papa.unparse([record], { newline: '\n' }));
          } else if (batcher.add(record)) ready.push(batcher.take(progress.bytesRead, progress.bytesTotal));
        });
      } catch (error) {
        failure = error as Error;
        p.abort();
      }
      if (ready.length > 0 && !paused) {
        paused = true;
        p.pause();
      }
      signal();
    },
    complete() {
      finished = true;
      signal();
    },
    error(error: Error) {
      failure = error;
      signal();
    },
  });
  try {
    for (;;) {
      while (ready.length > 0) yield ready.shift()!;
      if (failure) throw failure;
      if (finished) break;
      if (paused && parser) {
        paused = false;
        (parser as Papa.Parser).resume();
      } else await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    raw.unpipe(decode);
    raw.destroy();
  }
  if (!batcher.empty) yield batcher.take(progress.bytesRead, progress.bytesTotal);
}
