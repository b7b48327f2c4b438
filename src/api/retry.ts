/**
 * The one place that decides whether a failed API attempt is retried and after how long. Pure: the
 * random source and the clock are parameters, so every rule has a unit test. The wait itself is the
 * shared `backoffDelay`.
 */
import { backoffDelay } from '../backoff.js';

/** What happened to one attempt, as far as retrying is concerned. */
export type AttemptOutcome =
  | { kind: 'status'; status: number; retryAfter?: string | undefined }
  | { kind: 'network'; code: string }
  | { kind: 'timeout' }
  | { kind: 'bad-body'; detail: string };

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = { baseDelayMs: 500, maxDelayMs: 30_000 };

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/**
 * @param attempt how many attempts have been made so far (1 after the first failure).
 */
export function decideRetry(
  outcome: AttemptOutcome,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  now: number = Date.now(),
): RetryDecision {
  const reason = describeOutcome(outcome);
  if (outcome.kind === 'status' && !RETRYABLE_STATUS.has(outcome.status)) {
    return { retry: false, reason: `${reason} is not retryable` };
  }
  if (attempt > policy.maxRetries) {
    return { retry: false, reason: `${reason}; gave up after ${attempt} attempts` };
  }
  const retryAfter = outcome.kind === 'status' ? parseRetryAfter(outcome.retryAfter, now) : undefined;
  if (retryAfter !== undefined) {
    return { retry: true, delayMs: Math.min(retryAfter, policy.maxDelayMs), reason: `${reason} (Retry-After)` };
  }
  return { retry: true, delayMs: backoffDelay(attempt, policy, random), reason };
}

/** Why an attempt failed, as a stable label (for metrics and for telling an unreachable host apart). */
export type OutcomeClass = 'rate_limited' | 'server_error' | 'client_error' | 'connection' | 'timeout' | 'bad_body';

export function classifyOutcome(outcome: AttemptOutcome): OutcomeClass {
  switch (outcome.kind) {
    case 'status':
      return outcome.status === 429 ? 'rate_limited' : outcome.status >= 500 ? 'server_error' : 'client_error';
    case 'network':
      return 'connection';
    case 'timeout':
      return 'timeout';
    case 'bad-body':
      return 'bad_body';
  }
}

/** Retry-After is either delta-seconds or an HTTP date; anything else is ignored. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export function describeOutcome(outcome: AttemptOutcome): string {
  switch (outcome.kind) {
    case 'status':
      return `HTTP ${outcome.status}`;
    case 'network':
      return `connection failed (${outcome.code})`;
    case 'timeout':
      return 'timed out';
    case 'bad-body':
      return `unreadable response (${outcome.detail})`;
  }
}
