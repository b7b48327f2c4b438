/**
 * The CDN's response cache (60 s in production; off by default here): keyed on the path, the full
 * query string and the token, so asking again for the same URL within the TTL returns the very same
 * bytes, overlapping pages included, even if the register changed meanwhile.
 */
import type { Reply } from './http.js';

export class ResponseCache {
  private readonly entries = new Map<string, { expires: number; reply: Reply }>();

  constructor(private readonly ttlMs: number) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(key: string, now: number): Reply | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires > now) return entry.reply;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, reply: Reply, now: number): void {
    if (!this.enabled) return;
    // Drop expired entries now and then so a long benchmark does not keep every page in memory.
    if (this.entries.size > 10_000) for (const [k, e] of this.entries) if (e.expires <= now) this.entries.delete(k);
    this.entries.set(key, { expires: now + this.ttlMs, reply });
  }

  clear(): void {
    this.entries.clear();
  }
}
