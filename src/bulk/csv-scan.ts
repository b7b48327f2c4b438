/**
 * The bulk file's CSV, read as bytes: where each record's fields begin and end in the buffer, without
 * a string per field. The file is 93 columns wide and hundreds of megabytes a year; a string per field
 * (what every CSV library hands over) cost more than everything else the parser does, so the record
 * converter (`record-bytes.ts`) reads the fields where they lie.
 *
 * The dialect is Spark's (EPB_API.md, "Bulk files"), read leniently as RFC 4180: a comma between
 * fields, a record per line (`\n`, or the older files' `\r\n`), a field quoted when it holds a comma,
 * quote or line break, `""` for a quote inside one. Empty lines are skipped. A quote that closes and
 * is followed by anything but a comma or a line end (spaces between them allowed, as Papa Parse allows
 * them), or one that never closes, makes the record `broken` (a reject, with the reason Papa Parse
 * gave for the same fault), and reading goes on.
 */
import { BulkFileError } from '../errors.js';

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;

/**
 * A record longer than this is no record of the register (a row is ~1–2 KB): a quote that never
 * closes, reading the rest of the file as one field. Stopped before it fills the worker's heap.
 */
export const MAX_RECORD_BYTES = 4 << 20;

/** One record; the scanner reuses the object, so it is read before the next `next()`. */
export interface ScannedRecord {
  /** The buffer the offsets point into. */
  buf: Buffer;
  /** The record's bytes, line end excluded. */
  start: number;
  end: number;
  /** Fields: bytes `starts[k]`..`ends[k]` (inside the quotes of a quoted one). */
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** Per field: 0 unquoted, 1 quoted, 2 quoted with `""` inside. */
  quoted: Uint8Array;
  /** Why the record's CSV cannot be read, or null. */
  broken: string | null;
}

export class CsvScanner {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Where an unfinished record and the next piece are joined (`push`). */
  private joined: Buffer = Buffer.alloc(0);
  private final = false;
  readonly record: ScannedRecord = {
    buf: this.buf, start: 0, end: 0, count: 0,
    starts: new Int32Array(128), ends: new Int32Array(128), quoted: new Uint8Array(128), broken: null,
  };

  constructor(private readonly entry: string) {}

  /**
   * Adds the next piece of the entry; the bytes of a record it left unfinished come first. The two
   * are joined in a buffer the scanner keeps, not a new one each piece: a new buffer per piece was as
   * many bytes again as the file, and that much memory outside the heap made V8 collect its old
   * generation several times a second.
   */
  push(chunk: Buffer): void {
    const rest = this.buf.length - this.pos;
    if (rest === 0) {
      this.buf = chunk;
      this.pos = 0;
      return;
    }
    const size = rest + chunk.length;
    if (this.joined.length < size) {
      const bigger = Buffer.allocUnsafe(Math.max(size, this.joined.length * 2));
      this.buf.copy(bigger, 0, this.pos);
      this.joined = bigger;
    } else if (this.buf.buffer === this.joined.buffer && this.buf.byteOffset === this.joined.byteOffset) {
      // The rest is already in the joined buffer (the last piece was joined too): moved to its start.
      this.joined.copyWithin(0, this.pos, this.pos + rest);
    } else {
      this.buf.copy(this.joined, 0, this.pos);
    }
    chunk.copy(this.joined, rest);
    this.buf = this.joined.subarray(0, size);
    this.pos = 0;
  }

  /** The entry has no more bytes: its last record needs no line end. */
  finish(): void {
    this.final = true;
  }

