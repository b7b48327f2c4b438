/**
 * The codes lookup as rows of the `codes` table, from the API's answers (pure). One row per attribute,
 * key, schema version and assessment type: the same key can mean different things in different
 * schema versions, and in SAP and RdSAP assessments of one version (`main_fuel` 1 in SAP-Schema-16.3
 * is "Gas: mains gas" for SAP and a withdrawn "mains gas" for RdSAP).
 */
import type { CodeEntry } from '../api/codes.js';

export interface CodeRow {
  attribute: string;
  key: string;
  /** '' when the API gives none (the table's key cannot hold NULL). */
  schemaVersion: string;
  assessmentType: string;
  value: string;
}

export interface ParsedCodes {
  rows: CodeRow[];
  /** Distinct keys of the attribute. */
  keys: number;
  /** Values the API sent twice for one key, schema version and assessment type: the first is kept. */
  duplicates: number;
  /** Entries or values that could not be read, with why. */
  skipped: string[];
}

const text = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
};

/**
 * The warehouse's enum import names some schema versions "<version>/SAP" before storing them bare,
 * and one of its migrations stored "SAP-Schema-19.1.0/SAP" as it is; documents carry the bare name.
 */
export function normaliseSchemaVersion(v: unknown): string {
  return (text(v) ?? '').replace(/\/(Rd)?SAP$/, '');
}

/** Rows of one attribute's `/api/codes/info` answer. */
export function codeRows(attribute: string, entries: readonly CodeEntry[]): ParsedCodes {
  const rows: CodeRow[] = [];
  const seen = new Set<string>();
  const keys = new Set<string>();
  const skipped: string[] = [];
  let duplicates = 0;
  for (const entry of entries) {
    const key = text(entry.key);
    if (key === null) {
      skipped.push(`${attribute}: an entry without a key (${JSON.stringify(entry.key ?? null)})`);
      continue;
    }
    for (const raw of entry.values) {
      const value = text((raw as { value?: unknown } | null)?.value);
      if (value === null) {
        skipped.push(`${attribute} ${key}: a value that is not text (${JSON.stringify(raw ?? null)})`);
        continue;
      }
      // The API's JSON is camelCase; the warehouse's own rows are snake_case: read either.
      const r = raw as { schemaVersion?: unknown; schema_version?: unknown; assessmentType?: unknown; assessment_type?: unknown };
      const schemaVersion = normaliseSchemaVersion(r.schemaVersion ?? r.schema_version);
      const assessmentType = text(r.assessmentType ?? r.assessment_type) ?? '';
      const id = JSON.stringify([key, schemaVersion, assessmentType]);
      if (seen.has(id)) {
        duplicates += 1;
        continue;
      }
      seen.add(id);
      keys.add(key);
      rows.push({ attribute, key, schemaVersion, assessmentType, value });
    }
  }
  return { rows, keys: keys.size, duplicates, skipped };
}

/** What a refresh read: how many attributes, keys and values, and what it left out. */
export interface CodesReport {
  attributes: number;
  keys: number;
  values: number;
  duplicates: number;
  skipped: number;
  /** Attributes the API lists but has no values for (its JSON 404). */
  withoutValues: string[];
}

/** The whole lookup from every attribute's answer, in the API's order. */
export function lookupRows(answers: ReadonlyArray<{ attribute: string; entries: readonly CodeEntry[] }>): { rows: CodeRow[]; skipped: string[]; report: CodesReport } {
  const rows: CodeRow[] = [];
  const skipped: string[] = [];
  const report: CodesReport = { attributes: answers.length, keys: 0, values: 0, duplicates: 0, skipped: 0, withoutValues: [] };
  for (const { attribute, entries } of answers) {
    const parsed = codeRows(attribute, entries);
    if (parsed.rows.length === 0) report.withoutValues.push(attribute);
    rows.push(...parsed.rows);
    skipped.push(...parsed.skipped);
    report.keys += parsed.keys;
    report.duplicates += parsed.duplicates;
  }
  report.values = rows.length;
  report.skipped = skipped.length;
  return { rows, skipped, report };
}

/** The lookup is refreshed when its newest row is older than this, or when it is empty. */
export const CODES_MAX_AGE_DAYS = 7;

export function codesStale(fetchedAt: Date | null, now: Date, maxAgeDays = CODES_MAX_AGE_DAYS): boolean {
  return fetchedAt === null || now.getTime() - fetchedAt.getTime() > maxAgeDays * 86_400_000;
}
