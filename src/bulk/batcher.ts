/**
 * Turns the records of one CSV entry into batches, synchronously: the header first, then each record
 * parsed (from its bytes, `record-bytes.ts`, or as strings, `row.ts`), de-duplicated by key within the
 * batch, tallied per lodgement day, and cut into a batch every `batchSize` records. Pure bookkeeping;
 * `batches.ts` feeds it and ships what it makes.
 */
import type { RejectedRow } from '../db/rejects.js';
import { setFields, type RegisterFile } from '../registers/index.js';
import type { ParsedBatch } from './batches.js';
import { ByteSink } from './byte-sink.js';
import { BINARY_HEADER, BINARY_TRAILER, certificateBinaryTypes, textRecordToBinary, type BinaryType } from './copy-binary.js';
import { recordFields, recordText, type ScannedRecord } from './csv-scan.js';
import { CertificateBytes, RecommendationBytes } from './record-bytes.js';
import { RecommendationSets, type SetItem } from './recommendation-sets.js';
import { parseCertificateRecord, parseRecommendationRecord, readHeader, type BulkHeader, type EntryKind } from './row.js';
import type { TermWriter } from './terms.js';

const encoder = new TextEncoder();

export interface EntryInfo {
  name: string;
  kind: EntryKind;
}

export class EntryBatcher {
  private header: BulkHeader | null = null;
  private bytePath: CertificateBytes | RecommendationBytes | null = null;
  /** The batch's certificates in binary COPY (`copy-binary.ts`), and where each record begins in it. */
  private readonly out = new ByteSink();
  /** The certificates COPY's column types: for records `row.ts` reads, whose COPY text is converted. */
  private readonly types: readonly BinaryType[];
  private records: number[] = [];
  /** Records a later one with the same key replaced (their index in `records`). */
  private replaced = new Set<number>();
  private keys = new Map<string, number>();
  private perDay = new Map<string, [number, number]>();
  private batch = EntryBatcher.empty();
  private readonly sets: RecommendationSets;
  private lastCertificate: string | null = null;
  /** The first item of the next batch's first certificate, read when this batch was full (a copy). */
  private carried: SetItem | null = null;

  constructor(
    private readonly entry: EntryInfo,
    private readonly file: RegisterFile,
    private readonly prefix: string,
    private readonly latestDay: string,
    private readonly batchSize: number,
    private readonly terms: TermWriter,
  ) {
    this.sets = new RecommendationSets(setFields(file), prefix);
    this.types = certificateBinaryTypes(file);
    this.out.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
  }

  private static empty() {
    return { rows: 0, read: 0, withExtra: 0, rejects: [] as RejectedRow[], newColumns: [] as string[] };
  }

  get hasHeader(): boolean {
    return this.header !== null;
  }

  /** Reads one record given as fields; returns true when a batch is full and should be taken. */
  add(record: string[]): boolean {
    // The fields written back as CSV: the raw text a reject keeps.
    return this.addFields(record, () => record.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(','));
  }

  /**
   * Reads one record as the scanner found it in the file's bytes (the byte path, or the fields as
   * strings where it declines); returns true when a batch is full and should be taken.
   */
  addScanned(r: ScannedRecord): boolean {
    if (r.broken !== null && this.header) {
      this.reject(null, `unreadable CSV: ${r.broken}`, recordText(r));
      return this.batch.read >= (this.entry.kind === 'certificates' ? 1 : 2) * this.batchSize;
    }
    if (this.bytePath instanceof CertificateBytes) {
      const mark = this.out.length;
      const written = this.bytePath.write(r, this.out);
      if (written) {
        this.stored(written.key, written.day, written.extra, mark);
        return this.batch.read >= this.batchSize;
      }
    } else if (this.bytePath) {
      const parsed = this.bytePath.read(r);
      if (parsed) return this.addRecommendation(parsed);
    }
    return this.addFields(recordFields(r), () => recordText(r));
  }

