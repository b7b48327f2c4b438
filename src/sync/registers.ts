/**
 * One command over several registers: each register in turn, each its own run (its own `sync_runs`
 * row, checkpoint rows and documents backlog), all through the one API client. A register whose run
 * fails does not stop the next; only what no register can get past does: the API refusing the token,
 * a wrong base URL, an API host that answers nothing, or a shutdown. The combined report carries the
 * worst outcome, so the exit code speaks for every register.
 */
import type { Logger } from 'pino';
import type { Register } from '../config/types.js';
import { stopsRun, type EpcSyncError } from '../errors.js';
import type { RunReport } from '../runs/run.js';

export interface RegisterReport extends RunReport {
  register: Register;
}

/**
 * Every register's report, and over them: the worst outcome (and that run's id), the first error
 * that stopped a run, and the counts summed. With one register it is that register's report.
 */
export interface RegistersReport extends RunReport {
  registers: RegisterReport[];
}

/** Worse first: the combined outcome is the first of these any register had. */
const SEVERITY: readonly RunReport['outcome'][] = ['failed', 'interrupted', 'incomplete', 'succeeded'];

/** What one register's turn gave. */
export interface Turn<T> {
  register: Register;
  result: T;
}

/**
 * Runs `runOne` for each register in order (`what` names it in the log: "register's run", "bulk
 * import"). One that throws is logged and the next register runs, unless the error stops every run
 * or a shutdown came; so does a result `stops` says no register can get past. Once all have run,
 * the first error is thrown again (the command ends on it, as with one register).
 */
export async function inTurn<T>(
  registers: readonly Register[],
  logger: Logger,
  signal: AbortSignal | undefined,
  what: string,
  runOne: (register: Register, index: number) => Promise<T>,
  stops: (result: T) => boolean = () => false,
): Promise<Array<Turn<T>>> {
  const turns: Array<Turn<T>> = [];
  let thrown: { error: unknown } | null = null;
  for (const [index, register] of registers.entries()) {
    if (index > 0 && signal?.aborted) break;
    try {
      const result = await runOne(register, index);
      turns.push({ register, result });
      if (stops(result)) break;
    } catch (error) {
      thrown ??= { error };
      const err = error as EpcSyncError;
      if (stopsRun(error) || signal?.aborted) break;
      if (index < registers.length - 1) {
        logger.error({ register, err: { name: err.name, code: err.code, message: err.message } }, `the ${register} ${what} failed; going on with the next register`);
      }
    }
  }
  if (thrown) throw thrown.error;
  return turns;
}

/** Each register's run in turn (`inTurn`), combined into one report. */
export async function eachRegister(
  registers: readonly Register[],
  logger: Logger,
  signal: AbortSignal | undefined,
  runOne: (register: Register, index: number) => Promise<RunReport>,
): Promise<RegistersReport> {
  const turns = await inTurn(registers, logger, signal, "register's run", runOne, (report) => Boolean(report.fatal && stopsRun(report.fatal)));
  return combineReports(turns.map(({ register, result }) => ({ ...result, register })));
}

/** A register's runs log with its name on every line. */
export function forRegister<D extends { logger: Logger }>(deps: D, register: Register): D {
  return { ...deps, logger: deps.logger.child({ register }) };
}

export function combineReports(reports: readonly RegisterReport[]): RegistersReport {
  const [first] = reports;
  if (!first) throw new Error('no register ran');
  if (reports.length === 1) return { ...first, registers: [...reports] };
  const worst = SEVERITY.map((outcome) => reports.find((r) => r.outcome === outcome)).find((r) => r !== undefined) ?? first;
  const counts = { ...first.counts };
  for (const r of reports.slice(1)) for (const key of Object.keys(counts) as Array<keyof typeof counts>) counts[key] += r.counts[key];
  return {
    runId: worst.runId,
    outcome: worst.outcome,
    counts,
    daysSkipped: reports.reduce((n, r) => n + r.daysSkipped, 0),
    fatal: reports.find((r) => r.fatal)?.fatal ?? null,
    registers: [...reports],
  };
}
