/**
 * Reconciliation, pure: collects the rows of one registration day from any number of (overlapping)
 * pages and counts them against the API's own totals. The API orders a day's rows by date only, so
 * pages of a group larger than one page overlap and skip rows; only distinct certificate numbers
 * count, and only rows registered on the day asked: an API that answers rows of another day can
 * never make a day look complete.
 */
import { parseSearchRow } from '../api/rows.js';
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';
import { isIsoDay } from '../days.js';
import { factsOf, type RowFacts } from './ladder-group.js';

export class DayCollector {
  readonly rows = new Map<string, CertificateRow>();
  /** Malformed rows, keyed by their raw JSON so a row seen on two pages is kept once. */
  readonly rejects = new Map<string, RejectedRow>();
  /** Well-formed rows registered on another day: kept for that day, never counted for this one. */
  readonly strays = new Map<string, CertificateRow>();
  /**
   * What each row counting toward the day offers the filters, keyed like `rows` (certificate number)
   * or, for the day's malformed rows, like `rejects` (raw JSON): the API counted those too.
   */
  readonly facts = new Map<string, RowFacts>();

  constructor(readonly day: string) {}

  add(rawRows: readonly unknown[]): void {
    for (const raw of rawRows) {
      const parsed = parseSearchRow(raw);
      if (parsed.ok) {
        const { row } = parsed;
        if (row.registrationDate !== this.day) {
          this.strays.set(row.certificateNumber, row);
          continue;
        }
        this.rows.set(row.certificateNumber, row);
        this.facts.set(row.certificateNumber, factsOf(row));
        continue;
      }
      const text = JSON.stringify(raw) ?? String(raw);
      const object = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
      const date = typeof object.registrationDate === 'string' ? object.registrationDate : null;
      // Filed under its own day when it names one; it counts for this day only when that day is this one.
      this.rejects.set(text, { source: 'api', day: date !== null && isIsoDay(date) ? date : this.day, reason: parsed.reason, raw: text });
      if (date === this.day) this.facts.set(text, factsOf(object));
    }
  }

  /** Distinct rows of the day seen: stored ones plus the day's rejected ones. */
  get seen(): number {
    return this.facts.size;
  }
}

/**
 * The page size for a re-fetch: a different LIMIT gives a different query string (the API's CDN caches
 * identical URLs for 60 s) and makes PostgreSQL deal the tied rows afresh. Smaller than the configured
 * size where it can be, within the API's 1..5000 otherwise.
 */
export function refetchPageSize(pageSize: number, attempt: number): number {
  return pageSize - attempt >= 1 ? pageSize - attempt : Math.min(5000, pageSize + attempt);
}

/**
 * Names (councils or constituencies) packed into groups whose estimated rows stay within `maxRows`, so
 * each group's query (`council[]=…&council[]=…`) fits in one page and comes back whole. Busiest first;
 * a name alone over the limit is a group of its own (the ladder splits it further).
 */
export function packNames(counts: ReadonlyMap<string, number>, maxRows: number, maxPerGroup = 60): string[][] {
  const groups: string[][] = [];
  let current: string[] = [];
  let rows = 0;
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    if (current.length > 0 && (rows + n > maxRows || current.length >= maxPerGroup)) {
      groups.push(current);
      current = [];
      rows = 0;
    }
    current.push(name);
    rows += n;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
