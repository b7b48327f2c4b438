/**
 * Waits out a database outage: an operation that failed on a lost or refused connection is tried
 * again with the same capped, jittered backoff the API client uses (`decideRetry`), logging each
 * wait. Every operation passed here is safe to repeat (upserts, lease-checked updates).
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
      logger.warn({ what, code, attempt, delayMs: decision.delayMs }, 'database unavailable; waiting to reconnect');
      await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    }
  }
}
