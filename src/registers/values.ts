/**
 * Parsers for the values of the bulk file, one per column type. Pure and total: a value either becomes
 * a typed value, or NULL because it is empty or one of the register's "values that are not values",
 * or it is `UNREADABLE` (the caller keeps the text in `bulk_extra`, so nothing is lost). Only the
 * certificate number and the lodgement day can make a row a reject; that is decided in `bulk/row.ts`.
 *
 * The SQL functions of migration 0009 (`epc_value_*`; 0015 adds the A+ band) read the same forms the
 * same way: the upgrade of rows stored by 0.1.0 and the API-document path use them.
 * `test/db/values.test.ts` holds both to one table of cases.
 */
import { isIsoDay } from '../days.js';

/**
 * `term`: text the register repeats (descriptions, ratings, labels), stored once in `epc_terms` and
 * referenced by id (4 bytes in the row instead of ~20–40): read exactly as `text` is.
 */
export type ValueType = 'text' | 'term' | 'integer' | 'real' | 'date' | 'timestamptz' | 'band' | 'uprn';

/** A typed value in COPY's text form (ISO dates, plain numbers), or null. */
export type Parsed = string | null;

export const UNREADABLE = Symbol('unreadable');

/**
 * The service's "data limitations" page: `INVALID!` (e.g. a band for an out-of-range rating),
 * `NO DATA!` (not required when lodged), `N/A`, `Not recorded`. Compared without regard to case.
 */
export const SENTINELS: readonly string[] = ['INVALID!', 'NO DATA!', 'N/A', 'NOT RECORDED'];
const SENTINEL_SET = new Set(SENTINELS);

export function isSentinel(value: string): boolean {
  // Every sentinel starts with a letter (after blanks): most values, numbers and dates, stop here.
  const c = value.charCodeAt(0) | 0x20;
  if (value.length > 16 || ((c < 0x61 || c > 0x7a) && c !== 0x20)) return false;
  return SENTINEL_SET.has(value.trim().toUpperCase());
}

const INTEGER = /^[+-]?\d{1,10}$/;
const REAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DMY = /^(\d{2})\/(\d{2})\/(\d{4})/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})/;

/** 'yyyy-mm-dd' (also at the start of a date-time) or the older files' 'dd/mm/yyyy' → 'yyyy-mm-dd'. */
export function parseDay(value: string): string | null {
  const v = value.trim();
  const iso = ISO_DAY.exec(v);
  const dmy = iso ? null : DMY.exec(v);
  const day = iso ? iso[0] : dmy ? `${dmy[3]}-${dmy[2]}-${dmy[1]}` : null;
  return day && isIsoDay(day) ? day : null;
}

// Date, then an optional time (hh:mm, seconds and fraction optional), then an optional zone.
const DATETIME = /^(\d{4}-\d{2}-\d{2}|\d{2}\/\d{2}\/\d{4})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The register's lodgement time, in whatever form the file carries it: ISO with `T` or a space, with
 * or without seconds, fraction or zone, or the older 'dd/mm/yyyy hh:mm'. No zone means UTC (the
 * register's clock). → an ISO 8601 timestamp, or null for anything else.
 */
export function parseTimestamp(value: string): string | null {
  const m = DATETIME.exec(value.trim());
  if (!m) return null;
  const day = parseDay(m[1]!);
  if (!day) return null;
  const [hh, mm, ss] = [m[2] ?? '00', m[3] ?? '00', m[4] ?? '00'];
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return null;
  const fraction = m[5] ? m[5].slice(0, 7) : '';
  const zone = !m[6] || /^(z|utc)$/i.test(m[6]) ? '+00:00' : m[6].length === 3 ? `${m[6]}:00` : m[6].includes(':') ? m[6] : `${m[6].slice(0, 3)}:${m[6].slice(3)}`;
  return `${day}T${hh}:${mm}:${ss}${fraction}${zone}`;
}

/** `UPRN-000012345678` (older files) or plain digits; zero means none. */
export function parseUprn(value: string): string | null | typeof UNREADABLE {
  const m = /^(?:UPRN-)?(\d{1,15})$/.exec(value.trim());
  if (!m) return UNREADABLE;
  const n = Number(m[1]);
  return n === 0 ? null : String(n);
}

/**
 * One value of a declared column: a value the column declares "unknown" (a default DEC's operational
 * rating of 9999) is NULL like a sentinel; anything else as `parseValue` reads it.
 */
export function parseFieldValue(field: { type: ValueType; unknown?: readonly string[] | undefined }, raw: string): Parsed | typeof UNREADABLE {
  if (field.unknown !== undefined && field.unknown.includes(raw.trim())) return null;
  return parseValue(field.type, raw);
}

/**
 * One value of a column of `type`. Empty → null everywhere. Sentinels → null in typed columns and
 * kept as written in text and term columns (they are the register's own words there).
 */
export function parseValue(type: ValueType, raw: string): Parsed | typeof UNREADABLE {
  if (raw === '') return null;
  if (type === 'text' || type === 'term') return raw;
  if (isSentinel(raw)) return null;
  const v = raw.trim();
  if (v === '') return null;
  switch (type) {
    // Numbers go to COPY as written once checked (PostgreSQL reads these forms the same way).
    case 'integer': {
      if (!INTEGER.test(v)) return UNREADABLE;
      const n = Number(v);
      return n > 2147483647 || n < -2147483648 ? UNREADABLE : v;
    }
    case 'real': {
      if (!REAL.test(v)) return UNREADABLE;
      const n = Number(v);
      return Number.isFinite(n) && Math.abs(n) < 3.4e38 ? v : UNREADABLE;
    }
    case 'date':
      return parseDay(v) ?? UNREADABLE;
    case 'timestamptz':
      return parseTimestamp(v) ?? UNREADABLE;
    // A+ is the non-domestic and display scale's best band (a rating below 0); domestic bands are A-G.
    case 'band':
      return /^(?:[A-G]|A\+)$/i.test(v) ? v.toUpperCase() : UNREADABLE;
    case 'uprn':
      return parseUprn(v);
  }
}
