/**
 * The long-lived process: catch up once, then the incremental sync on SYNC_CRON. Runs never overlap
 * (a tick that finds a run going is skipped and logged). With BACKFILL_FROM/BACKFILL_TO set it runs
 * that backfill once instead and returns its exit code.
 */
import { schedule } from 'node-cron';
import type { Context } from './context.js';
import { EXIT_CONFIG, EXIT_OK, exitCodeForRun } from './exit-codes.js';
import { isFatal } from './errors.js';
import { backfill, syncOnce } from './sync/commands.js';
import type { RunDeps } from './sync/run.js';

export async function runDaemon(ctx: Context, signal: AbortSignal): Promise<number> {
  const { config, logger } = ctx;
  if (!ctx.api) throw new Error('the daemon needs the API client');
  const deps: RunDeps = { db: ctx.db, api: ctx.api, config, logger };

  if (config.sync.backfillFrom && config.sync.backfillTo) {
    logger.info({ from: config.sync.backfillFrom, to: config.sync.backfillTo }, 'BACKFILL_FROM/BACKFILL_TO set: running that backfill, then exiting');
    const report = await backfill(deps, { from: config.sync.backfillFrom, to: config.sync.backfillTo, force: false }, signal);
    return exitCodeForRun(report);
  }

  let running: Promise<void> | null = null;
  let fatal: Error | null = null;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  signal.addEventListener('abort', () => wake(), { once: true });

  const runOnce = (trigger: string): Promise<void> => {
    if (running) {
      logger.warn({ trigger }, 'previous sync still running; this tick is skipped');
      return running;
    }
    running = (async () => {
      try {
        const report = await syncOnce(deps, signal);
        if (report.fatal && isFatal(report.fatal)) {
          fatal = report.fatal;
          wake();
        }
      } catch (error) {
        logger.error({ err: { name: (error as Error).name, message: (error as Error).message } }, 'sync run failed; the next scheduled run retries');
        if (isFatal(error)) {
          fatal = error as Error;
          wake();
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  logger.info({ cron: config.sync.cron, timezone: config.sync.timezone }, 'daemon starting: catching up first');
  await runOnce('startup');
  const task = fatal || signal.aborted
    ? null
    : schedule(config.sync.cron, () => runOnce('schedule'), { timezone: config.sync.timezone, name: 'epc-sync', noOverlap: true });
  if (task) logger.info({ cron: config.sync.cron }, 'scheduled; waiting for the next run');

  await stopped;
  await task?.stop();
  await running;
  if (fatal) {
    logger.error({ err: { message: (fatal as Error).message } }, 'daemon stopped: this needs the operator');
    return EXIT_CONFIG;
  }
  logger.info('daemon stopped');
  return EXIT_OK;
}