  private addFields(record: string[], raw: () => string): boolean {
    if (!this.header) {
      this.header = readHeader(this.entry.kind, record, this.file, this.entry.name);
      this.batch.newColumns = this.header.unknown.map(([, name]) => name);
      this.bytePath = this.entry.kind === 'certificates'
        ? new CertificateBytes(this.header, this.file.fields, this.prefix, this.latestDay, this.terms)
        : new RecommendationBytes(this.header, this.file.recommendations, this.terms);
      return false;
    }
    if (this.entry.kind === 'recommendations') {
      const parsed = parseRecommendationRecord(record, this.header, this.file.recommendations, this.terms);
      if (parsed.ok) return this.addRecommendation(parsed);
      this.reject(null, parsed.reason, raw());
      return this.batch.read >= 2 * this.batchSize;
    }
    const parsed = parseCertificateRecord(record, this.header, this.file.fields, this.prefix, this.latestDay, this.terms);
    if (!parsed.ok) this.reject(parsed.day, parsed.reason, raw());
    else {
      const mark = this.out.length;
      textRecordToBinary(parsed.copy, this.types, this.out);
      this.stored(parsed.key, parsed.day, parsed.extra, mark);
    }
    return this.batch.read >= this.batchSize;
  }

  /** A certificate written to the batch's COPY text from `mark` on. */
  private stored(key: string, day: string | null, extra: boolean, mark: number): void {
    this.batch.read += 1;
    // A statement may not touch one key twice: a repeated record replaces the earlier one.
    const earlier = this.keys.get(key);
    this.keys.set(key, this.records.length);
    this.records.push(mark);
    if (earlier === undefined) {
      this.batch.rows += 1;
      if (extra) this.batch.withExtra += 1;
      this.tally(day, 1, 0);
    } else this.replaced.add(earlier);
  }

  /**
   * Recommendations gather into a set per certificate (`recommendation-sets.ts`). A full batch ends
   * where the next certificate begins, not inside a certificate's items: a set split between two
   * batches would make the second batch's straight COPY fail on its key, and the whole batch take the
   * slower staged merge.
   */
  private addRecommendation(parsed: SetItem): boolean {
    if (this.batch.read >= this.batchSize && parsed.certificate !== this.lastCertificate) {
      // The reader reuses its values: kept for the next batch, they are copied.
      this.carried = { certificate: parsed.certificate, item: parsed.item, values: Array.from(parsed.values) };
      return true;
    }
    this.addItem(parsed);
    return false;
  }

  private addItem(item: SetItem): void {
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
      // Certificates written as they were read; a batch's recommendation sets once it is whole.
      copy: this.entry.kind === 'certificates' ? this.takeCertificates() : this.sets.take(),
      // After the records: the terms they brought, stored before them in the same transaction.
      terms: encoder.encode(this.terms.takeNew()),
      days: [...this.perDay].map(([day, [stored, rejected]]): [string, number, number] => [day, stored, rejected]),
      bytesRead, bytesTotal,
    };
    this.batch = EntryBatcher.empty();
    this.keys = new Map();
    this.perDay.clear();
    if (this.carried) {
      this.addItem(this.carried);
      this.carried = null;
    }
    return done;
  }

  /** The batch's certificates, each key's last record only, between the binary header and trailer. */
  private takeCertificates(): Uint8Array {
    const { records, replaced } = this;
    const end = this.out.length;
    this.records = [];
    this.replaced = new Set();
    this.out.bytes(BINARY_TRAILER, 0, BINARY_TRAILER.length);
    let copy: Uint8Array;
    if (replaced.size === 0) copy = this.out.take();
    else {
      const kept = records.map((from, i): [number, number] => [from, records[i + 1] ?? end]).filter((_, i) => !replaced.has(i));
      copy = this.out.take([[0, BINARY_HEADER.length], ...kept, [end, end + BINARY_TRAILER.length]]);
    }
    this.out.bytes(BINARY_HEADER, 0, BINARY_HEADER.length);
    return copy;
  }

  private tally(day: string | null, stored: number, rejected: number): void {
    if (!day) return;
    const t = this.perDay.get(day) ?? [0, 0];
    t[0] += stored;
    t[1] += rejected;
    this.perDay.set(day, t);
  }
}
