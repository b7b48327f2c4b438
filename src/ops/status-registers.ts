/**
 * `epc-sync status` over every register the mirror keeps. The JSON keeps the one-register shape at
 * its top level (the first register's report: domestic when it is kept), so what read it before still
 * reads it; `registers` holds each register's own report, and the top-level `healthy` and `verdict`
 * speak for all of them (with one register they are that register's own).
 */
import type { Queryable } from '../db/client.js';
import { formatStatus, readStatus, type StatusOptions, type StatusReport } from './status.js';

export interface MirrorStatus extends StatusReport {
  /** Each register's report, keyed by register, in walking order. */
  registers: Record<string, StatusReport>;
}

export async function readStatuses(q: Queryable, registers: readonly string[], options: StatusOptions): Promise<MirrorStatus> {
  const reports: StatusReport[] = [];
  // One after another: PGlite has one connection, and on a pool status should not take several.
  for (const register of registers) reports.push(await readStatus(q, register, options));
  return combineStatuses(reports);
}

export function combineStatuses(reports: readonly StatusReport[]): MirrorStatus {
  const [first] = reports;
  if (!first) throw new Error('status needs at least one register');
  const registers = Object.fromEntries(reports.map((r) => [r.register, withoutRegisters(r)]));
  if (reports.length === 1) return { ...withoutRegisters(first), registers };
  const unhealthy = reports.filter((r) => !r.healthy);
  const verdict = (unhealthy.length > 0 ? unhealthy : reports).map((r) => `${r.register}: ${r.verdict}`).join(' | ');
  return { ...withoutRegisters(first), healthy: unhealthy.length === 0, verdict, registers };
}

/**
 * The registers asked for out of a report (a running daemon's, which may keep more), or an error
 * naming what it keeps. A report from an older release, without `registers`, is its own one register.
 */
export function pickRegisters(status: MirrorStatus | StatusReport, wanted: readonly string[] | null): MirrorStatus {
  const all = 'registers' in status && status.registers ? Object.values(status.registers) : [status];
  if (wanted === null) return combineStatuses(all);
  const picked = wanted.map((name) => all.find((r) => r.register === name));
  const missing = wanted.filter((_, i) => picked[i] === undefined);
  if (missing.length > 0) {
    throw new Error(`the running daemon keeps ${all.map((r) => r.register).join(', ')}, not ${missing.join(', ')}: ask for one of those, or stop it to read the database directly`);
  }
  return combineStatuses(picked as StatusReport[]);
}

/** One register: its report as it always read. Several: a line naming each one's state, then each report. */
export function formatStatuses(s: MirrorStatus): string {
  const reports = Object.values(s.registers);
  if (reports.length <= 1) return formatStatus(reports[0] ?? s);
  const summary = `epc-sync status: ${reports.map((r) => `${r.register} ${r.healthy ? 'OK' : 'ATTENTION'}`).join(', ')}`;
  return [summary, ...reports.map((r) => formatStatus(r))].join('\n\n');
}

function withoutRegisters(report: StatusReport): StatusReport {
  const { registers: _nested, ...rest } = report as MirrorStatus;
  return rest;
}
