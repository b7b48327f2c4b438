/**
 * Refreshing the codes lookup: every attribute `/api/codes` lists, each one's `/api/codes/info`
 * answer, stored whole in one transaction. `epc-sync codes` asks for it; the sync asks for it when the
 * lookup is empty or older than a week, and goes on without it if the API cannot give it.
 */
import type { Logger } from 'pino';
import type { CodeEntry } from '../api/codes.js';
import type { Db } from '../db/client.js';
import { codesFetchedAt, replaceCodes } from '../db/codes.js';
import { ApiError } from '../errors.js';
import { codesStale, lookupRows, type CodesReport } from './parse.js';

export type { CodesReport };

/** What the refresh needs from the API client. */
export interface CodesApi {
  codes(signal?: AbortSignal): Promise<string[]>;
  codeValues(attribute: string, signal?: AbortSignal): Promise<CodeEntry[]>;
}

export interface CodesDeps {
  db: Db;
  api: CodesApi;
  logger: Logger;
}

/** Fetches the whole lookup and replaces the stored one; throws, leaving the stored one, if any request fails. */
export async function refreshCodes(deps: CodesDeps, signal?: AbortSignal, now = new Date()): Promise<CodesReport> {
  const { db, api, logger } = deps;
  const attributes = await api.codes(signal);
  // The client's limiter paces these like any other requests (about 17 of them).
  const answers = await Promise.all(attributes.map(async (attribute) => ({ attribute, entries: await api.codeValues(attribute, signal) })));
  const { rows, skipped, report } = lookupRows(answers);
  if (rows.length === 0) {
    // An answer like that is a fault of the moment: emptying the lookup would undo every decoded field.
    throw new ApiError(
      'API_BAD_RESPONSE',
      `the EPB API listed ${attributes.length} coded attributes but no values for any of them; the codes lookup was left as it was (run epc-sync codes again later)`,
    );
  }
  if (skipped.length > 0) logger.warn({ skipped: skipped.length, first: skipped.slice(0, 5) }, 'code values the API sent that could not be read were left out of the lookup');
  await replaceCodes(db, rows, now);
  logger.info(report, 'codes lookup replaced');
  return report;
}

/**
 * The sync's weekly refresh. It never fails the sync: a lookup that could not be refreshed is the one
 * the views already decode with, and the next sync tries again.
 */
export async function refreshCodesIfStale(deps: CodesDeps, signal?: AbortSignal, now = new Date()): Promise<CodesReport | null> {
  try {
    if (!codesStale(await codesFetchedAt(deps.db), now)) return null;
    deps.logger.info('the codes lookup is empty or older than a week: refreshing it');
    return await refreshCodes(deps, signal, now);
  } catch (error) {
    if (signal?.aborted) return null;
    const err = error as Error & { code?: string };
    deps.logger.warn(
      { err: { name: err.name, code: err.code, message: err.message } },
      'the codes lookup was not refreshed: the sync goes on with the lookup it has, and the next sync tries again',
    );
    return null;
  }
}
