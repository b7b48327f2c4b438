/**
 * Fault injection. Random faults at configured rates, drawn from a seeded PRNG (one draw per request,
 * so a run with the same seed and the same request order fails the same way), and scripted faults
 * for the next N requests matching a predicate, which deterministic tests need.
 */
import { prng } from './prng.js';

export interface FaultOptions {
  /** Probability of a bare 429 (as the WAF sends). */
  rate429?: number;
  /** Probability of the application's wrapped 500. */
  rate500?: number;
  /** Probability of destroying the socket without answering. */
  rateDrop?: number;
  /** Probability of a 200 cut short: headers and part of the JSON, then the connection ends or resets. */
  rateTruncate?: number;
  /** Probability of a 200 with an HTML body (a proxy's error page, say). */
  rateHtml?: number;
  /** Added latency for every request, in ms. */
  delayMs?: number;
  seed?: number;
}

export type Fault = 'status429' | 'status500' | 'status502' | 'status503' | 'status504' | 'drop' | 'truncate' | 'html';

/** What a scripted fault's predicate sees. */
export interface FaultRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

/**
 * The next `count` (default 1) requests that match get this fault. Give the fault as `fault`, or as
 * one of `status` / `drop` / `truncate` / `html`; `delayMs` alone just slows those requests (e.g. past
 * a client's timeout) and is not recorded as a fault. `path` and `match` narrow which requests count.
 * A truncation only applies to (and is only used up by) requests whose answer is a 200.
 */
export interface ScriptedFault {
  count?: number;
  fault?: Fault;
  status?: 429 | 500 | 502 | 503 | 504;
  drop?: boolean;
  /** true picks the mode from the PRNG; 'destroy' resets the connection, 'end' ends the body cleanly. */
  truncate?: boolean | 'destroy' | 'end';
  html?: boolean;
  delayMs?: number;
  path?: RegExp | string;
  match?: (request: FaultRequest) => boolean;
}

export interface PickedFault {
  fault: Fault | null;
  truncateMode: 'destroy' | 'end';
  delayMs: number;
  /** Give a scripted fault back when it could not be applied (a truncation on a non-200 answer). */
  refund(): void;
}

interface Script {
  left: number;
  spec: ScriptedFault;
  fault: Fault | null;
}

function faultOf(spec: ScriptedFault): Fault | null {
  if (spec.fault) return spec.fault;
  if (spec.status !== undefined) return `status${spec.status}`;
  if (spec.drop) return 'drop';
  if (spec.truncate) return 'truncate';
  if (spec.html) return 'html';
  return null;
}

export class Faults {
  private options: FaultOptions = {};
  private random: () => number = prng(1);
  private readonly scripts: Script[] = [];

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = prng(options.seed ?? 1);
  }

  script(spec: ScriptedFault): void {
    this.scripts.push({ left: spec.count ?? 1, spec: { ...spec }, fault: faultOf(spec) });
  }

  /** Scripted faults not yet used up. */
  get pending(): number {
    return this.scripts.reduce((n, s) => n + Math.max(0, s.left), 0);
  }

  clearScripts(): void {
    this.scripts.splice(0);
  }

  /** The fault (if any) and added latency for this request. Exactly one PRNG draw per request. */
  pick(request: FaultRequest): PickedFault {
    const roll = this.random();
    const baseDelay = this.options.delayMs ?? 0;
    const script = this.scripts.find((s) => s.left > 0 && matches(s.spec, request));
    if (script) {
      script.left -= 1;
      const mode = typeof script.spec.truncate === 'string' ? script.spec.truncate : roll < 0.5 ? 'destroy' : 'end';
      return { fault: script.fault, truncateMode: mode, delayMs: baseDelay + (script.spec.delayMs ?? 0), refund: () => void (script.left += 1) };
    }
    const o = this.options;
    let edge = 0;
    for (const [rate, fault] of [
      [o.rate429, 'status429'],
      [o.rate500, 'status500'],
      [o.rateDrop, 'drop'],
      [o.rateTruncate, 'truncate'],
      [o.rateHtml, 'html'],
    ] as const) {
      const from = edge;
      edge += rate ?? 0;
      if (roll < edge) {
        // Which half of its band the roll fell in picks the truncation mode: no extra draw.
        const mode = (roll - from) / (rate ?? 1) < 0.5 ? 'destroy' : 'end';
        return { fault, truncateMode: mode, delayMs: baseDelay, refund: () => undefined };
      }
    }
    return { fault: null, truncateMode: 'destroy', delayMs: baseDelay, refund: () => undefined };
  }
}

function matches(spec: ScriptedFault, request: FaultRequest): boolean {
  if (spec.path !== undefined) {
    if (typeof spec.path === 'string' ? request.path !== spec.path : !spec.path.test(request.path)) return false;
  }
  return spec.match ? spec.match(request) : true;
}
