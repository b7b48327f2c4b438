/**
 * One record of the bulk file → one COPY record for `certificates` (or `recommendations`). Pure.
 * The header decides which position feeds which column (names matched without regard to case, so the
 * older upper-case files read the same); the register's declaration (`registers/`) decides types.
 * Only a row that really is broken is a reject: no or malformed certificate number, an impossible or
 * future lodgement day, the wrong number of fields. Anything else is kept: sentinels become NULL,
 * and a value a typed column cannot read, or a column this release does not know, goes to
 * `bulk_extra` under its name.
 */
import { copyField } from '../db/copy-text.js';
import { BulkFileError } from '../errors.js';
import type { Field, RecommendationField } from '../registers/field.js';
import { otherRegisterOf } from '../registers/header.js';
import type { RegisterFile } from '../registers/index.js';
import { parseDay, parseFieldValue, parseValue, UNREADABLE } from '../registers/values.js';
import type { TermWriter } from './terms.js';

export type EntryKind = 'certificates' | 'recommendations';

export interface BulkHeader {
  kind: EntryKind;
  /** For each declared field, its position in the record (-1: the file has no such column). */
  at: Int32Array;
  /** For each declared field, 1 when it declares values that mean "unknown" (a DEC's 9999). */
  hasUnknown: Uint8Array;
  /** Positions and names of columns the declaration does not know, kept in `bulk_extra`. */
  unknown: Array<[number, string]>;
  /** Repeated names (the older files repeat a few): position, name, position of the first. */
  repeated: Array<[number, string, number]>;
  width: number;
  /** Position of the lodgement day (certificates) in the record, -1 for recommendations. */
  dayAt: number;
}

const CERTIFICATE_NUMBER = /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/;

/**
 * Reads a header line against the register's declaration; throws when it is not this kind of file
 * at all, or when it is another register's file (the header tells: `registers/header.ts`).
 */
export function readHeader(kind: EntryKind, fields: readonly string[], file: RegisterFile, entry: string): BulkHeader {
  const declared: readonly (Field | RecommendationField)[] = kind === 'certificates' ? file.fields : file.recommendations;
  const names = fields.map((raw) => raw.trim().replace(/^\uFEFF/, '').toLowerCase());
  const other = otherRegisterOf(file.register, kind, names);
  if (other) {
    throw new BulkFileError(
      `${entry} is from the ${other.register} register's bulk file (its header has ${other.columns.join(', ')}), not the ${file.register} register's: import it as ${other.register} (import-bulk --register ${other.register})`,
    );
  }
  const first = new Map<string, number>();
  const repeated: Array<[number, string, number]> = [];
  names.forEach((name, i) => {
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else repeated.push([i, name, seen]);
  });
  const at = Int32Array.from(declared, (f) => first.get(f.file) ?? -1);
  // The certificate number, and the lodgement day (certificates) or the item (recommendations).
  const key = kind === 'certificates' ? 'registration_date' : 'item';
  const required = declared.filter((f) => f.column === 'certificate_number' || f.column === key).map((f) => f.file);
  const missing = required.filter((name) => !first.has(name));
  if (missing.length > 0) {
    throw new BulkFileError(`${entry}: the header has no ${missing.join(', ')} column; is this the ${file.register} register's bulk file? (header starts: ${names.slice(0, 5).join(', ')})`);
  }
  const known = new Set(declared.map((f) => f.file));
  const unknown = [...first].filter(([name]) => !known.has(name)).map(([name, i]): [number, string] => [i, name]);
  const day = declared.findIndex((f) => f.column === 'registration_date');
  const hasUnknown = Uint8Array.from(declared, (f) => ('unknown' in f && f.unknown?.length ? 1 : 0));
  return { kind, at, hasUnknown, unknown, repeated, width: names.length, dayAt: day < 0 ? -1 : at[day]! };
}

export type ParsedRecord =
  /** `key`: what makes the record unique in its table (a batch keeps the last record of a key). */
  | { ok: true; key: string; day: string | null; copy: string; extra: boolean }
  | { ok: false; reason: string; day: string | null };

/**
 * One recommendation: its certificate, its item, and its other declared values in order, each an
 * element of its certificate's set (`recommendation-sets.ts`; one row of `recommendation_sets`).
 */
export type ParsedRecommendation =
  | { ok: true; certificate: string; item: number; values: Array<string | null> }
  | { ok: false; reason: string; day: null };

