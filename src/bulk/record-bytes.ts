/**
 * The byte path of `row.ts`: a scanned certificate (`csv-scan.ts`) → its record in COPY's binary
 * format (`copy-binary.ts`), written straight into the batch's bytes (`byte-sink.ts`), with no string
 * for most fields. Term columns are looked up by their bytes and written as ids; numbers, days, the
 * lodgement time, bands and UPRNs in their plain form are converted from their digits once checked.
 * A scanned recommendation → its values, term ids as text (sets go to COPY as text).
 *
 * It gives the same answer as `row.ts` or none: any field it does not recognise at a glance (a
 * sentinel, a padded or quoted number, another date form, non-ASCII text) is read as a string through
 * `row.ts`'s own parsers, and a record that may be a reject (its width, certificate number, lodgement
 * day, a NUL) is left to `row.ts` whole: `null` says so. `test/unit/record-bytes.test.ts` holds the two
 * to the same output.
 */
import { isIsoDay } from '../days.js';
import type { Field, RecommendationField } from '../registers/field.js';
import { parseFieldValue, parseValue, UNREADABLE } from '../registers/values.js';
import { ByteSink } from './byte-sink.js';
import { binaryType, float32OfDouble, pgDaysOf, writeBinaryValue, type BinaryType } from './copy-binary.js';
import { fieldText, type ScannedRecord } from './csv-scan.js';
import type { SetItem, SetValue } from './recommendation-sets.js';
import { extraJson, type BulkHeader } from './row.js';
import type { TermWriter } from './terms.js';

const DASH = 0x2d;
const DOT = 0x2e;

/** How the byte path reads a column. */
const Kind = { Absent: 0, Term: 1, Text: 2, Integer: 3, Real: 4, Date: 5, Band: 6, Uprn: 7, Timestamp: 8, AsString: 9 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** `NNNN-NNNN-NNNN-NNNN-NNNN` exactly. */
function isCertificateNumber(b: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 24) return false;
  for (let i = 0; i < 24; i += 1) {
    const c = b[s + i]!;
    if (i % 5 === 4 ? c !== DASH : !isDigit(c)) return false;
  }
  return true;
}

/** `[-]d…` with at most `max` digits (an integer that fits `integer` when max is 9). */
function isPlainInteger(b: Uint8Array, s: number, e: number, max: number): boolean {
  if (s < e && b[s] === DASH) s += 1;
  if (e - s < 1 || e - s > max) return false;
  for (let i = s; i < e; i += 1) if (!isDigit(b[i]!)) return false;
  return true;
}

/** `[-]d…[.d…]`, 15 digits at most each side: a `real` as written. */
function isPlainReal(b: Uint8Array, s: number, e: number): boolean {
  if (s < e && b[s] === DASH) s += 1;
  let digits = 0;
  let i = s;
  while (i < e && isDigit(b[i]!)) i += 1;
  digits = i - s;
  if (digits < 1 || digits > 15) return false;
  if (i === e) return true;
  if (b[i] !== DOT) return false;
  const from = (i += 1);
  while (i < e && isDigit(b[i]!)) i += 1;
  return i === e && i - from >= 1 && i - from <= 15;
}

/** `yyyy-mm-dd` in shape (the calendar is checked on the string). */
function isDayShape(b: Uint8Array, s: number, e: number): boolean {
  if (e - s !== 10) return false;
  for (let i = 0; i < 10; i += 1) {
    const c = b[s + i]!;
    if (i === 4 || i === 7 ? c !== DASH : !isDigit(c)) return false;
  }
  return true;
}

/** The value of `[-]d…` (checked by `isPlainInteger`, at most 15 digits: exact). */
function integerOf(b: Uint8Array, s: number, e: number): number {
  const negative = b[s] === DASH;
  let n = 0;
  for (let i = negative ? s + 1 : s; i < e; i += 1) n = n * 10 + (b[i]! - 0x30);
  return negative ? -n : n;
}

/**
 * A plain `[-]d…[.d…]` of at most 15 digits in all as the float32 PostgreSQL reads from it; null
 * for any other form, or when the float32 needs the decimal itself (`float32OfDouble`).
 */
