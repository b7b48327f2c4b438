/**
 * Waits out a database outage, or a deadlock between two of our writers: an operation that failed on
 * a lost or refused connection, or that the server chose as a deadlock's victim, is tried again with
 * the same capped, jittered backoff the API client uses (`decideRetry`), logging each wait. Every
 * operation passed here is safe to repeat (upserts, lease-checked updates).
 */
import type { Logger } from 'pino';
import { decideRetry } from '../api/retry.js';
import { transientDbCode } from '../db/transient.js';
import { DatabaseError } from '../errors.js';

export interface DbRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEADLOCK = '40P01';

/** About five minutes of waiting in all before giving up on the database. */
export const DB_RETRY: DbRetryPolicy = { maxRetries: 14, baseDelayMs: 250, maxDelayMs: 30_000 };

export async function withDbRetry<T>(what: string, fn: () => Promise<T>, logger: Logger, signal?: AbortSignal, policy = DB_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const code = transientDbCode(error);
      if (!code) throw error;
      const decision = decideRetry({ kind: 'network', code }, attempt, policy);
      if (!decision.retry || signal?.aborted) {
        throw new DatabaseError('DB_UNAVAILABLE', `the database stayed unreachable while ${what} (${code}); check DATABASE_URL and the server, then run again`, { cause: error });
      }
      const why = code === DEADLOCK ? 'deadlock with another writer; repeating the transaction' : 'database unavailable; waiting to reconnect';
      logger.warn({ what, code, attempt, delayMs: decision.delayMs }, why);
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    }
  }
}
