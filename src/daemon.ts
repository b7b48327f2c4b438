/**
 * The long-lived process: catch up once (on an empty mirror, seeding from the monthly bulk file first:
 * `syncOnce`), then the incremental sync on SYNC_CRON. Runs never overlap
 * (a tick that finds a run going is skipped and logged). /metrics and /healthz are served on
 * METRICS_PORT while it lives. With BACKFILL_FROM/BACKFILL_TO set it runs that backfill once instead
 * and returns its exit code.
 */
import { schedule } from 'node-cron';
import type { Context } from './context.js';
import { EXIT_CONFIG, EXIT_OK, exitCodeForRun } from './exit-codes.js';
import { isFatal, type EpcSyncError } from './errors.js';
import { serveOps } from './ops/serve.js';
import { backfill, syncOnce } from './sync/commands.js';
import type { RunDeps } from './sync/run.js';

export async function runDaemon(ctx: Context, signal: AbortSignal): Promise<number> {
  if (!ctx.api) throw new Error('the daemon needs the API client');
  const deps: RunDeps = { db: ctx.db, api: ctx.api, config: ctx.config, logger: ctx.logger, metrics: ctx.metrics, notifier: ctx.notifier };
  const state = { scheduling: false };
  const ops = await serveOps(ctx, () => state.scheduling);
  try {
    return await loop(ctx, deps, state, signal);
  } finally {
    await ops?.close();
  }
}

async function loop(ctx: Context, deps: RunDeps, state: { scheduling: boolean }, signal: AbortSignal): Promise<number> {
  const { config, logger } = ctx;
  if (config.sync.backfillFrom && config.sync.backfillTo) {
    logger.info({ from: config.sync.backfillFrom, to: config.sync.backfillTo }, 'BACKFILL_FROM/BACKFILL_TO set: running that backfill, then exiting');
    state.scheduling = true;
    const report = await backfill(deps, { from: config.sync.backfillFrom, to: config.sync.backfillTo, force: false }, signal);
    state.scheduling = false;
    return exitCodeForRun(report);
  }

  let running: Promise<void> | null = null;
  let fatal: Error | null = null;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  signal.addEventListener('abort', () => wake(), { once: true });

  // Each register lags on its own: one notice per register per crossing.
  const checkLag = async () => {
    for (const register of config.sync.registers) {
      const [lag] = await ctx.db.query<{ days_behind: number | null; newest_done_day: string | null }>(
        `SELECT days_behind, newest_done_day::text FROM sync_lag WHERE register = $1`,
        [register],
      );
      await ctx.notifier.lagExceeded({ daysBehind: lag?.days_behind ?? null, threshold: config.ops.lagAlertDays, newestDoneDay: lag?.newest_done_day ?? null, register });
    }
  };

  const runOnce = (trigger: string): Promise<void> => {
    if (running) {
      logger.warn({ trigger }, 'previous sync still running; this tick is skipped');
      return running;
    }
    running = (async () => {
      try {
        // Every configured register in turn; one that fails does not stop the next (`sync/registers.ts`).
        const report = await syncOnce(deps, signal);
        await checkLag();
        if (report.fatal && isFatal(report.fatal)) {
          fatal = report.fatal;
          wake();
        }
      } catch (error) {
        // A shutdown during the bulk seed's download ends it with AbortedError: nothing failed.
        if (signal.aborted) logger.info({ err: { message: (error as Error).message } }, 'sync run stopped: shutting down');
        else logger.error({ err: { name: (error as Error).name, code: (error as EpcSyncError).code, message: (error as Error).message } }, 'sync run failed; the next scheduled run retries');
        if (isFatal(error)) {
          fatal = error as Error;
          wake();
        } else if (!signal.aborted) {
          // One register's error (a short disk for its seed, say) must not hide the others' lag.
          await checkLag().catch((err: Error) => logger.warn({ err: { message: err.message } }, 'could not check the lag'));
        }
      } finally {
        running = null;
      }
    })();
    return running;
  };

  logger.info({ cron: config.sync.cron, timezone: config.sync.timezone }, 'daemon starting: catching up first');
  state.scheduling = true;
  await runOnce('startup');
  const task = fatal || signal.aborted
    ? null
    : schedule(config.sync.cron, () => runOnce('schedule'), { timezone: config.sync.timezone, name: 'epc-sync', noOverlap: true });
  if (task) logger.info({ cron: config.sync.cron }, 'scheduled; waiting for the next run');

  await stopped;
  state.scheduling = false;
  await task?.stop();
  await running;
  if (fatal) {
    logger.error({ err: { message: (fatal as Error).message } }, 'daemon stopped: this needs the operator');
    return EXIT_CONFIG;
  }
  logger.info('daemon stopped');
  return EXIT_OK;
}