  /** Reads the next whole record into `record`; false when none is complete yet (or the entry ended). */
  next(): boolean {
    const b = this.buf;
    const n = b.length;
    let p = this.pos;
    // Empty lines are no records.
    while (p < n && (b[p] === LF || (b[p] === CR && p + 1 < n && b[p + 1] === LF))) p += b[p] === LF ? 1 : 2;
    this.pos = p;
    if (p >= n) return false;
    const r = this.record;
    r.buf = b;
    r.start = p;
    r.count = 0;
    r.broken = null;
    for (;;) {
      if (b[p] === QUOTE) {
        // A quoted field: to the quote that is followed by a comma or a line end.
        const s = p + 1;
        let q = s;
        let kind = 1;
        for (;;) {
          while (q < n && b[q] !== QUOTE) q += 1;
          if (q >= n) {
            if (!this.final) return this.incomplete();
            r.broken ??= 'Quoted field unterminated';
            this.field(s, n, kind);
            return this.ended(n, n);
          }
          // What follows the quote, past any spaces (Papa Parse allows them before a comma or line end).
          let k = q + 1;
          while (k < n && b[k] === SPACE) k += 1;
          if (k >= n) {
            if (!this.final) return this.incomplete();
            this.field(s, q, kind);
            return this.ended(q + 1, n);
          }
          const after = b[k];
          if (after === QUOTE && k === q + 1) {
            kind = 2;
            q += 2;
            continue;
          }
          if (after === COMMA) {
            this.field(s, q, kind);
            p = k + 1;
            break;
          }
          if (after === LF) {
            this.field(s, q, kind);
            return this.ended(q + 1, k + 1);
          }
          if (after === CR && (k + 1 >= n || b[k + 1] === LF)) {
            if (k + 1 >= n && !this.final) return this.incomplete();
            this.field(s, q, kind);
            return this.ended(q + 1, Math.min(k + 2, n));
          }
          r.broken ??= 'Trailing quote on quoted field is malformed';
          q += 1;
        }
        if (p >= n) {
          // A comma ended the buffer: one more (empty) field follows, or more bytes do.
          if (!this.final) return this.incomplete();
          this.field(n, n, 0);
          return this.ended(n, n);
        }
        continue;
      }
      let q = p;
      while (q < n) {
        const c = b[q]!;
        // Most bytes are letters and digits, above both: one comparison each.
        if (c <= COMMA && (c === COMMA || c === LF)) break;
        q += 1;
      }
      if (q >= n) {
        if (!this.final) return this.incomplete();
        const e = q > p && b[q - 1] === CR ? q - 1 : q;
        this.field(p, e, 0);
        return this.ended(e, n);
      }
      if (b[q] === COMMA) {
        this.field(p, q, 0);
        p = q + 1;
        if (p >= n) {
          if (!this.final) return this.incomplete();
          this.field(n, n, 0);
          return this.ended(n, n);
        }
        continue;
      }
      const e = q > p && b[q - 1] === CR ? q - 1 : q;
      this.field(p, e, 0);
      return this.ended(e, q + 1);
    }
  }

  private field(s: number, e: number, kind: number): void {
    const r = this.record;
    if (r.count === r.starts.length) {
      const size = r.count * 2;
      r.starts = Int32Array.from({ length: size }, (_, i) => r.starts[i] ?? 0);
      r.ends = Int32Array.from({ length: size }, (_, i) => r.ends[i] ?? 0);
      r.quoted = Uint8Array.from({ length: size }, (_, i) => r.quoted[i] ?? 0);
    }
    r.starts[r.count] = s;
    r.ends[r.count] = e;
    r.quoted[r.count] = kind;
    r.count += 1;
  }

  /** The record ends at `end`; the next begins at `next`. */
  private ended(end: number, next: number): boolean {
    this.record.end = end;
    this.pos = next;
    return true;
  }

  /** The record from `this.pos` needs more bytes: kept for the next `push`. */
  private incomplete(): boolean {
    if (this.buf.length - this.pos > MAX_RECORD_BYTES) {
      throw new BulkFileError(`${this.entry}: a record runs past ${MAX_RECORD_BYTES >> 20} MiB (a quote that never closes?); the file is damaged: download it again`);
    }
    return false;
  }
}

/** Field `k` of `r` as text: UTF-8 (an invalid sequence reads as U+FFFD), each `""` made `"`. */
export function fieldText(r: ScannedRecord, k: number): string {
  const text = r.buf.toString('utf8', r.starts[k], r.ends[k]);
  return r.quoted[k] === 2 ? text.replaceAll('""', '"') : text;
}

/** Every field of `r` as text: the string parsers' input, for the records the byte path does not take. */
export function recordFields(r: ScannedRecord): string[] {
  return Array.from({ length: r.count }, (_, k) => fieldText(r, k));
}

/** The record as the file wrote it, line end excluded: a reject's raw text. */
export function recordText(r: ScannedRecord): string {
  return r.buf.toString('utf8', r.start, r.end);
}
