/**
 * `epc-sync` command line: argument parsing, configuration, exit codes. Every command parses the
 * environment once into a frozen Config and passes it down.
 */
import { Command, CommanderError, Option } from 'commander';
import dotenv from 'dotenv';
import got from 'got';
import { codesCommand } from './codes/command.js';
import { checkRange, loadConfig } from './config/load.js';
import type { Config } from './config/types.js';
import { openContext, type Context } from './context.js';
import { runDaemon } from './daemon.js';
import { buildDeferredIndexes } from './db/deferred-indexes.js';
import { newestQueryableDay, isIsoDay } from './days.js';
import { ConfigError, hasCode } from './errors.js';
import { tellOperator } from './operator.js';
import { VERSION } from './version.js';
import { EXIT_CONFIG, EXIT_OK, exitCodeForError, exitCodeForRun } from './exit-codes.js';
import { createLogger } from './logger.js';
import { formatStatuses, pickRegisters, readStatuses, type MirrorStatus } from './ops/status-registers.js';
import { installShutdown } from './shutdown.js';
import { opsEndpointOf, serveOps, serveUntilStopped } from './ops/serve.js';
import { backfill, syncOnce } from './sync/commands.js';
import { documentsBackfill } from './sync/documents-run.js';
import { formatPlan, planReport } from './sync/plan-report.js';
import { formatRows } from './ops/table.js';
import { chosenRegisters, importBulkFiles, importRegisters, registerOption } from './cli-registers.js';

type Action = (ctx: Context, signal: AbortSignal) => Promise<number>;

