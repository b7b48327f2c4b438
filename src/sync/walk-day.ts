/**
 * Walks one registration day through the API: every page of the day, then, while distinct rows fall
 * short of the API's total, the day again split by energy band (a band of at most one page comes back
 * whole), then by groups of councils (which also finds rows with no band), then bounded re-fetches of
 * whatever is still short. Returns everything collected; it does not touch the database.
 */
import type { Register } from '../config/types.js';
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';
import type { EpbApi } from './ports.js';
import { BANDS, DayCollector, assessDay, councilGroups, refetchPageSize, type Band } from './reconcile.js';

export interface WalkInput {
  register: Register;
  day: string;
  pageSize: number;
  /** Re-fetch passes after the band split. */
  reconcileAttempts: number;
}

export interface DayFetch {
  day: string;
  /** The API's totalRecords for the day (0 for an empty day). */
  expected: number;
  rows: CertificateRow[];
  rejects: RejectedRow[];
  complete: boolean;
  shortfall: number;
  pages: number;
  requests: number;
}

export async function walkDay(api: EpbApi, input: WalkInput, signal?: AbortSignal): Promise<DayFetch> {
  const collector = new DayCollector(input.day);
  let pages = 0;
  let requests = 0;

  /** Every page of one slice of the day (a band, a group of councils, or all of it); returns the slice's total. */
  const fetchSlice = async (band: Band | null, pageSize: number, councils?: readonly string[]): Promise<number> => {
    const query = { register: input.register, day: input.day, pageSize, ...(band ? { bands: [band] } : {}), ...(councils ? { councils } : {}) };
    requests += 1;
    const first = await api.searchDay({ ...query, page: 1 }, signal);
    if (first.kind === 'empty') return 0;
    pages += 1;
    collector.add(first.rows);
    const rest = [];
    for (let page = 2; page <= first.totalPages; page += 1) rest.push(page);
    await Promise.all(
      rest.map(async (page) => {
        requests += 1;
        const result = await api.searchDay({ ...query, page }, signal);
        if (result.kind === 'page') {
          pages += 1;
          collector.add(result.rows);
        }
      }),
    );
    return first.totalRecords;
  };

  const expected = await fetchSlice(null, input.pageSize);
  let assessment = assessDay(expected, collector);

  if (!assessment.complete) {
    const bandTotals = new Map<Band, number>();
    await Promise.all(
      BANDS.map(async (band) => {
        bandTotals.set(band, await fetchSlice(band, input.pageSize));
      }),
    );
    assessment = assessDay(expected, collector, bandTotals);
    if (!assessment.complete) {
      // Rows with no band (or in a band larger than a page): ask again council by council, in groups
      // small enough to come back in one page. Only rows with no council are out of reach of this.
      const groups = councilGroups(collector, Math.floor(input.pageSize * 0.8));
      await Promise.all(groups.map((group) => fetchSlice(null, input.pageSize, group)));
      assessment = assessDay(expected, collector, bandTotals);
    }
    for (let attempt = 1; attempt <= input.reconcileAttempts && !assessment.complete; attempt += 1) {
      const size = refetchPageSize(input.pageSize, attempt);
      await Promise.all(assessment.short.map((slice) => fetchSlice(slice.band, size)));
      assessment = assessDay(expected, collector, bandTotals);
    }
  }

  return {
    day: input.day,
    expected,
    rows: [...collector.rows.values()],
    rejects: [...collector.rejects.values()],
    complete: assessment.complete,
    shortfall: assessment.shortfall,
    pages,
    requests,
  };
}
