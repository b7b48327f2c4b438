/**
 * Turns the records of one CSV entry into batches, synchronously: the header first, then each record
 * parsed (`row.ts`), de-duplicated by key within the batch, tallied per lodgement day, and cut into a
 * batch every `batchSize` records. Pure bookkeeping; `batches.ts` feeds it and ships what it makes.
 */
import Papa from 'papaparse';
import type { RejectedRow } from '../db/rejects.js';
import { setFields, type RegisterFile } from '../registers/index.js';
import type { ParsedBatch } from './batches.js';
import { RecommendationSets } from './recommendation-sets.js';
import { parseCertificateRecord, parseRecommendationRecord, readHeader, type BulkHeader, type EntryKind } from './row.js';
import type { TermWriter } from './terms.js';

const encoder = new TextEncoder();

export interface EntryInfo {
  name: string;
  kind: EntryKind;
}

export class EntryBatcher {
  private header: BulkHeader | null = null;
  private records: string[] = [];
  private keys = new Map<string, number>();
  private perDay = new Map<string, [number, number]>();
  private batch = EntryBatcher.empty();
  private readonly sets: RecommendationSets;
  private lastCertificate: string | null = null;
  /** The first item of the next batch's first certificate, read when this batch was full. */
  private carried: { certificate: string; item: string; values: Array<string | null> } | null = null;

  constructor(
    private readonly entry: EntryInfo,
    private readonly file: RegisterFile,
    private readonly prefix: string,
    private readonly latestDay: string,
    private readonly batchSize: number,
    private readonly terms: TermWriter,
  ) {
    this.sets = new RecommendationSets(setFields(file));
  }

  private static empty() {
    return { rows: 0, read: 0, withExtra: 0, rejects: [] as RejectedRow[], newColumns: [] as string[] };
  }

  get hasHeader(): boolean {
    return this.header !== null;
  }

  /** Reads one record; returns true when a batch is full and should be taken. */
  add(record: string[]): boolean {
    if (!this.header) {
      this.header = readHeader(this.entry.kind, record, this.file, this.entry.name);
      this.batch.newColumns = this.header.unknown.map(([, name]) => name);
      return false;
    }
    if (this.entry.kind === 'recommendations') return this.addRecommendation(record, this.header);
    const parsed = parseCertificateRecord(record, this.header, this.file.fields, this.prefix, this.latestDay, this.terms);
    if (!parsed.ok) {
      // The parser hands over fields, not lines: the raw text kept is the record written back as CSV.
      this.reject(parsed.day, parsed.reason, Papa.unparse([record], { newline: '\n' }));
    } else {
      this.batch.read += 1;
      // A statement may not touch one key twice: a repeated record replaces the earlier one.
      const earlier = this.keys.get(parsed.key);
      if (earlier === undefined) {
        this.keys.set(parsed.key, this.records.length);
        this.records.push(parsed.copy);
        this.batch.rows += 1;
        if (parsed.extra) this.batch.withExtra += 1;
        this.tally(parsed.day, 1, 0);
      } else this.records[earlier] = parsed.copy;
    }
    return this.batch.read >= this.batchSize;
  }

  /**
   * Recommendations gather into a set per certificate (`recommendation-sets.ts`). A full batch ends
   * where the next certificate begins, not inside a certificate's items: a set split between two
   * batches would make the second batch's straight COPY fail on its key, and the whole batch take the
   * slower staged merge.
   */
  private addRecommendation(record: string[], header: BulkHeader): boolean {
    const parsed = parseRecommendationRecord(record, header, this.file.recommendations, this.terms);
    if (!parsed.ok) {
      this.reject(null, parsed.reason, Papa.unparse([record], { newline: '\n' }));
      return this.batch.read >= 2 * this.batchSize;
    }
    if (this.batch.read >= this.batchSize && parsed.certificate !== this.lastCertificate) {
      this.carried = parsed;
      return true;
    }
    this.addItem(parsed);
    return false;
  }

  private addItem(item: { certificate: string; item: string; values: Array<string | null> }): void {
    this.batch.read += 1;
    this.lastCertificate = item.certificate;
    if (this.sets.add(item.certificate, item.item, item.values)) this.batch.rows += 1;
  }

  /** A record the CSV parser could not read (broken quoting and the like). */
  reject(day: string | null, reason: string, raw: string): void {
    this.batch.rejects.push({ source: 'bulk', day, reason: `${this.entry.name}: ${reason}`, raw });
    this.batch.read += 1;
    this.tally(day, 0, 1);
  }

  /** True when nothing is waiting to be taken. */
  get empty(): boolean {
    return this.batch.read === 0 && this.batch.newColumns.length === 0;
  }

  take(bytesRead: number, bytesTotal: number | null): ParsedBatch {
    const done: ParsedBatch = {
      kind: this.entry.kind, entry: this.entry.name, ...this.batch,
      // Joined once per batch: appending to one growing string costs a flattening per row.
      copy: encoder.encode(this.entry.kind === 'certificates' ? this.records.join('') : this.sets.take(this.prefix)),
      // After the records: the terms they brought, stored before them in the same transaction.
      terms: encoder.encode(this.terms.takeNew()),
      days: [...this.perDay].map(([day, [stored, rejected]]): [string, number, number] => [day, stored, rejected]),
      bytesRead, bytesTotal,
    };
    this.batch = EntryBatcher.empty();
    this.records = [];
    this.keys = new Map();
    this.perDay.clear();
    if (this.carried) {
      this.addItem(this.carried);
      this.carried = null;
    }
    return done;
  }

  private tally(day: string | null, stored: number, rejected: number): void {
    if (!day) return;
    const t = this.perDay.get(day) ?? [0, 0];
    t[0] += stored;
    t[1] += rejected;
    this.perDay.set(day, t);
  }
}
