/** `epc-sync codes`: refresh the codes lookup now and print what it holds (a JSON line on stdout). */
import type { Context } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { refreshCodes } from './refresh.js';

export async function codesCommand(ctx: Context, signal: AbortSignal): Promise<number> {
  if (!ctx.api) throw new Error('this command needs the API client');
  const report = await refreshCodes({ db: ctx.db, api: ctx.api, logger: ctx.logger }, signal);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return EXIT_OK;
}
