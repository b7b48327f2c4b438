/**
 * How long to wait before attempt `attempt + 1`, for anything retried (API requests, database
 * operations). Pure: the random source is a parameter.
 *
 * "Equal jitter": half the capped exponential step is fixed, half random. The fixed half keeps a floor
 * under the wait (a 429 answered at once would only earn another 429); the random half keeps workers
 * that failed together from retrying together.
 */
export interface Backoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** @param attempt how many attempts have been made so far (1 after the first failure). */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
