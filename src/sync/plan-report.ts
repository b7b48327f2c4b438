/**
 * `epc-sync plan`: what a sync or a backfill would do, per register, read from the checkpoint with
 * nothing asked of the API and nothing written: the days to walk and why, the requests expected from
 * what recent walks cost, and the time at EPC_REQUESTS_PER_SECOND.
 */
import { decideSeed } from '../bulk/seed-plan.js';
import type { Config, Register } from '../config/types.js';
import type { Queryable } from '../db/client.js';
import { documentsBacklogSize } from '../db/documents.js';
import { readMirrorState } from '../db/seed-state.js';
import { recentWalkCost } from '../db/walk-cost.js';
import { newestQueryableDay } from '../days.js';
import { readBackfillPlan, readSyncPlan, type BackfillRange } from './commands.js';
import { estimateRun, type RunEstimate } from './estimate.js';

export type PlanRequest = { kind: 'sync' } | ({ kind: 'backfill' } & BackfillRange);

export interface RegisterPlan extends RunEstimate {
  register: Register;
  /** First and last day the run would walk (null: nothing to walk). */
  from: string | null;
  to: string | null;
  /** A backfill's days skipped because they are done already. */
  skipped: number;
  /** The sync of an empty mirror with SYNC_SEED=bulk imports the bulk file first: its cost is not in the figures. */
  seedsFirst: boolean;
}

export interface PlanReport {
  kind: 'sync' | 'backfill';
  requestsPerSecond: number;
  registers: RegisterPlan[];
  total: { requests: number; seconds: number };
}

export async function planReport(q: Queryable, config: Config, registers: readonly Register[], request: PlanRequest, now = new Date()): Promise<PlanReport> {
  const newest = newestQueryableDay(now, config.sync.timezone);
  const plans: RegisterPlan[] = [];
  for (const [index, register] of registers.entries()) {
    const planned = request.kind === 'sync' ? await readSyncPlan(q, config, register, newest) : await readBackfillPlan(q, register, request);
    const sync = request.kind === 'sync';
    const documentsDue = sync && config.sync.fetchDocuments ? (await documentsBacklogSize(q, register)).due : 0;
    const estimate = estimateRun(planned.items, register, await recentWalkCost(q, register), {
      fetchDocuments: config.sync.fetchDocuments,
      // A non-domestic or display document names its recommendation report, fetched beside it.
      requestsPerDocument: register === 'domestic' ? 1 : 2,
      requestsPerSecond: config.api.requestsPerSecond,
      deltas: sync && config.sync.followDeltas && index === registers.length - 1,
      documentsDue,
      requestBudget: sync ? config.sync.requestBudget : 0,
    });
    const days = planned.items.map((item) => item.day).sort();
    plans.push({
      register,
      ...estimate,
      from: days[0] ?? null,
      to: days.at(-1) ?? null,
      skipped: 'skipped' in planned ? planned.skipped : 0,
      seedsFirst: sync && decideSeed(config.sync.seed, await readMirrorState(q, register)).seed,
    });
  }
  const requests = plans.reduce((n, p) => n + p.requests.total, 0);
  return {
    kind: request.kind,
    requestsPerSecond: config.api.requestsPerSecond,
    registers: plans,
    total: { requests, seconds: config.api.requestsPerSecond > 0 ? Math.ceil(requests / config.api.requestsPerSecond) : 0 },
  };
}

const n = (value: number) => value.toLocaleString('en-GB');

export function formatDuration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} days`;
}

export function formatPlan(report: PlanReport): string {
  const lines = [`plan for a ${report.kind} (read from the checkpoint; nothing was asked of the API):`];
  for (const p of report.registers) {
    const reasons = (['new', 'retry', 'lookback', 'reverify', 'backfill'] as const)
      .filter((r) => p.days[r] > 0)
      .map((r) => `${n(p.days[r])} ${{ new: 'new', retry: 'retried', lookback: 'looked back', reverify: 're-verified', backfill: 'in the range' }[r]}`);
    const walked = Object.values(p.days).reduce((a, b) => a + b, 0);
    lines.push(`${p.register}: ${n(walked)} day(s)${walked > 0 ? ` from ${p.from} to ${p.to} (${reasons.join(', ')})` : ''}${p.skipped > 0 ? `; ${n(p.skipped)} done day(s) skipped` : ''}`);
    const r = p.requests;
    const parts = [`search ${n(r.search)}`, `documents ${n(r.documents)}`, ...(r.lookbackProbes ? [`lookback probes ${n(r.lookbackProbes)}`] : []), ...(r.deltas ? ['deltas 1'] : [])];
    lines.push(`  ~${n(r.total)} requests (${parts.join(', ')}), ${formatDuration(p.seconds)} at ${report.requestsPerSecond}/s`);
    lines.push(
      p.basis.assumed
        ? `  no walked day to learn from yet: assumed ${p.basis.searchPerDay} search requests and ${n(p.basis.certificatesPerDay)} certificates a day`
        : `  from the last ${n(p.basis.days)} walked day(s): ${p.basis.searchPerDay.toFixed(1)} search requests and ${n(Math.round(p.basis.certificatesPerDay))} certificates a day`,
    );
    if (p.seedsFirst) lines.push('  the mirror is empty and SYNC_SEED=bulk: the sync imports the bulk file first and walks only the days after it (not in these figures)');
  }
  lines.push(`total: ~${n(report.total.requests)} requests, ${formatDuration(report.total.seconds)} (the API allows 6,000 per 5 minutes per token)`);
  return lines.join('\n');
}