function plainReal(b: Uint8Array, s: number, e: number): number | null {
  if (!isPlainReal(b, s, e)) return null;
  const negative = b[s] === DASH;
  let digits = 0;
  let scale = -1;
  let n = 0;
  for (let i = negative ? s + 1 : s; i < e; i += 1) {
    const c = b[i]!;
    if (c === DOT) scale = 0;
    else {
      n = n * 10 + (c - 0x30);
      digits += 1;
      if (scale >= 0) scale += 1;
    }
  }
  if (digits > 15) return null;
  // Both exact (n < 2^53, 10^scale <= 10^15): the division is the double nearest the decimal.
  const d = scale > 0 ? n / 10 ** scale : n;
  return float32OfDouble(negative ? -d : d);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `yyyy-mm-dd`, a real calendar day of years 1–9999 (as `isIsoDay` reads it) → days since 2000-01-01; else null. */
function plainDay(b: Uint8Array, s: number, e: number): number | null {
  if (!isDayShape(b, s, e)) return null;
  const y = (b[s]! - 0x30) * 1000 + (b[s + 1]! - 0x30) * 100 + (b[s + 2]! - 0x30) * 10 + (b[s + 3]! - 0x30);
  const m = (b[s + 5]! - 0x30) * 10 + (b[s + 6]! - 0x30);
  const d = (b[s + 8]! - 0x30) * 10 + (b[s + 9]! - 0x30);
  if (y < 1 || m < 1 || m > 12 || d < 1) return null;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!)) return null;
  return pgDaysOf(y, m, d);
}

const SPACE = 0x20;
const COLON = 0x3a;
const T = 0x54;
const Z = 0x5a;

