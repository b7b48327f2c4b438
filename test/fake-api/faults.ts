/** Fault injection: random faults at configured rates (seeded), and scripted faults for exact tests. */
import { prng } from './prng.js';

export interface FaultOptions {
  rate429?: number;
  rate500?: number;
  /** Destroy the socket without answering. */
  rateDrop?: number;
  /** Send a 200's headers and part of its JSON, then cut the connection. */
  rateTruncate?: number;
  /** Answer 200 with an HTML page (a proxy's error page, say). */
  rateHtml?: number;
  /** Added latency for every request, in ms. */
  delayMs?: number;
  seed?: number;
}

export type Fault = 'status429' | 'status500' | 'drop' | 'truncate' | 'html';

export interface ScriptedFault {
  count: number;
  fault: Fault;
  /** Only requests whose path matches (default: any). */
  path?: RegExp;
}

export class Faults {
  private options: FaultOptions = {};
  private random: () => number = prng(1);
  private readonly scripted: ScriptedFault[] = [];

  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = prng(options.seed ?? 1);
  }

  get delayMs(): number {
    return this.options.delayMs ?? 0;
  }

  script(fault: ScriptedFault): void {
    this.scripted.push({ ...fault });
  }

  /** The fault for this request, if any. */
  pick(path: string): Fault | null {
    const scripted = this.scripted.find((s) => s.count > 0 && (!s.path || s.path.test(path)));
    if (scripted) {
      scripted.count -= 1;
      return scripted.fault;
    }
    const o = this.options;
    const roll = this.random();
    let edge = 0;
    for (const [rate, fault] of [
      [o.rate429, 'status429'],
      [o.rate500, 'status500'],
      [o.rateDrop, 'drop'],
      [o.rateTruncate, 'truncate'],
      [o.rateHtml, 'html'],
    ] as const) {
      edge += rate ?? 0;
      if (roll < edge) return fault;
    }
    return null;
  }
}
