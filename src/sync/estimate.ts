/**
 * What a run will cost before it runs (`epc-sync plan`): days by why they are walked, requests and
 * time. Pure: the planner's work items and what the register's recent walks cost go in, an estimate
 * comes out. The API allows 6,000 requests per 5 minutes; this says how much of that a run needs.
 */
import type { WorkItem, WorkReason } from './plan.js';

/** What recent walks of the register cost, from its checkpoint (`db/checkpoint.ts`, `recentWalkCost`). */
export interface WalkCost {
  /** Days the average is taken over (0: nothing walked yet; the defaults below stand in). */
  days: number;
  /** Search requests a walked day took, on average (pages, plus reconciliation where needed). */
  searchPerDay: number;
  /** Certificates a walked day stored, on average: each is a document request when documents are on. */
  certificatesPerDay: number;
}

export interface EstimateOptions {
  fetchDocuments: boolean;
  /** Requests per document: 2 for non-domestic (the certificate and its recommendation report), else 1. */
  requestsPerDocument: number;
  requestsPerSecond: number;
  /** The sync applies the change feed once: one request. */
  deltas: boolean;
  /** Documents already due (the sync drains them within SYNC_REQUEST_BUDGET). */
  documentsDue: number;
  /** SYNC_REQUEST_BUDGET (0: none): the documents backlog stops there. */
  requestBudget: number;
}

export interface RunEstimate {
  days: Record<WorkReason, number>;
  requests: { search: number; documents: number; lookbackProbes: number; deltas: number; total: number };
  seconds: number;
  /** Where the per-day figures came from. */
  basis: { days: number; searchPerDay: number; certificatesPerDay: number; assumed: boolean };
}

/**
 * Stand-ins for a register nothing has been walked of yet: a day of the domestic register is ~4,700
 * certificates on average (EPB_API.md, "Volumes"), one 5,000-row page and about one more request for
 * reconciliation on the busy days (BENCHMARKS.md: ~2.4 a day).
 */
export const ASSUMED_COST: Readonly<Record<string, WalkCost>> = {
  domestic: { days: 0, searchPerDay: 2.4, certificatesPerDay: 4700 },
  'non-domestic': { days: 0, searchPerDay: 1, certificatesPerDay: 250 },
  display: { days: 0, searchPerDay: 1, certificatesPerDay: 150 },
};

/** A walk of a day (new, retried, backfilled or re-verified) costs what recent walks did; a lookback day costs one probe unless it changed. */
export function estimateRun(items: readonly WorkItem[], register: string, cost: WalkCost, o: EstimateOptions): RunEstimate {
  const assumed = cost.days === 0;
  const basis = assumed ? (ASSUMED_COST[register] ?? ASSUMED_COST.domestic!) : cost;
  const days: Record<WorkReason, number> = { new: 0, retry: 0, lookback: 0, reverify: 0, backfill: 0 };
  for (const item of items) days[item.reason ?? 'backfill'] += 1;
  const walked = days.new + days.retry + days.backfill + days.reverify;
  const search = Math.round(walked * basis.searchPerDay);
  // Re-verified days' certificates already have their documents; a walk of a new day fetches them all.
  const fresh = days.new + days.retry + days.backfill;
  const dayDocuments = o.fetchDocuments ? fresh * basis.certificatesPerDay * o.requestsPerDocument : 0;
  const backlog = o.fetchDocuments ? o.documentsDue * o.requestsPerDocument : 0;
  const beforeBacklog = search + days.lookback + dayDocuments + (o.deltas ? 1 : 0);
  const backlogSpent = o.requestBudget > 0 ? Math.max(0, Math.min(backlog, o.requestBudget - beforeBacklog)) : backlog;
  const documents = Math.round(dayDocuments + backlogSpent);
  const total = search + documents + days.lookback + (o.deltas ? 1 : 0);
  return {
    days,
    requests: { search, documents, lookbackProbes: days.lookback, deltas: o.deltas ? 1 : 0, total },
    seconds: o.requestsPerSecond > 0 ? Math.ceil(total / o.requestsPerSecond) : 0,
    basis: { days: cost.days, searchPerDay: basis.searchPerDay, certificatesPerDay: basis.certificatesPerDay, assumed },
  };
}
