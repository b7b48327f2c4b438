/**
 * `documents --from --to`: fills in documents for certificates already stored (a summary-only history
 * completed later). A run like any other (`runs/run.ts`: heartbeat, metrics, webhook, the operator's
 * line); progress is kept per certificate, so an interrupted pass resumes where it stopped.
 */
import type { Register } from '../config/types.js';
import { daysWithDocumentsDue } from '../db/documents.js';
import { stopsRun } from '../errors.js';
import { Run, rate, type RunReport } from '../runs/run.js';
import { fetchDocumentsForDay } from './documents.js';
import { eachRegister, forRegister, type RegistersReport } from './registers.js';
import type { RunDeps } from './run.js';

/** The range for `registers` (default: every configured register), in turn: one run each. */
export function documentsBackfill(deps: RunDeps, range: { from: string; to: string }, shutdown?: AbortSignal, registers: readonly Register[] = deps.config.sync.registers): Promise<RegistersReport> {
  return eachRegister(registers, deps.logger, shutdown, (register) => documentsForRegister(forRegister(deps, register), register, range, shutdown));
}

async function documentsForRegister(deps: RunDeps, register: Register, range: { from: string; to: string }, shutdown?: AbortSignal): Promise<RunReport> {
  const { db, api, config, logger } = deps;
  const days = await daysWithDocumentsDue(db, register, range.from, range.to);
  let due = days.reduce((n, d) => n + d.due, 0);
  let day: string | null = null;
  const started = Date.now();
  const run = await Run.start(
    { db, logger, register, leaseSeconds: config.sync.leaseSeconds, metrics: deps.metrics, notifier: deps.notifier },
    {
      kind: 'documents', rangeFrom: range.from, rangeTo: range.to, daysPlanned: days.length,
      progress: () => ({ day, documentsDue: due, documentsPerSecond: rate(run.counts.documentsFetched, started) }),
    },
    shutdown,
  );
  run.log.info({ documentsDue: due }, 'documents due in the range');
  const { counts } = run;
  for (const next of days) {
    day = next.day;
    if (run.signal.aborted) break;
    try {
      // The range is the operator's choice: certificates the bulk file seeded are fetched too.
      const report = await run.db(`fetching documents for ${day}`, () =>
        fetchDocumentsForDay({ db, api, logger: run.log, register }, next.day, run.signal, { seeded: true }));
      due -= report.fetched;
      counts.documentsFetched += report.fetched;
      counts.requests += report.requests;
      deps.metrics?.documentsUpserted(report.fetched);
      if (report.missing === 0) counts.daysDone += 1;
      else counts.daysIncomplete += 1;
    } catch (error) {
      if (stopsRun(error)) run.stop(error as Error);
      if (run.signal.aborted) break;
      counts.daysFailed += 1;
      run.log.error({ day, err: { message: (error as Error).message } }, 'documents for this day failed; rerun to retry');
    }
  }
  return run.finish();
}
