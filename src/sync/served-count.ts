/**
 * How many rows search serves for one group of a day, read from its paging alone, pure. Non-domestic
 * search counts every certificate (`totalRecords`) but pages only those with a recommendation report
 * (the page query has an inner join the count lacks). Paging is LIMIT/OFFSET over that join, so page p
 * holds min(pageSize, served − (p−1)·pageSize) rows whatever order the tied rows come in, and a page
 * past the served rows answers 404 (NoData): a page short of its page size ends the served rows,
 * served = (p−1)·pageSize + its rows.
 *
 * Every page answered, of any page size, bounds the count: one with rows proves at least
 * (p−1)·pageSize + rows served, one short of its size (a 404 is 0 rows) at most that many, and the
 * count itself is a ceiling. Pages that agree pin the count; pages that disagree (a short page, then
 * more rows after it) mean search dropped rows it served, and the group can only fall short.
 */
import type { Register } from '../config/types.js';

/** Whether a register's search serves fewer rows than it counts (its day target is then its served rows). */
export function servesFewerThanCounted(register: Register): boolean {
  return register === 'non-domestic';
}

export class ServedCount {
  /** Served rows the pages prove. */
  private least = 0;
  /** Served rows the pages and counts allow. */
  private most = Number.POSITIVE_INFINITY;

  /** A count the API answered (`totalRecords`): no more rows than that are served. */
  counted(totalRecords: number): void {
    this.most = Math.min(this.most, totalRecords);
  }

  /** A page answered with `rows` rows (0 for a 404 within the pages). */
  page(page: number, pageSize: number, rows: number): void {
    const before = (page - 1) * pageSize;
    if (rows > 0) this.least = Math.max(this.least, before + rows);
    if (rows < pageSize) this.most = Math.min(this.most, before + rows);
  }

  /** The pages pin the count: every bound agrees. */
  get exact(): boolean {
    return this.least === this.most;
  }

  /** The pages contradict each other: search dropped rows it served. */
  get contradicted(): boolean {
    return this.least > this.most;
  }

  /**
   * The rows to reconcile the group against: the exact count; what the pages prove when they
   * contradict each other; else the most allowed (a group only counted, so far).
   */
  get target(): number {
    return Math.max(this.least, this.most === Number.POSITIVE_INFINITY ? 0 : this.most);
  }
}
