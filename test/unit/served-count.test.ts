/** How many rows non-domestic search serves, read from its paging: the target a day is reconciled against. */
import { describe, expect, it } from 'vitest';
import { ServedCount, servesFewerThanCounted } from '../../src/sync/served-count.js';

/** The answers to one paging: the count, then each page's row count (0 for a 404). */
function paged(totalRecords: number, pageSize: number, rows: readonly number[], into = new ServedCount()): ServedCount {
  into.counted(totalRecords);
  rows.forEach((n, i) => into.page(i + 1, pageSize, n));
  return into;
}

describe('the rows search serves, from its pages', () => {
  it('is the count when every page is as full as the count says', () => {
    expect(paged(250, 100, [100, 100, 50])).toMatchObject({ exact: true, contradicted: false, target: 250 });
    expect(paged(200, 100, [100, 100])).toMatchObject({ exact: true, target: 200 });
  });

  it('ends at the first page short of its size: the pages after it answer 404', () => {
    // 250 counted, 40 of them without a report: page 3 holds the last 10 served, nothing else is served.
    expect(paged(250, 100, [100, 100, 10])).toMatchObject({ exact: true, target: 210 });
    expect(paged(330, 100, [100, 100, 0, 0])).toMatchObject({ exact: true, target: 200 });
    expect(paged(120, 100, [90, 0])).toMatchObject({ exact: true, target: 90 });
  });

  it('is 0 for a group whose first page is a 404', () => {
    expect(paged(0, 100, [0])).toMatchObject({ exact: true, target: 0 });
    const count = new ServedCount();
    count.page(1, 100, 0);
    expect(count).toMatchObject({ exact: true, target: 0 });
  });

  it('knows only a ceiling from a one-row probe', () => {
    expect(paged(900, 1, [1])).toMatchObject({ exact: false, contradicted: false, target: 900 });
  });

  it('agrees across pagings of another page size, and keeps what each proves', () => {
    const count = paged(250, 100, [100, 100, 10]);
    paged(250, 99, [99, 99, 12], count);
    expect(count).toMatchObject({ exact: true, target: 210 });
  });

  it('sees a dropped row when a short page is followed by more rows, and holds out for every row the pages prove', () => {
    // Page 1 lost a row, page 3 still proves 210 served.
    expect(paged(250, 100, [99, 100, 10])).toMatchObject({ exact: false, contradicted: true, target: 210 });
    // A drop on the last page alone looks like one fewer served; another paging that shows it contradicts.
    const count = paged(250, 100, [100, 100, 9]);
    expect(count).toMatchObject({ exact: true, target: 209 });
    paged(250, 99, [99, 99, 12], count);
    expect(count).toMatchObject({ contradicted: true, target: 210 });
  });

  it('applies to non-domestic search alone: the other registers serve all they count', () => {
    expect(['domestic', 'non-domestic', 'display'].map((r) => servesFewerThanCounted(r as 'domestic'))).toEqual([false, true, false]);
  });
});