/** The JSON object of values kept in `bulk_extra`, or null when there are none. */
export function extraJson(entries: Array<[string, string]>): string | null {
  if (entries.length === 0) return null;
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function common(fields: readonly string[], header: BulkHeader, numberAt: number): { number: string } | { reason: string } {
  if (fields.length !== header.width) return { reason: `row has ${fields.length} fields, the header ${header.width}` };
  const number = (fields[numberAt] ?? '').trim();
  if (!CERTIFICATE_NUMBER.test(number)) return { reason: `certificate_number is not NNNN-NNNN-NNNN-NNNN-NNNN: ${JSON.stringify(number)}` };
  return { number };
}

// PostgreSQL text cannot hold NUL: checked once on the finished record, not field by field.
const NUL_REJECT = { ok: false, reason: 'row contains a NUL character', day: null } as const;

/**
 * A certificates record → `prefix` + the declared columns in order + `bulk_extra`, as one COPY text
 * record. `latestDay`: the newest lodgement day the file can hold (yesterday, or before the file was
 * made); a later one is a reject.
 */
export function parseCertificateRecord(
  fields: readonly string[],
  header: BulkHeader,
  declared: readonly Field[],
  prefix: string,
  latestDay: string,
  terms: TermWriter,
): ParsedRecord {
  const rawDay = fields[header.dayAt] ?? '';
  const day = parseDay(rawDay);
  const checked = common(fields, header, header.at[0]!);
  if ('reason' in checked) return { ok: false, reason: checked.reason, day };
  if (!day) return { ok: false, reason: `lodgement_date is not a date: ${JSON.stringify(rawDay)}`, day: null };
  if (day > latestDay) return { ok: false, reason: `lodgement_date ${day} is after ${latestDay}, the newest day the file can hold`, day: null };

  const out = new Array<string>(declared.length + 1);
  const extra: Array<[string, string]> = [];
  for (let i = 0; i < declared.length; i += 1) {
    const at = header.at[i]!;
    if (at < 0) {
      out[i] = '\\N';
      continue;
    }
    const raw = fields[at]!;
    const field = declared[i]!;
    if (field.type === 'term') {
      const id = raw === '' ? '\\N' : terms.id(raw);
      if (id === null) return { ...NUL_REJECT, day };
      out[i] = id;
      continue;
    }
    if (field.type === 'text') {
      out[i] = raw === '' ? '\\N' : copyField(raw);
      continue;
    }
    // A column with values that mean "unknown" (a DEC's 9999) reads them as NULL; the others (every
    // domestic column) skip that check, flagged once per header rather than asked of each field.
    const value = header.hasUnknown[i] === 0 ? parseValue(field.type, raw) : parseFieldValue(field, raw);
    if (value === UNREADABLE) {
      extra.push([field.file, raw]);
      out[i] = '\\N';
    } else out[i] = value === null ? '\\N' : value; // typed values hold no character COPY escapes
  }
  for (const [at, name] of header.unknown) if (fields[at] !== '') extra.push([name, fields[at]!]);
  for (const [at, name, firstAt] of header.repeated) if (fields[at] !== fields[firstAt]) extra.push([`${name}__${at}`, fields[at]!]);
  out[declared.length] = copyField(extraJson(extra));
  const copy = `${prefix}${out.join('\t')}\n`;
  if (copy.includes('\u0000')) return { ...NUL_REJECT, day };
  return { ok: true, key: checked.number, day, copy, extra: extra.length > 0 };
}

/**
 * A recommendations record → its certificate, item and values (term ids, or text). The certificate's
 * own number repeated in a "report" column is no report's number: NULL.
 */
export function parseRecommendationRecord(fields: readonly string[], header: BulkHeader, declared: readonly RecommendationField[], terms: TermWriter): ParsedRecommendation {
  const checked = common(fields, header, header.at[0]!);
  if ('reason' in checked) return { ok: false, reason: checked.reason, day: null };
  const values: Array<string | null> = [];
  let item: number | null = null;
  for (let i = 0; i < declared.length; i += 1) {
    const at = header.at[i]!;
    const field = declared[i]!;
    if (field.column === 'certificate_number') continue;
    let value = at < 0 ? null : parseValue(field.type, fields[at]!);
    // The item orders a certificate's recommendations and keys the row: without it there is no row.
    if (value === UNREADABLE || (field.column === 'item' && value === null)) {
      return { ok: false, reason: `${field.file} is not a ${field.type === 'integer' ? 'whole number' : 'value'}: ${JSON.stringify(at < 0 ? '' : fields[at])}`, day: null };
    }
    if (field.column === 'item') {
      if (Number(value) > 32767 || Number(value) < -32768) return { ok: false, reason: `${field.file} is out of range: ${JSON.stringify(fields[at])}`, day: null };
      item = Number(value);
      continue;
    }
    if (field.repeatsCertificate && value !== null && value.trim() === checked.number) value = null;
    if (value !== null && field.type === 'term') {
      value = terms.id(value);
      if (value === null) return NUL_REJECT;
    } else if (value !== null && value.includes('\u0000')) return NUL_REJECT;
    values.push(value);
  }
  return { ok: true, certificate: checked.number, item: item!, values };
}
