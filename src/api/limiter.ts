/**
 * Every request attempt (retries included) passes through here. bottleneck caps the requests in
 * flight and spaces their starts so that no sliding one-second window holds more than the configured
 * rate. A shared cooldown makes a 429 slow down every worker, not just the one that got it.
 */
import Bottleneck from 'bottleneck';
import { AbortedError } from '../errors.js';
import { wait } from '../wait.js';

export interface LimiterOptions {
  requestsPerSecond: number;
  concurrency: number;
  /** Longest pause one burst of 429s can impose on everyone. */
  maxCooldownMs?: number;
}

export interface LimiterStats {
  started: number;
  rateLimited: number;
  cooldownMs: number;
}

const SKIPPED = Symbol('skipped');
// A few ms on top of 1000/rps per start: timer and network jitter can pull two starts closer together
// on the wire than they left here, and the ceiling holds for any window, not just on average.
const SPACING_MARGIN_MS = 5;

export class RequestLimiter {
  private readonly bottleneck: Bottleneck;
  private readonly maxCooldownMs: number;
  private notBefore = 0;
  private penaltyMs = 0;
  private readonly counters = { started: 0, rateLimited: 0 };

  constructor(options: LimiterOptions) {
    this.maxCooldownMs = options.maxCooldownMs ?? 60_000;
    this.bottleneck = new Bottleneck({
      maxConcurrent: options.concurrency,
      minTime: Math.ceil(1000 / options.requestsPerSecond) + SPACING_MARGIN_MS,
    });
  }

  /** Runs `fn` when the rate, the concurrency cap and any cooldown allow. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (;;) {
      await sleepUntil(this.notBefore, signal);
      const result = await this.bottleneck.schedule(async () => {
        throwIfAborted(signal);
        // A 429 came in while this job waited in the queue: go back and wait out the cooldown.
        if (Date.now() < this.notBefore) return SKIPPED;
        this.counters.started += 1;
        return { value: await fn() };
      });
      if (result !== SKIPPED) return result.value;
    }
  }

  /** A 429: everyone pauses, longer each time it happens again soon. */
  noteRateLimited(): void {
    this.counters.rateLimited += 1;
    this.penaltyMs = Math.min(this.maxCooldownMs, this.penaltyMs === 0 ? 1000 : this.penaltyMs * 2);
    this.notBefore = Math.max(this.notBefore, Date.now() + this.penaltyMs);
  }

  /** A success lets the penalty decay, so one old 429 does not slow the run for ever. */
  noteSuccess(): void {
    if (this.penaltyMs > 0) this.penaltyMs = Math.floor(this.penaltyMs / 2) < 250 ? 0 : Math.floor(this.penaltyMs / 2);
  }

  stats(): LimiterStats {
    return { ...this.counters, cooldownMs: Math.max(0, this.notBefore - Date.now()) };
  }

  async stop(): Promise<void> {
    await this.bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

function sleepUntil(at: number, signal?: AbortSignal): Promise<void> {
  return wait(at - Date.now(), signal);
}
