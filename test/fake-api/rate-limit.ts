/**
 * The WAF's rate-based rule: at most `limit` requests in any `windowMs`, per client IP + Authorization
 * header. A sliding log, so a burst at the edge of a fixed window cannot double the rate. Every
 * request that reaches the rule counts, refused ones included (the WAF counts what it sees, so a
 * client that keeps hammering stays blocked).
 */

export interface RateLimit {
  limit: number;
  windowMs: number;
}

interface Log {
  times: number[];
  /** Index of the oldest time still inside the window (the array is compacted now and then). */
  head: number;
}

export class SlidingWindowLimiter {
  private readonly logs = new Map<string, Log>();

  constructor(private readonly rule: RateLimit) {
    if (!(rule.limit >= 0) || !(rule.windowMs > 0)) throw new Error(`bad rate limit ${JSON.stringify(rule)}`);
  }

  /** Counts one request at `now` (ms) for `key`; true when it is within the limit. */
  hit(key: string, now: number): boolean {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = { times: [], head: 0 }));
    const { times } = log;
    while (log.head < times.length && times[log.head]! <= now - this.rule.windowMs) log.head += 1;
    if (log.head > 1024 && log.head * 2 > times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    times.push(now);
    return times.length - log.head <= this.rule.limit;
  }

  /** Requests counted for `key` within the window ending at `now`. */
  count(key: string, now: number): number {
    const log = this.logs.get(key);
    if (!log) return 0;
    return log.times.slice(log.head).filter((t) => t > now - this.rule.windowMs).length;
  }

  reset(): void {
    this.logs.clear();
  }
}
