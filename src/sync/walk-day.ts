/**
 * Walks one registration day through the API: every page of the day, then, while the distinct rows of
 * the day fall short of the API's total, the queries the reconciliation ladder (ladder.ts) chooses, in
 * batches, stopping as soon as the day is complete. Returns everything collected; it does not touch
 * the database.
 *
 * Non-domestic search counts certificates it never serves (no recommendation report), so there the
 * target of the day, and of every group the ladder asks for, is the rows its paging shows served
 * (served-count.ts), not its total; the day is complete when the distinct rows equal that exactly.
 */
import type { Register } from '../config/types.js';
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';
import { ApiError } from '../errors.js';
import { Ladder, type Query } from './ladder.js';
import { groupKey } from './ladder-group.js';
import type { EpbApi } from './ports.js';
import { DayCollector } from './reconcile.js';
import { ServedCount, servesFewerThanCounted } from './served-count.js';

export interface WalkInput {
  register: Register;
  day: string;
  pageSize: number;
  /** Re-fetches with another page size a group gets once the filters cannot split it further. */
  reconcileAttempts: number;
  /** Most search requests for the day (default: 250 + 25 per page of the day), a guard against an API gone wrong. */
  maxRequests?: number;
}

export interface DayFetch {
  day: string;
  /** The API's totalRecords for the day (0 for an empty day). */
  expected: number;
  rows: CertificateRow[];
  rejects: RejectedRow[];
  /** Rows the API sent with another registration date: never counted for this day; stored under their own. */
  strays: CertificateRow[];
  complete: boolean;
  shortfall: number;
  pages: number;
  requests: number;
  /** For a day left incomplete, the last rung of the ladder climbed (see ladder.ts); null when complete. */
  stoppedAt: string | null;
  /**
   * Non-domestic: the rows search serves for the day, as its paging shows (the day's target; `shortfall`
   * counts against it). Absent for the registers whose target is `expected`.
   */
  served?: number;
  /**
   * Non-domestic: certificates `expected` counts that search never serves (no recommendation report);
   * null when not known (the day answered 404, or its pages contradicted each other).
   */
  notServed?: number | null;
  /** Non-domestic: the day's pages disagreed on how many rows search serves (it dropped some). */
  pagesDisagree?: boolean;
}

/** Queries asked at once before the walk checks whether the day is complete. */
const BATCH = 8;

/** `DayFetch.stoppedAt` when the request guard, not the ladder, ended the walk. */
export const BUDGET_SPENT = 'request budget';

const DAY = groupKey({});

export async function walkDay(api: EpbApi, input: WalkInput, signal?: AbortSignal): Promise<DayFetch> {
  const collector = new DayCollector(input.day);
  const ladder = new Ladder(input.pageSize, input.reconcileAttempts);
  let pages = 0;
  let requests = 0;
  // Non-domestic: what every answer showed about the rows served, per group; the day's count as last answered.
  const served = servesFewerThanCounted(input.register) ? new Map<string, ServedCount>() : null;
  let dayTotal = 0;
  const servedOf = (query: Query) => {
    const key = groupKey(query.filter);
    let count = served!.get(key);
    if (!count) served!.set(key, (count = new ServedCount()));
    return count;
  };

  /** Every page of one group; records the group's target (its total, or the rows it serves) with the ladder. */
  const ask = async (query: Query): Promise<number> => {
    const { filter } = query;
    const base = {
      register: input.register,
      day: input.day,
      pageSize: query.pageSize,
      ...(filter.band ? { bands: [filter.band] } : {}),
      ...(filter.councils ? { councils: filter.councils } : {}),
      ...(filter.constituencies ? { constituencies: filter.constituencies } : {}),
      ...(filter.postcode !== undefined ? { postcode: filter.postcode } : {}),
      ...(filter.address !== undefined ? { address: filter.address } : {}),
    };
    const count = served ? servedOf(query) : null;
    const isDay = groupKey(query.filter) === DAY;
    // The group's target for the ladder: its total, or (non-domestic) the rows its pages show served.
    const targetOf = (total: number) => (count ? count.target : total);
    requests += 1;
    const first = await api.searchDay({ ...base, page: 1 }, signal);
    if (first.kind === 'empty') {
      // Nothing counted, or (non-domestic) nothing served: either way no row to fetch.
      count?.page(1, query.pageSize, 0);
      if (isDay) dayTotal = 0;
      ladder.record(query, targetOf(0));
      return 0;
    }
    pages += 1;
    collector.add(first.rows);
    count?.counted(first.totalRecords);
    count?.page(1, query.pageSize, first.rows.length);
    if (isDay) dayTotal = first.totalRecords;
    ladder.record(query, targetOf(first.totalRecords));
    if (query.probe) return first.totalRecords;
    const rest: number[] = [];
    for (let page = 2; page <= first.totalPages; page += 1) rest.push(page);
    await Promise.all(
      rest.map(async (page) => {
        requests += 1;
        const result = await api.searchDay({ ...base, page }, signal);
        if (result.kind === 'page') {
          pages += 1;
          collector.add(result.rows);
        }
        // A page within the count's pages that holds no row served answers 404 (NoData).
        count?.page(page, query.pageSize, result.kind === 'page' ? result.rows.length : 0);
      }),
    );
    // The rows served are known once every page has answered.
    if (count) ladder.record(query, count.target);
    return first.totalRecords;
  };

  /** A ladder query the API refuses (a council name it no longer lists, say) is given up, not the day. */
  const askOrRefuse = async (query: Query): Promise<void> => {
    try {
      await ask(query);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'API_BAD_REQUEST')) throw error;
      ladder.refuse(query);
    }
  };

  const expected = await ask(ladder.start());
  const budget = input.maxRequests ?? 250 + 25 * Math.ceil(expected / input.pageSize);
  const day = served?.get(DAY) ?? null;
  // Non-domestic: exactly the rows served, and only once the pages agree on how many that is.
  const target = () => (day ? day.target : expected);
  const complete = () => (day ? day.exact && collector.seen === day.target : collector.seen >= expected);
  let stoppedAt: string = 'pages';
  while (!complete() && stoppedAt !== BUDGET_SPENT) {
    const step = ladder.next(collector.facts.values());
    if (!step) break;
    stoppedAt = step.rung;
    let queue = step.queries;
    while (!complete()) {
      queue = ladder.stillUseful(queue, collector.facts.values());
      if (queue.length === 0) break;
      if (requests >= budget) {
        stoppedAt = BUDGET_SPENT;
        break;
      }
      await Promise.all(queue.slice(0, BATCH).map(askOrRefuse));
      queue = queue.slice(BATCH);
    }
  }

  return {
    day: input.day,
    expected: day ? dayTotal : expected,
    rows: [...collector.rows.values()],
    rejects: [...collector.rejects.values()],
    strays: [...collector.strays.values()],
    complete: complete(),
    shortfall: Math.max(target() - collector.seen, 0),
    pages,
    requests,
    stoppedAt: complete() ? null : stoppedAt,
    // A day answered 404 counts nothing it shows: what it does not serve is unknown.
    ...(day ? { served: day.target, notServed: day.exact && dayTotal > 0 ? dayTotal - day.target : null, pagesDisagree: day.contradicted } : {}),
  };
}
