import { describe, expect, it } from 'vitest';
import { decideRetry, parseRetryAfter } from '../../src/api/retry.js';

const policy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 8_000 };
const low = () => 0;
const high = () => 0.999_999;

describe('retry policy', () => {
  it.each([429, 500, 502, 503, 504])('retries HTTP %i', (status) => {
    expect(decideRetry({ kind: 'status', status }, 1, policy, low)).toMatchObject({ retry: true });
  });

  it.each([400, 401, 403, 404, 422, 501])('never retries HTTP %i', (status) => {
    expect(decideRetry({ kind: 'status', status }, 1, policy)).toMatchObject({ retry: false });
  });

  it('retries dropped connections, timeouts and unreadable bodies', () => {
    expect(decideRetry({ kind: 'network', code: 'ECONNRESET' }, 1, policy).retry).toBe(true);
    expect(decideRetry({ kind: 'timeout' }, 1, policy).retry).toBe(true);
    expect(decideRetry({ kind: 'bad-body', detail: 'not JSON' }, 1, policy).retry).toBe(true);
  });

  it('grows exponentially with jitter between half and all of the step, and caps', () => {
    const delays = (random: () => number) =>
      [1, 2, 3, 4, 5].map((a) => {
        const d = decideRetry({ kind: 'status', status: 503 }, a, policy, random);
        return d.retry ? d.delayMs : -1;
      });
    expect(delays(low)).toEqual([250, 500, 1000, 2000, 4000]);
    expect(delays(high)).toEqual([500, 1000, 2000, 4000, 8000]);
    const capped = decideRetry({ kind: 'timeout' }, 5, { ...policy, maxDelayMs: 3000 }, high);
    expect(capped).toMatchObject({ retry: true, delayMs: 3000 });
  });

  it('stops after maxRetries and says so', () => {
    const d = decideRetry({ kind: 'status', status: 500 }, 6, policy);
    expect(d).toEqual({ retry: false, reason: 'HTTP 500; gave up after 6 attempts' });
  });

  it('honours Retry-After in seconds or as a date, capped', () => {
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '3' }, 1, policy)).toMatchObject({ retry: true, delayMs: 3000 });
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(decideRetry({ kind: 'status', status: 503, retryAfter: 'Tue, 24 Nov 2026 10:00:05 GMT' }, 1, policy, low, now)).toMatchObject({ delayMs: 5000 });
    expect(decideRetry({ kind: 'status', status: 429, retryAfter: '3600' }, 1, policy)).toMatchObject({ delayMs: 8000 });
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