/** Digits `s`..`e` as a number; -1 when one is not a digit. */
function digitsAt(b: Uint8Array, s: number, e: number): number {
  let n = 0;
  for (let i = s; i < e; i += 1) {
    const c = b[i]! - 0x30;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * The export's lodgement time, `yyyy-mm-dd hh:mm:ss[.f…]` (or with `T`, and a `Z`), as
 * `parseTimestamp` reads it (no zone is UTC; a fraction of up to 6 digits) → microseconds since
 * 2000-01-01; null for any other form.
 */
function plainTimestamp(b: Uint8Array, s: number, e: number): number | null {
  if (e > s && b[e - 1] === Z) e -= 1;
  const n = e - s;
  if (n < 19 || n === 20 || n > 26 || (b[s + 10] !== SPACE && b[s + 10] !== T) || b[s + 13] !== COLON || b[s + 16] !== COLON) return null;
  if (n > 19 && b[s + 19] !== DOT) return null;
  const days = plainDay(b, s, s + 10);
  const hh = digitsAt(b, s + 11, s + 13);
  const mm = digitsAt(b, s + 14, s + 16);
  const ss = digitsAt(b, s + 17, s + 19);
  const fraction = n > 19 ? digitsAt(b, s + 20, e) : 0;
  if (days === null || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 59 || fraction < 0) return null;
  // Microseconds stay exact in a double within ~285 years of 2000; further out, `pgMicros` counts them in BigInt.
  if (days < -100_000 || days > 100_000) return null;
  return ((days * 86400 + hh * 3600 + mm * 60 + ss) * 1_000_000) + fraction * 10 ** (26 - n);
}

/** Whole, as wide as its header, and its certificate number as plain as the register writes it. */
function isPlainRecord(r: ScannedRecord, header: BulkHeader): boolean {
  if (r.broken !== null || r.count !== header.width) return false;
  const at = header.at[0]!;
  return r.quoted[at] === 0 && isCertificateNumber(r.buf, r.starts[at]!, r.ends[at]!);
}

function kindOf(field: Field | RecommendationField, at: number, hasUnknown: boolean): Kind {
  if (at < 0) return Kind.Absent;
  // Text is text whatever it says; "unknown" values (a DEC's 9999) only matter to typed columns.
  if (field.type === 'term') return Kind.Term;
  if (field.type === 'text') return Kind.Text;
  if (hasUnknown) return Kind.AsString;
  switch (field.type) {
    case 'integer': return Kind.Integer;
    case 'real': return Kind.Real;
    case 'date': return Kind.Date;
    case 'band': return Kind.Band;
    case 'uprn': return Kind.Uprn;
    case 'timestamptz': return Kind.Timestamp;
    default: return Kind.AsString;
  }
}

export interface WrittenCertificate {
  key: string;
  day: string;
  extra: boolean;
}

/** One entry's certificates: the header's positions and each column's kind, worked out once. */
export class CertificateBytes {
  private readonly kinds: Uint8Array;
  /** The record's field count and its constant first fields (register, source), in binary. */
  private readonly prefix: Uint8Array;
  /** Each declared column's binary type (`copy-binary.ts`), for values read as strings. */
  private readonly types: readonly BinaryType[];

  constructor(
    private readonly header: BulkHeader,
    private readonly declared: readonly Field[],
    prefix: string,
    private readonly latestDay: string,
    private readonly terms: TermWriter,
  ) {
    this.kinds = Uint8Array.from(declared, (f, i) => kindOf(f, header.at[i]!, header.hasUnknown[i] === 1));
    this.types = declared.map((f) => binaryType(f.type));
    const constants = prefix.split('\t').slice(0, -1);
    const sink = new ByteSink(256);
    sink.int16(constants.length + declared.length + 1);
    for (const value of constants) sink.lengthPrefixed(value);
    this.prefix = sink.take();
  }

  /** Writes the record's binary COPY record to `out`; null (nothing written) when `row.ts` must read it. */
  write(r: ScannedRecord, out: ByteSink): WrittenCertificate | null {
    const { header, kinds, declared } = this;
    if (!isPlainRecord(r, header)) return null;
    const b = r.buf;
    const { starts, ends, quoted } = r;
    const numberAt = header.at[0]!;
    const dayAt = header.dayAt;
    if (!isDayShape(b, starts[dayAt]!, ends[dayAt]!)) return null;
    const day = b.toString('latin1', starts[dayAt], ends[dayAt]);
    if (day > this.latestDay || !isIsoDay(day)) return null;

    const mark = out.length;
    out.bytes(this.prefix, 0, this.prefix.length);
    let extra: Array<[string, string]> | null = null;
    for (let i = 0; i < kinds.length; i += 1) {
      const kind = kinds[i]!;
      if (kind === Kind.Absent) {
        out.int32(-1);
        continue;
      }
      const at = header.at[i]!;
      const s = starts[at]!;
      const e = ends[at]!;
      if (s === e) {
        out.int32(-1);
        continue;
      }
      const q = quoted[at]!;
      switch (kind) {
        case Kind.Term: {
          const id = this.terms.idOfBytes(b, s, e, q === 2);
          if (id < 0) return this.giveUp(out, mark);
          out.int32(4);
          out.int32(id);
          continue;
        }
        case Kind.Text: {
          if (q !== 2 && out.asciiField(b, s, e)) continue;
          // Doubled quotes, non-ASCII or a NUL: read as text, as `row.ts` reads it.
          const text = fieldText(r, at);
          if (text.includes('\u0000')) return this.giveUp(out, mark);
          out.lengthPrefixed(text);
          continue;
        }
        case Kind.Integer:
          if (q === 0 && isPlainInteger(b, s, e, 9)) {
            out.int32(4);
            out.int32(integerOf(b, s, e));
            continue;
          }
          break;
        case Kind.Real: {
          const value = q === 0 ? plainReal(b, s, e) : null;
          if (value !== null) {
            out.int32(4);
            out.float32(value);
            continue;
          }
          break;
        }
        case Kind.Date: {
          const days = q === 0 ? plainDay(b, s, e) : null;
          if (days !== null) {
            out.int32(4);
            out.int32(days);
            continue;
          }
          break;
        }
        case Kind.Band:
          if (e - s === 1 && b[s]! >= 0x41 && b[s]! <= 0x47) {
            out.int32(1);
            out.byte(b[s]!);
            continue;
          }
          break;
        case Kind.Timestamp: {
          const micros = q === 0 ? plainTimestamp(b, s, e) : null;
          if (micros !== null) {
            out.int32(8);
            out.int64(micros);
            continue;
          }
          break;
        }
        case Kind.Uprn:
          if (q === 0 && b[s] !== 0x30 && isPlainInteger(b, s, e, 15) && b[s] !== DASH) {
            out.int32(8);
            out.int64(integerOf(b, s, e));
            continue;
          }
          break;
      }
      // Anything else as `row.ts` reads it.
      const field = declared[i]!;
      const raw = fieldText(r, at);
      const value = header.hasUnknown[i] === 0 ? parseValue(field.type, raw) : parseFieldValue(field, raw);
      if (value === UNREADABLE) {
        (extra ??= []).push([field.file, raw]);
        out.int32(-1);
      } else writeBinaryValue(out, this.types[i]!, value);
    }
    for (const [at, name] of header.unknown) if (ends[at]! > starts[at]!) (extra ??= []).push([name, fieldText(r, at)]);
    for (const [at, name, firstAt] of header.repeated) {
      const value = fieldText(r, at);
      if (value !== fieldText(r, firstAt)) (extra ??= []).push([`${name}__${at}`, value]);
    }
    writeBinaryValue(out, 'jsonb', extraJson(extra ?? []));
    return { key: b.toString('latin1', starts[numberAt], ends[numberAt]), day, extra: extra !== null };
  }

  private giveUp(out: ByteSink, mark: number): null {
    out.truncate(mark);
    return null;
  }
}

/** One entry's recommendations: term values looked up by their bytes, the rest as `row.ts` reads them. */
export class RecommendationBytes {
  private readonly kinds: Uint8Array;
  /** The last record's certificate number, bytes and text: a certificate's items come together. */
  private readonly lastNumber = new Uint8Array(24);
  private lastCertificate = '';
  /** What `read` returns, reused: the caller's until the next `read`. */
  private readonly scanned: SetItem & { values: SetValue[] } = { certificate: '', item: 0, values: [] };

  constructor(
    private readonly header: BulkHeader,
    private readonly declared: readonly RecommendationField[],
    private readonly terms: TermWriter,
  ) {
    this.kinds = Uint8Array.from(declared, (f, i): Kind => (f.type === 'term' && !f.repeatsCertificate ? kindOf(f, header.at[i]!, false) : Kind.AsString));
  }

  /**
   * The record's recommendation as `row.ts`'s `parseRecommendationRecord` reads it, term ids as
   * numbers; null when `row.ts` must read it (it may be a reject).
   */
  read(r: ScannedRecord): SetItem | null {
    const { header, declared, kinds, scanned } = this;
    if (!isPlainRecord(r, header)) return null;
    const b = r.buf;
    const { starts, ends, quoted } = r;
    const numberAt = header.at[0]!;
    const certificate = this.certificateOf(b, starts[numberAt]!);
    const values = scanned.values;
    values.length = 0;
    let item: number | null = null;
    for (let i = 0; i < declared.length; i += 1) {
      const field = declared[i]!;
      if (field.column === 'certificate_number') continue;
      const at = header.at[i]!;
      if (field.column === 'item') {
        if (at < 0 || quoted[at] !== 0 || !isPlainInteger(b, starts[at]!, ends[at]!, 4)) return null;
        item = integerOf(b, starts[at]!, ends[at]!);
        continue;
      }
      if (kinds[i] === Kind.Term) {
        if (starts[at] === ends[at]) values.push(null);
        else {
          const id = this.terms.idOfBytes(b, starts[at]!, ends[at]!, quoted[at] === 2);
          if (id < 0) return null;
          values.push(id);
        }
        continue;
      }
      let value = at < 0 ? null : parseValue(field.type, fieldText(r, at));
      if (value === UNREADABLE) return null;
      if (field.repeatsCertificate && value !== null && value.trim() === certificate) value = null;
      if (value !== null && value.includes('\u0000')) return null;
      if (value !== null && field.type === 'term') value = this.terms.id(value);
      values.push(value);
    }
    if (item === null) return null;
    scanned.certificate = certificate;
    scanned.item = item;
    return scanned;
  }

  /** The 24 bytes at `s` as text, the last record's string when they are its number. */
  private certificateOf(b: Uint8Array, s: number): string {
    const last = this.lastNumber;
    let i = 0;
    while (i < 24 && last[i] === b[s + i]) i += 1;
    if (i < 24) {
      last.set(b.subarray(s, s + 24));
      this.lastCertificate = Buffer.from(last.buffer, last.byteOffset, 24).toString('latin1');
    }
    return this.lastCertificate;
  }
}

