/**
 * Walks one registration day through the API: every page of the day, then, while the distinct rows of
 * the day fall short of the API's total, the queries the reconciliation ladder (ladder.ts) chooses, in
 * batches, stopping as soon as the day is complete. Returns everything collected; it does not touch
 * the database.
 */
import type { Register } from '../config/types.js';
import type { CertificateRow } from '../db/certificates.js';
import type { RejectedRow } from '../db/rejects.js';
import { ApiError } from '../errors.js';
import { Ladder, type Query } from './ladder.js';
import type { EpbApi } from './ports.js';
import { DayCollector } from './reconcile.js';

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
}

/** Queries asked at once before the walk checks whether the day is complete. */
const BATCH = 8;

/** `DayFetch.stoppedAt` when the request guard, not the ladder, ended the walk. */
export const BUDGET_SPENT = 'request budget';

export async function walkDay(api: EpbApi, input: WalkInput, signal?: AbortSignal): Promise<DayFetch> {
  const collector = new DayCollector(input.day);
  const ladder = new Ladder(input.pageSize, input.reconcileAttempts);
  let pages = 0;
  let requests = 0;

  /** Every page of one group; records the group's total with the ladder. */
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
    requests += 1;
    const first = await api.searchDay({ ...base, page: 1 }, signal);
    if (first.kind === 'empty') {
      ladder.record(query, 0);
      return 0;
    }
    pages += 1;
    collector.add(first.rows);
    ladder.record(query, first.totalRecords);
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
      }),
    );
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
  const complete = () => collector.seen >= expected;
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
    expected,
    rows: [...collector.rows.values()],
    rejects: [...collector.rejects.values()],
    strays: [...collector.strays.values()],
    complete: complete(),
    shortfall: Math.max(expected - collector.seen, 0),
    pages,
    requests,
    stoppedAt: complete() ? null : stoppedAt,
  };
}
