/**
 * One row of the bulk CSV → the same typed certificate row the API path stores, plus the whole row as
 * an object. Pure and strict: the file is messier than the API (repeated column names, dd/mm/yyyy
 * dates, `UPRN-` prefixes, lower-case bands), so we accept exactly the quirks we know and reject the
 * rest with a reason.
 */
import type { CertificateRow } from '../db/certificates.js';
import { isIsoDay } from '../days.js';

export interface BulkHeader {
  /** Column names made unique: a repeated name gets `__2`, `__3`… */
  names: string[];
  /** First position of each name the typed columns need. */
  at: Readonly<Record<string, number>>;
  /** Each name as a JSON string, ready to write the row's JSON object. */
  jsonKeys: string[];
}

export type ParsedBulkRow =
  /** `json`: the whole row as a JSON object text, every column under its (unique) name. */
  | { ok: true; row: CertificateRow; json: string }
  | { ok: false; reason: string; day: string | null };

const REQUIRED = ['CERTIFICATE_NUMBER', 'LODGEMENT_DATE'];
const CERTIFICATE_NUMBER = /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/;

export function readHeader(fields: readonly string[]): BulkHeader {
  const seen = new Map<string, number>();
  const at: Record<string, number> = {};
  const names = fields.map((raw, i) => {
    const name = raw.trim().replace(/^\uFEFF/, '');
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count === 1) at[name] = i;
    return count === 1 ? name : `${name}__${count}`;
  });
  const missing = REQUIRED.filter((name) => at[name] === undefined);
  if (missing.length > 0) throw new Error(`the file's header has no ${missing.join(', ')} column: is it the domestic bulk CSV?`);
  return { names, at, jsonKeys: names.map((name) => JSON.stringify(name)) };
}

/** dd/mm/yyyy (the file's way) or yyyy-mm-dd → yyyy-mm-dd; anything else → null. */
export function bulkDate(value: string): string | null {
  const v = value.trim();
  const dmy = /^(\d{2})\/(\d{2})\/(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$/.exec(v);
  const iso = dmy ? `${dmy[3]}-${dmy[2]}-${dmy[1]}` : v.slice(0, 10);
  return isIsoDay(iso) && (dmy || /^\d{4}-\d{2}-\d{2}/.test(v)) ? iso : null;
}

/** `UPRN-000012345678`, `12345678` or empty; zero means "none". Undefined = not a UPRN at all. */
export function bulkUprn(value: string): number | null | undefined {
  const v = value.trim();
  if (v === '') return null;
  const m = /^(?:UPRN-)?(\d{1,15})$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n === 0 ? null : n;
}

export function parseBulkRecord(fields: readonly string[], header: BulkHeader): ParsedBulkRow {
  const get = (name: string): string | undefined => {
    const i = header.at[name];
    return i === undefined ? undefined : fields[i];
  };
  const text = (name: string): string | null => {
    const v = get(name);
    return v === undefined || v === '' ? null : v;
  };
  const rawDate = get('LODGEMENT_DATE') ?? '';
  const day = bulkDate(rawDate);
  if (fields.length !== header.names.length) {
    return { ok: false, reason: `row has ${fields.length} fields, the header ${header.names.length}`, day };
  }
  const number = (get('CERTIFICATE_NUMBER') ?? '').trim();
  if (!CERTIFICATE_NUMBER.test(number)) return { ok: false, reason: `CERTIFICATE_NUMBER is not NNNN-NNNN-NNNN-NNNN-NNNN: ${JSON.stringify(number)}`, day };
  if (!day) return { ok: false, reason: `LODGEMENT_DATE is not dd/mm/yyyy: ${JSON.stringify(rawDate)}`, day: null };
  const uprn = bulkUprn(get('UPRN') ?? '');
  if (uprn === undefined) return { ok: false, reason: `UPRN is not a number: ${JSON.stringify(get('UPRN'))}`, day };
  const bandRaw = (get('CURRENT_ENERGY_RATING') ?? '').trim().toUpperCase();
  if (bandRaw !== '' && !/^[A-G]$/.test(bandRaw)) return { ok: false, reason: `CURRENT_ENERGY_RATING is not a-g: ${JSON.stringify(get('CURRENT_ENERGY_RATING'))}`, day };
  if (fields.some((f) => f.includes('\u0000'))) return { ok: false, reason: 'row contains a NUL character', day };

  // Written directly rather than built as an object and stringified: ~90 keys a row, millions of rows.
  const members = new Array<string>(header.jsonKeys.length);
  for (let i = 0; i < members.length; i += 1) members[i] = `${header.jsonKeys[i]}:${JSON.stringify(fields[i] ?? '')}`;
  const json = `{${members.join(',')}}`;
  return {
    ok: true,
    json,
    row: {
      certificateNumber: number,
      addressLine1: text('ADDRESS1'),
      addressLine2: text('ADDRESS2'),
      addressLine3: text('ADDRESS3'),
      addressLine4: text('ADDRESS4'),
      postcode: text('POSTCODE'),
      postTown: text('POSTTOWN'),
      council: text('LOCAL_AUTHORITY_LABEL'),
      constituency: text('CONSTITUENCY_LABEL'),
      currentEnergyEfficiencyBand: bandRaw === '' ? null : bandRaw,
      registrationDate: day,
      uprn,
      schemaType: text('SCHEMA_TYPE'),
    },
  };
}
