/**
 * Validation of one search row as the API sends it. Strict, because a row stored wrong is worse than a
 * row rejected with a reason: the caller keeps rejected rows (and the raw text) in `rejected_rows`.
 * Text is kept byte for byte: no trimming, no normalising.
 */
import { isIsoDay } from '../days.js';

export interface SearchRow {
  certificateNumber: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  postTown: string | null;
  council: string | null;
  constituency: string | null;
  currentEnergyEfficiencyBand: string | null;
  registrationDate: string;
  uprn: number | null;
  schemaType: string | null;
  /**
   * Non-domestic rows only (their last key): the recommendation report's certificate number. Search
   * serves only non-domestic certificates that have one. Absent on the other registers' rows.
   */
  relatedRrn?: string | null;
}

export type ParsedRow = { ok: true; row: SearchRow } | { ok: false; reason: string };

const CERTIFICATE_NUMBER = /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/;
const TEXT_FIELDS = ['addressLine1', 'addressLine2', 'addressLine3', 'addressLine4', 'postcode', 'postTown', 'council', 'constituency', 'schemaType'] as const;

export function parseSearchRow(raw: unknown): ParsedRow {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: 'row is not a JSON object' };
  const r = raw as Record<string, unknown>;

  const number = r.certificateNumber;
  if (typeof number !== 'string' || !CERTIFICATE_NUMBER.test(number)) {
    return { ok: false, reason: `certificateNumber missing or not NNNN-NNNN-NNNN-NNNN-NNNN: ${JSON.stringify(number ?? null)}` };
  }
  const date = r.registrationDate;
  if (typeof date !== 'string' || !isIsoDay(date)) {
    return { ok: false, reason: `registrationDate is not a YYYY-MM-DD date: ${JSON.stringify(date ?? null)}` };
  }
  // The non-domestic scale (non-domestic and display) rates a building below zero A+.
  const band = r.currentEnergyEfficiencyBand ?? null;
  if (band !== null && (typeof band !== 'string' || !/^(?:[A-G]|A\+)$/.test(band))) {
    return { ok: false, reason: `currentEnergyEfficiencyBand is not A+ or A-G: ${JSON.stringify(band)}` };
  }
  // UPRNs are positive integers; the API sends a number (a numeric string is accepted, since it is unambiguous).
  const uprnRaw = r.uprn ?? null;
  let uprn: number | null = null;
  if (uprnRaw !== null) {
    const n = typeof uprnRaw === 'string' && /^\d+$/.test(uprnRaw) ? Number(uprnRaw) : uprnRaw;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return { ok: false, reason: `uprn is not a positive whole number: ${JSON.stringify(uprnRaw)}` };
    uprn = n;
  }
  const text: Partial<Record<(typeof TEXT_FIELDS)[number], string | null>> = {};
  for (const field of TEXT_FIELDS) {
    const value = r[field] ?? null;
    if (value !== null && typeof value !== 'string') return { ok: false, reason: `${field} is not text: ${JSON.stringify(value)}` };
    // PostgreSQL text cannot hold NUL.
    if (typeof value === 'string' && value.includes('\u0000')) return { ok: false, reason: `${field} contains a NUL character` };
    text[field] = value;
  }
  // The key is kept only where the API sent it (non-domestic): the other registers' rows have no report.
  const related = 'relatedRrn' in r ? (r.relatedRrn ?? null) : undefined;
  if (related !== undefined && related !== null && (typeof related !== 'string' || !CERTIFICATE_NUMBER.test(related))) {
    return { ok: false, reason: `relatedRrn is not NNNN-NNNN-NNNN-NNNN-NNNN: ${JSON.stringify(related)}` };
  }
  return {
    ok: true,
    row: {
      certificateNumber: number,
      addressLine1: text.addressLine1 ?? null,
      addressLine2: text.addressLine2 ?? null,
      addressLine3: text.addressLine3 ?? null,
      addressLine4: text.addressLine4 ?? null,
      postcode: text.postcode ?? null,
      postTown: text.postTown ?? null,
      council: text.council ?? null,
      constituency: text.constituency ?? null,
      currentEnergyEfficiencyBand: band,
      registrationDate: date,
      uprn,
      schemaType: text.schemaType ?? null,
      ...(related === undefined ? {} : { relatedRrn: related }),
    },
  };
}
