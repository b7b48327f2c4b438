/**
 * Waits out a database outage, or a deadlock between two of our writers: an operation that failed on
 * a lost or refused connection, or that the server chose as a deadlock's victim, is tried again after
 * the shared capped, jittered backoff (`backoffDelay`), logging each wait. An outage that lasts
 * `TELL_AFTER_MS` gets one line on stderr naming the database (never its password) and DATABASE_URL,
 * while the retries go on. A shutdown ends the waiting at once. Every operation passed here is safe to
 * repeat (upserts, lease-checked updates).
 */
import type { Logger } from 'pino';
import { backoffDelay } from '../backoff.js';
import { transientDbCode } from '../db/transient.js';
import { DatabaseError } from '../errors.js';
import { tellOperator } from '../operator.js';
import { waitOrStop } from '../wait.js';

export interface DbRetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface DbRetryOptions {
  logger: Logger;
  /** What the messages call the database (`Db.target`). */
  target: string;
  /** Shutdown: stop waiting, fail with DB_UNAVAILABLE. */
  signal?: AbortSignal | undefined;
  policy?: DbRetryPolicy;
}

const DEADLOCK = '40P01';

/** About five minutes of waiting in all before giving up on the database. */
export const DB_RETRY: DbRetryPolicy = { maxRetries: 14, baseDelayMs: 250, maxDelayMs: 30_000 };

/** Long enough that a server restart passes unremarked, short enough to be seen within 30 s. */
export const TELL_AFTER_MS = 10_000;

export async function withDbRetry<T>(what: string, fn: () => Promise<T>, options: DbRetryOptions): Promise<T> {
  const { logger, target, signal, policy = DB_RETRY } = options;
  let outageStarted: number | null = null;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const code = transientDbCode(error);
      if (!code) throw error;
      const unavailable = (why: string) =>
        new DatabaseError('DB_UNAVAILABLE', `${target} ${why} while ${what} (${code}); check DATABASE_URL and the server, then run again`, { cause: error });
      if (signal?.aborted) throw unavailable('was unreachable at shutdown');
      if (attempt > policy.maxRetries) throw unavailable('stayed unreachable');
      const delayMs = backoffDelay(attempt, policy);
      if (code === DEADLOCK) {
        logger.warn({ what, code, attempt, delayMs }, 'deadlock with another writer; repeating the transaction');
      } else {
        outageStarted ??= Date.now();
        logger.warn({ what, code, attempt, delayMs }, 'database unavailable; waiting to reconnect');
        if (Date.now() + delayMs - outageStarted >= TELL_AFTER_MS) {
          tellOperator(`cannot reach ${target} (${code}); check DATABASE_URL and the server. Still retrying for up to ~5 minutes.`);
        }
      }
      if (await waitOrStop(delayMs, signal)) throw unavailable('was unreachable at shutdown');
    }
  }
}
