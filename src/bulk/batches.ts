/**
 * The parsing stage of a bulk import: a ZIP (or CSV) file → batches ready for the database. Each batch
 * carries its rows as COPY text for the staging table, its rejects with reasons and raw lines, and its
 * per-day tallies. No database here: this runs on a worker thread (`parse-worker.ts`), so parsing
 * overlaps with the database writing the batch before.
 */
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { bulkStageRecord } from '../db/bulk.js';
import type { RejectedRow } from '../db/rejects.js';
import { parseBulkRecord, readHeader, type BulkHeader } from './row.js';
import { openCsv } from './source.js';

export interface ParsedBatch {
  /**
   * The batch's good rows as COPY text for the staging table (see `db/bulk.ts`), encoded as UTF-8 here
   * so it crosses to the importing thread without a copy and never exists there as a string.
   */
  copy: Uint8Array;
  rows: number;
  rejects: RejectedRow[];
  /** Records read in this batch: rows and rejects. */
  read: number;
  /** Per registration day in this batch: [day, rows stored, rows rejected]. */
  days: Array<[string, number, number]>;
  /** Bytes of CSV read so far, and the CSV's whole size when the ZIP says (for progress and ETA). */
  bytesRead: number;
  bytesTotal: number | null;
}

const encoder = new TextEncoder();

export async function* parseBulkFile(path: string, batchSize: number): AsyncGenerator<ParsedBatch> {
  const source = await openCsv(path);
  let bytesRead = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  let batch = emptyBatch();
  let ordinal = 0;
  const perDay = new Map<string, [number, number]>();
  const tally = (day: string | null, stored: number, rejected: number) => {
    if (!day) return;
    const t = perDay.get(day) ?? [0, 0];
    t[0] += stored;
    t[1] += rejected;
    perDay.set(day, t);
  };
  const reject = (row: RejectedRow) => {
    batch.rejects.push(row);
    batch.read += 1;
    tally(row.day, 0, 1);
  };
  // Records are joined once per batch: appending to one growing string costs a flattening per row.
  let records: string[] = [];
  const finish = (): ParsedBatch => {
    const done = { ...batch, copy: encoder.encode(records.join('')), days: [...perDay].map(([day, [stored, rejected]]): [string, number, number] => [day, stored, rejected]), bytesRead, bytesTotal: source.bytes };
    batch = emptyBatch();
    records = [];
    perDay.clear();
    return done;
  };

  const parser = parse({
    raw: true,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // Broken quoting and the like: the record is skipped by the parser and kept here as a reject.
    on_skip: (err, raw) => {
      reject({ source: 'bulk', day: null, reason: `unreadable CSV: ${err?.message ?? 'unknown error'}`, raw: raw ?? '' });
      return undefined;
    },
  });
  // pipeline, not pipe: a corrupt ZIP entry (an inflate error) must end the loop below with its error.
  pipeline(source.stream, counter, parser).catch(() => undefined);
  let header: BulkHeader | null = null;
  for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    if (!header) {
      header = readHeader(record);
      continue;
    }
    const parsed = parseBulkRecord(record, header);
    if (parsed.ok) {
      ordinal += 1;
      records.push(bulkStageRecord(ordinal, parsed.row, parsed.json));
      batch.rows += 1;
      batch.read += 1;
      tally(parsed.row.registrationDate, 1, 0);
    } else {
      reject({ source: 'bulk', day: parsed.day, reason: parsed.reason, raw: raw.replace(/\r?\n$/, '') });
    }
    if (batch.read >= batchSize) yield finish();
  }
  if (!header) throw new Error(`${path} is empty: no header line`);
  yield finish();
}

function emptyBatch(): Omit<ParsedBatch, 'copy' | 'days' | 'bytesRead' | 'bytesTotal'> {
  return { rows: 0, rejects: [], read: 0 };
}