const METRICS_HELP = 'serve the coverage page (/), /metrics, /healthz and /status.json on METRICS_PORT while running';
/** What to do instead when another process holds the embedded database (null: nothing, report it). */
type InUse = (config: Config) => Promise<number | null>;

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  dotenv.config({ quiet: true });
  let exitCode = EXIT_OK;

  const run = async (needsApi: boolean, action: Action, precheck?: (config: Config) => void, inUse?: InUse): Promise<void> => {
    exitCode = await execute(env, needsApi, action, precheck, inUse);
  };

  const program = new Command('epc-sync')
    .description('Keep a PostgreSQL mirror of the England & Wales EPC register current through the EPB Data API.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError();

  program
    .command('daemon')
    .description('apply migrations, seed an empty mirror from the bulk file, catch up once, then sync on SYNC_CRON (or run BACKFILL_FROM..BACKFILL_TO once and exit)')
    .action(() => run(true, (ctx, signal) => runDaemon(ctx, signal)));

  program
    .command('sync')
    .description('one incremental pass over each register in turn (an empty one is seeded from its bulk file first): frontier → yesterday, a re-check of the last SYNC_LOOKBACK_DAYS done days, SYNC_REVERIFY_DAYS old days re-walked, documents due; then the deltas, once')
    .addOption(registerOption('sync'))
    .option('--metrics', METRICS_HELP, false)
    .action((opts: { metrics: boolean; register?: string }) =>
      run(
        true,
        async (ctx, signal) => exitCodeForRun(await withOps(ctx, opts.metrics, () => syncOnce(deps(ctx), signal, new Date(), chosenRegisters(opts.register, ctx.config)))),
        (config) => chosenRegisters(opts.register, config),
      ),
    );

  program
    .command('backfill')
    .description('walk exactly the days from --from to --to (done days are skipped unless --force)')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD (yesterday at the latest)')
    .option('--force', 'walk days already done again', false)
    .addOption(registerOption('walk'))
    .option('--metrics', METRICS_HELP, false)
    .action((opts: { from: string; to: string; force: boolean; metrics: boolean; register?: string }) =>
      run(
        true,
        async (ctx, signal) => exitCodeForRun(await withOps(ctx, opts.metrics, () => backfill(deps(ctx), opts, signal, chosenRegisters(opts.register, ctx.config)))),
        (config) => checkDays(opts, config, opts.register),
      ),
    );

  program
    .command('documents')
    .description('fetch the full document of every stored certificate from --from to --to that lacks a current one')
    .requiredOption('--from <day>', 'first registration day, YYYY-MM-DD')
    .requiredOption('--to <day>', 'last registration day, YYYY-MM-DD')
    .addOption(registerOption('fetch the documents of'))
    .action((opts: { from: string; to: string; register?: string }) =>
      run(
        true,
        async (ctx, signal) => exitCodeForRun(await documentsBackfill(deps(ctx), opts, signal, chosenRegisters(opts.register, ctx.config))),
        (config) => checkDays(opts, config, opts.register),
      ),
    );

  program
    .command('import-bulk')
    .description('download each register\'s latest monthly bulk file and import it (or import --file PATH, one register\'s), then hand its days to the checkpoint')
    .option('--file <path>', 'import this ZIP (or a CSV of certificates) instead of downloading')
    .option('--force', 'import even if this exact file was imported before', false)
    .addOption(registerOption('import the file of'))
    .option('--metrics', METRICS_HELP, false)
    .action((opts: { file?: string; force: boolean; metrics: boolean; register?: string }) =>
      run(
        !opts.file,
        async (ctx, signal) => withOps(ctx, opts.metrics, () => importBulkFiles(ctx, importRegisters(opts, ctx.config), opts, signal)),
        (config) => importRegisters(opts, config),
      ),
    );

  program
    .command('status')
    .description('the checkpoint of each register at a glance: days per month, rows, the newest complete day, the last run')
    .option('--json', 'print the stable JSON shape documented in the README', false)
    .addOption(registerOption('show'))
    .action((opts: { json: boolean; register?: string }) => {
      const print = (report: MirrorStatus) => {
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatuses(report)}\n`);
        return report.healthy ? EXIT_OK : 1;
      };
      const read = async (ctx: Context) =>
        print(await readStatuses(ctx.db, chosenRegisters(opts.register, ctx.config), { fetchDocuments: ctx.config.sync.fetchDocuments }));
      return run(false, read, (config) => chosenRegisters(opts.register, config), async (config) => {
        // The daemon holds the embedded database: ask it, through its ops server, for the same report.
        const url = opsEndpointOf(config.database.dataDir);
        if (!url) return null;
        const answer = await got(`${url}/status.json`, { timeout: { request: 10_000 }, retry: { limit: 0 } }).json<MirrorStatus>();
        try {
          return print(pickRegisters(answer, opts.register === undefined ? null : [opts.register]));
        } catch (error) {
          tellOperator((error as Error).message);
          return EXIT_CONFIG;
        }
      });
    });

  program
    .command('plan')
    .description('print what a sync (or a backfill) would walk per register, its requests and its time, without asking the API anything')
    .argument('[kind]', 'sync or backfill', 'sync')
    .option('--from <day>', 'backfill: first day, YYYY-MM-DD')
    .option('--to <day>', 'backfill: last day, YYYY-MM-DD')
    .option('--force', 'backfill: count days already done too', false)
    .addOption(registerOption('plan'))
    .option('--json', 'print the plan as JSON', false)
    .action((kind: string, opts: { from?: string; to?: string; force: boolean; register?: string; json: boolean }) =>
      run(false, async (ctx) => {
        const request = kind === 'backfill' ? { kind, from: opts.from!, to: opts.to!, force: opts.force } as const : { kind: 'sync' } as const;
        const report = await planReport(ctx.db, ctx.config, chosenRegisters(opts.register, ctx.config), request);
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatPlan(report)}\n`);
        return EXIT_OK;
      }, (config) => {
        if (kind !== 'sync' && kind !== 'backfill') throw new ConfigError(`plan takes sync or backfill; got "${kind}"`);
        if (kind === 'backfill') checkDays({ from: opts.from ?? '', to: opts.to ?? '' }, config, opts.register);
        else chosenRegisters(opts.register, config);
      }),
    );

  program
    .command('serve')
    .description('only serve the coverage page (/), /status.json, /metrics and /healthz on METRICS_PORT until stopped, so the mirror can be looked at while nothing syncs')
    .action(() => run(false, (ctx, signal) => serveUntilStopped(ctx, signal), (config) => {
      if (config.ops.metricsPort <= 0) throw new ConfigError('serve needs METRICS_PORT: set it to a free port (0 turns the ops server off)');
    }));

  program
    .command('codes')
    .description('fetch the register\'s code lists (/api/codes) into the codes lookup, replacing it whole; sync does this weekly')
    .action(() => run(true, (ctx, signal) => codesCommand(ctx, signal)));

  program
    .command('sql')
    .description('run a query on the configured database and print the rows')
    .argument('<query>', 'SQL, quoted')
    .option('--json', 'print rows as JSON', false)
    .action((query: string, opts: { json: boolean }) =>
      run(false, async (ctx) => {
        const rows = await ctx.db.query(query);
        process.stdout.write(opts.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatRows(rows)}\n`);
        return EXIT_OK;
      }),
    );

  program
    .command('migrate')
    .description('apply database migrations (and build any index a killed first bulk load left unbuilt) and exit')
    .action(() => run(false, async (ctx) => {
      const built = await buildDeferredIndexes(ctx.db);
      if (built.length > 0) ctx.logger.info({ indexes: built }, 'built the indexes an interrupted bulk import had deferred');
      ctx.logger.info('database schema is up to date');
      return EXIT_OK;
    }));

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_CONFIG;
    }
    throw error;
  }
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT_CONFIG;
  }
  return exitCode;
}

/** --from/--to: real days, in order, none of them today or later; and --register, if given, a register the API serves. */
function checkDays(opts: { from: string; to: string }, config: Config, register?: string): void {
  chosenRegisters(register, config);
  for (const [name, value] of [['--from', opts.from], ['--to', opts.to]] as const) {
    if (!isIsoDay(value)) throw new ConfigError(`${name} must be a real date written YYYY-MM-DD; got "${value}"`);
  }
  checkRange('--from', opts.from, '--to', opts.to, newestQueryableDay(new Date(), config.sync.timezone));
}

function deps(ctx: Context) {
  if (!ctx.api) throw new Error('this command needs the API client');
  return { db: ctx.db, api: ctx.api, config: ctx.config, logger: ctx.logger, metrics: ctx.metrics, notifier: ctx.notifier };
}

/** `--metrics` on a one-shot command: serve the ops endpoints on METRICS_PORT while it runs. */
async function withOps<T>(ctx: Context, enabled: boolean, work: () => Promise<T>): Promise<T> {
  const ops = enabled ? await serveOps(ctx, () => true) : null;
  try {
    return await work();
  } finally {
    await ops?.close();
  }
}

/** Config → logger → context → action → ordered close; every failure becomes one line and an exit code. */
async function execute(
  env: NodeJS.ProcessEnv,
  needsApi: boolean,
  action: Action,
  precheck?: (config: Config) => void,
  inUse?: InUse,
): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env, { requireToken: needsApi });
    precheck?.(config);
  } catch (error) {
    tellOperator((error as Error).message);
    return EXIT_CONFIG;
  }
  const logger = createLogger(config.logLevel);
  const shutdown = installShutdown(logger);
  let ctx: Context | null = null;
  try {
    ctx = await openContext(config, logger, { api: needsApi, signal: shutdown.signal });
    return await action(ctx, shutdown.signal);
  } catch (error) {
    const err = error as Error & { code?: string };
    if (ctx === null && inUse && hasCode(error, 'DB_IN_USE')) {
      const code = await inUse(config).catch((e: Error) => {
        logger.warn({ err: { message: e.message } }, 'the process holding the database did not answer');
        return null;
      });
      if (code !== null) return code;
    }
    logger.error({ err: { name: err.name, code: err.code, message: err.message } }, err.message);
    // Whatever LOG_LEVEL says: the command is ending on this, and the operator must see why.
    tellOperator(err.message);
    return exitCodeForError(error);
  } finally {
    await ctx?.close().catch((err: Error) => logger.warn({ err: { message: err.message } }, 'closing the database failed'));
    shutdown.dispose();
    logger.flush();
  }
}
