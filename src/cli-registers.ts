/**
 * The command line's `--register R`: the commands that act on registers (backfill, sync, documents,
 * import-bulk, status) act on every register EPC_REGISTERS keeps, or on R alone. R must be a register
 * the API serves; it need not be one the mirror keeps (a one-off backfill of another register).
 */
import { join } from 'node:path';
import { Option } from 'commander';
import { downloadBulkFile } from './bulk/download.js';
import { importBulkFile, type ImportReport } from './bulk/import.js';
import { parseRegister } from './config/registers.js';
import { REGISTERS, type Config, type Register } from './config/types.js';
import type { Context } from './context.js';
import { ConfigError } from './errors.js';
import { EXIT_OK } from './exit-codes.js';
import { tellOperator } from './operator.js';
import { inTurn } from './sync/registers.js';

export const registerOption = (what: string) =>
  new Option('--register <register>', `${what} this register only (${REGISTERS.join(', ')}); default every register in EPC_REGISTERS`);

/** `--register R` as [R], or the registers the mirror keeps; a name the API does not serve is a bad setting (exit 2). */
export function chosenRegisters(register: string | undefined, config: Config): readonly Register[] {
  return register === undefined ? config.sync.registers : [parseRegister('--register', register)];
}

/** `import-bulk --file` imports one register's file: `--register`, or the one register the mirror keeps. */
export function importRegisters(opts: { file?: string | undefined; register?: string | undefined }, config: Config): readonly Register[] {
  const registers = chosenRegisters(opts.register, config);
  if (opts.file !== undefined && registers.length !== 1) {
    throw new ConfigError(`import-bulk --file imports one register's file, and EPC_REGISTERS keeps ${registers.join(', ')}: add --register with the file's register`);
  }
  return registers;
}

export interface ImportBulkOptions {
  file?: string | undefined;
  force: boolean;
}

/**
 * `import-bulk`: each register's latest file downloaded and imported in turn (or the one `--file`),
 * one JSON report per line on stdout. A register whose import fails or throws does not stop the next;
 * the first error thrown is thrown again at the end, as with one register.
 */
export async function importBulkFiles(ctx: Context, registers: readonly Register[], opts: ImportBulkOptions, signal: AbortSignal): Promise<number> {
  const turns = await inTurn(registers, ctx.logger, signal, 'bulk import', async (register) => {
    const report = await importOne(ctx, register, ctx.logger.child({ register }), opts, signal);
    process.stdout.write(`${JSON.stringify({ register, ...report })}\n`);
    if (report.outcome === 'failed') tellOperator(`bulk import of the ${register} file failed: ${report.error ?? 'see the log'}`);
    return report;
  });
  return turns.every(({ result }) => result.outcome === 'succeeded' || result.outcome === 'skipped') ? EXIT_OK : 1;
}

async function importOne(ctx: Context, register: Register, logger: Context['logger'], opts: ImportBulkOptions, signal: AbortSignal): Promise<ImportReport> {
  let path = opts.file;
  let lastUpdated: string | null = null;
  if (!path) {
    if (!ctx.api) throw new Error('downloading needs the API client');
    const file = await downloadBulkFile(ctx.api, register, join(ctx.config.database.dataDir, 'bulk'), logger, signal);
    path = file.path;
    lastUpdated = file.info.lastUpdated;
  }
  return importBulkFile({ db: ctx.db, config: ctx.config, logger, metrics: ctx.metrics, register }, path, { force: opts.force, lastUpdated, signal });
}
