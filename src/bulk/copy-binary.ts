/**
 * PostgreSQL's binary COPY format for a batch of certificates: a header, then per record a field count
 * and each field as a length and its value in the type's binary form (big-endian integers, IEEE
 * floats, days and microseconds since 2000-01-01, text as UTF-8), then a trailer. The server stores
 * such a field without parsing it: measured on a 250k-certificate batch, the COPY takes 4.0 s instead
 * of 5.3 s on PostgreSQL and 7.8 s instead of 14–17 s on PGlite (BENCHMARKS.md, "Binary COPY").
 *
 * The byte parser (`record-bytes.ts`) writes fields this way straight from the file's bytes; records
 * it leaves to `row.ts` arrive as COPY text and are turned into the same bytes here, so both paths give
 * one answer (`test/unit/record-bytes.test.ts`), and the server's own text input is the reference
 * for every conversion (`test/db/copy-binary.test.ts`).
 */
import { certificateCopyColumns, type RegisterFile } from '../registers/index.js';
import { sqlType } from '../registers/sql.js';
import type { ValueType } from '../registers/values.js';
import type { ByteSink } from './byte-sink.js';

/** The column types a certificates COPY carries: a declared column's SQL type (`registers/sql.ts`), or jsonb. */
export type BinaryType = 'text' | 'integer' | 'bigint' | 'real' | 'date' | 'timestamptz' | 'jsonb';

/** The binary form of each SQL type a declared column can have (`registers/sql.ts`). */
const BY_SQL_TYPE: Readonly<Record<string, BinaryType>> = {
  text: 'text', integer: 'integer', bigint: 'bigint', real: 'real', date: 'date', timestamptz: 'timestamptz',
};

/** The binary type of a declared column: that of its SQL type, so the two cannot drift apart. */
export function binaryType(type: ValueType): BinaryType {
  const binary = BY_SQL_TYPE[sqlType(type)];
  if (!binary) throw new Error(`no binary COPY form for the SQL type ${sqlType(type)} (a ${type} column)`);
  return binary;
}

/** The binary type of each column a certificates record fills (`certificateCopyColumns`), in order. */
export function certificateBinaryTypes(file: RegisterFile): BinaryType[] {
  const declared = new Map(file.fields.map((f) => [f.column, binaryType(f.type)]));
  // The constants before the declared columns (register, source) are text; bulk_extra is jsonb.
  return certificateCopyColumns(file).map((c) => (c === 'bulk_extra' ? 'jsonb' : declared.get(c) ?? 'text'));
}

/** Signature, flags (none) and header extension length (none). */
export const BINARY_HEADER = Uint8Array.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
/** A field count of -1 ends the data. */
export const BINARY_TRAILER = Uint8Array.from([0xff, 0xff]);

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): any year. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** 2000-01-01, PostgreSQL's epoch, in days from 1970-01-01. */
const PG_EPOCH_DAYS = 10957;

/** A calendar day → days since 2000-01-01. */
export function pgDaysOf(y: number, m: number, d: number): number {
  return daysFromCivil(y, m, d) - PG_EPOCH_DAYS;
}

/** 'yyyy-mm-dd' (a day `values.ts` has checked) → days since 2000-01-01. */
export function pgDays(day: string): number {
  return pgDaysOf(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?([+-])(\d{2}):(\d{2})$/;

/** A timestamp as `parseTimestamp` writes it → microseconds since 2000-01-01 UTC (BigInt: exact for any year). */
export function pgMicros(value: string): bigint {
  const m = TIMESTAMP.exec(value);
  if (!m) throw new Error(`not a timestamp as values.ts writes one: ${JSON.stringify(value)}`);
  const days = daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) - PG_EPOCH_DAYS;
  const offset = (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) * 60;
  const seconds = days * 86400 + Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]) - offset;
  return BigInt(seconds) * 1_000_000n + BigInt((m[7] ?? '').padEnd(6, '0'));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to `f` (itself one) in the direction of `toward`. */
function nextFloat32(f: number, toward: number): number {
  if (f === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = f;
  u32[0] = u32[0]! + ((toward > f) === (f > 0) ? 1 : -1);
  return f32[0]!;
}

/** sign(decimal text − x), exactly: the text as digits × 10^k, `x` as an integer × 2^e, in BigInt. */
function compareDecimal(text: string, x: number): number {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())!;
  const digits = BigInt(`${m[2] ?? ''}${m[3] ?? ''}` || '0') * (m[1] === '-' ? -1n : 1n);
  const k = Number(m[4] ?? 0) - (m[3] ?? '').length;
  let e = 0;
  let mant = x;
  while (!Number.isInteger(mant)) {
    mant *= 2;
    e -= 1;
  }
  let left = digits * (k >= 0 ? 10n ** BigInt(k) : 1n);
  let right = BigInt(mant) * (k < 0 ? 10n ** BigInt(-k) : 1n);
  if (e < 0) left *= 2n ** BigInt(-e);
  return left > right ? 1 : left < right ? -1 : 0;
}

/**
 * The float32 nearest the decimal whose nearest double is `d`; null when that is not decided by `d`.
 * Rounding twice (decimal → double → float32) differs from rounding once only when the double falls
 * exactly halfway between two float32s: then the decimal itself must be compared.
 */
export function float32OfDouble(d: number): number | null {
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(f)) return f;
  return d === (f + nextFloat32(f, d)) / 2 ? null : f;
}

/** A `real` as PostgreSQL reads its text (strtof: the float32 nearest the decimal). */
export function float32Of(text: string): number {
  const d = Number(text);
  const f = Math.fround(d);
  const once = float32OfDouble(d);
  if (once !== null) return once;
  const other = nextFloat32(f, d);
  const side = compareDecimal(text, d);
  return side === 0 ? f : side > 0 === other > f ? other : f;
}

/** One field: a typed value in COPY's text form (what `values.ts` gives), or null. */
export function writeBinaryValue(out: ByteSink, type: BinaryType, value: string | null): void {
  if (value === null) return out.int32(-1);
  switch (type) {
    case 'integer':
      out.int32(4);
      return out.int32(Number(value));
    case 'bigint':
      out.int32(8);
      return out.int64(Number(value));
    case 'real':
      out.int32(4);
      return out.float32(float32Of(value));
    case 'date':
      out.int32(4);
      return out.int32(pgDays(value));
    case 'timestamptz':
      out.int32(8);
      return out.int64(pgMicros(value));
    case 'jsonb':
      // jsonb's binary form: a version byte (1), then the JSON text.
      return out.lengthPrefixed(`\u0001${value}`);
    case 'text':
      return out.lengthPrefixed(value);
  }
}

const UNESCAPE: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' };

/** One record of COPY text (`row.ts`'s output, line end included) → the same record in binary. */
export function textRecordToBinary(record: string, types: readonly BinaryType[], out: ByteSink): void {
  const fields = record.slice(0, record.endsWith('\n') ? -1 : undefined).split('\t');
  if (fields.length !== types.length) throw new Error(`a COPY record of ${fields.length} fields for ${types.length} columns`);
  out.int16(types.length);
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i]!;
    writeBinaryValue(out, types[i]!, field === '\\N' ? null : field.includes('\\') ? field.replace(/\\[\\tnr]/g, (c) => UNESCAPE[c]!) : field);
  }
}
