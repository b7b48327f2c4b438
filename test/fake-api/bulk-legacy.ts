/**
 * The bulk CSV in an older shape (test/fixtures/legacy-bulk/domestic.csv, a fixture of the warehouse
 * repository): one `certificates.csv`, upper-case column names with some repeated, dd/mm/yyyy dates,
 * `UPRN-` prefixes, empty UPRNs, lower-case bands, CRLF line ends. Files of that shape may still be
 * around; the service publishes the export layout today (bulk-export.ts).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { SearchRow } from './store.js';

const SAMPLE = new URL('../fixtures/legacy-bulk/domestic.csv', import.meta.url);

function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',');
}

function sample(): { header: string[]; filler: string[] } {
  const [header, filler] = parse(readFileSync(SAMPLE, 'utf8'), { relax_column_count: true }) as string[][];
  return { header: header!, filler: filler! };
}

const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The legacy-shape CSV for these rows, plus `extraLines` appended verbatim (malformed rows for reject tests). */
export function bulkCsv(rows: readonly SearchRow[], extraLines: readonly string[] = []): string {
  return [...bulkCsvChunks([rows]), ...extraLines.map((line) => `${line}\r\n`)].join('');
}

/**
 * The same CSV as a stream of text chunks, one per group of rows: a file of millions of rows (for the
 * benchmarks) never has to exist in memory at once.
 */
export function* bulkCsvChunks(groups: Iterable<readonly SearchRow[]>): Generator<string> {
  const { header, filler } = sample();
  const at = (name: string) => header.indexOf(name);
  yield `${header.join(',')}\r\n`;
  for (const rows of groups) {
    const lines: string[] = [];
    for (const row of rows) {
      const f = header.map((_, i) => filler[i] ?? '');
      f[at('CERTIFICATE_NUMBER')] = row.certificateNumber;
      f[at('ADDRESS1')] = row.addressLine1 ?? '';
      f[at('ADDRESS2')] = row.addressLine2 ?? '';
      f[at('ADDRESS3')] = row.addressLine3 ?? '';
      f[at('POSTCODE')] = row.postcode ?? '';
      f[at('POSTTOWN')] = row.postTown ?? '';
      f[at('UPRN')] = row.uprn === null ? '' : `UPRN-${String(row.uprn).padStart(12, '0')}`;
      f[at('CURRENT_ENERGY_RATING')] = (row.currentEnergyEfficiencyBand ?? '').toLowerCase();
      f[at('LODGEMENT_DATE')] = dmy(row.registrationDate);
      f[at('LODGEMENT_DATETIME')] = `${dmy(row.registrationDate)} 00:00`;
      lines.push(csvLine(f));
    }
    if (lines.length > 0) yield `${lines.join('\r\n')}\r\n`;
  }
}
