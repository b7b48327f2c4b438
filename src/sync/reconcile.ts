/**
 * Reconciliation, pure: collects the rows of one registration day from any number of (overlapping)
 * pages and tells whether the day is complete against the API's own total, and if not, which
 * partitions of the day still fall short. The API orders a day's rows by date only, so pages of a day
 * larger than one page overlap and skip rows; only distinct certificate numbers count.
 */
import { parseSearchRow } from '../api/rows.js';
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';

export const BANDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;
export type Band = (typeof BANDS)[number];

export class DayCollector {
  readonly rows = new Map<string, CertificateRow>();
  /** Malformed rows, keyed by their raw JSON so a row seen on two pages counts once. */
  readonly rejects = new Map<string, RejectedRow>();

  constructor(readonly day: string) {}

  add(rawRows: readonly unknown[]): void {
    for (const raw of rawRows) {
      const parsed = parseSearchRow(raw);
      if (parsed.ok) {
        this.rows.set(parsed.row.certificateNumber, parsed.row);
      } else {
        const text = JSON.stringify(raw) ?? String(raw);
        this.rejects.set(text, { source: 'api', day: this.day, reason: parsed.reason, raw: text });
      }
    }
  }

  /** Distinct rows seen: stored ones plus rejected ones (which the API counted too). */
  get seen(): number {
    return this.rows.size + this.rejects.size;
  }

  countBand(band: Band | null): number {
    let n = 0;
    for (const row of this.rows.values()) if ((row.currentEnergyEfficiencyBand ?? null) === band) n += 1;
    return n;
  }
}

/** A slice of a day the API can be asked for on its own: one band, or the whole day. */
export interface Partition {
  band: Band | null;
  /** Rows the API says the slice holds (for the whole day: the day's total). */
  expected: number;
  have: number;
}

export interface Assessment {
  complete: boolean;
  shortfall: number;
  /** Slices still short; band null means rows with no band, which only a whole-day query returns. */
  short: Partition[];
}

/**
 * Compares what was collected with the API's totals. With band totals known, the rows with no band
 * (which no `efficiency_rating[]` filter returns) are the day's total minus the band totals.
 */
export function assessDay(expected: number, collector: DayCollector, bandTotals?: ReadonlyMap<Band, number>): Assessment {
  const shortfall = Math.max(expected - collector.seen, 0);
  if (shortfall === 0) return { complete: true, shortfall: 0, short: [] };
  if (!bandTotals) return { complete: false, shortfall, short: [{ band: null, expected, have: collector.seen }] };

  const short: Partition[] = [];
  let inBands = 0;
  for (const band of BANDS) {
    const total = bandTotals.get(band) ?? 0;
    inBands += total;
    const have = collector.countBand(band);
    if (have < total) short.push({ band, expected: total, have });
  }
  const noBand = Math.max(expected - inBands, 0);
  const haveNoBand = collector.countBand(null) + collector.rejects.size;
  if (haveNoBand < noBand) short.push({ band: null, expected: noBand, have: haveNoBand });
  // Totals can disagree by a row that changed band between requests: fall back to the whole day.
  if (short.length === 0) short.push({ band: null, expected, have: collector.seen });
  return { complete: false, shortfall, short };
}

/**
 * The page size for a re-fetch: a different LIMIT gives a different query string (the API's CDN caches
 * identical URLs for 60 s) and makes PostgreSQL deal the tied rows afresh.
 */
export function refetchPageSize(pageSize: number, attempt: number): number {
  return Math.max(1, pageSize - attempt);
}

/**
 * The councils seen on a day, packed into groups whose known rows stay under `maxRows`, so each group's
 * query (`council[]=…&council[]=…`) fits in one page and comes back whole. A council alone over the
 * limit is a group of its own (its pages may still overlap; later passes deal with that).
 */
export function councilGroups(collector: DayCollector, maxRows: number, maxPerGroup = 60): string[][] {
  const counts = new Map<string, number>();
  for (const row of collector.rows.values()) if (row.council !== null) counts.set(row.council, (counts.get(row.council) ?? 0) + 1);
  const groups: string[][] = [];
  let current: string[] = [];
  let rows = 0;
  for (const [council, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (current.length > 0 && (rows + n > maxRows || current.length >= maxPerGroup)) {
      groups.push(current);
      current = [];
      rows = 0;
    }
    current.push(council);
    rows += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
