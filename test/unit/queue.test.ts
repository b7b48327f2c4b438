import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/sync/queue.js';

describe('bounded queue between walkers and the writers', () => {
  it('holds producers back when full, and delivers everything in order', async () => {
    const queue = new BoundedQueue<number>(2);
    let pushed = 0;
    const producer = (async () => {
      for (let i = 0; i < 10; i += 1) {
        await queue.push(i);
        pushed += 1;
      }
      queue.close();
    })();
    await new Promise((r) => setTimeout(r, 20));
    // Nothing consumed yet: only `capacity` items got in.
    expect(pushed).toBe(2);
    expect(queue.depth).toBe(2);
    const seen: number[] = [];
    for await (const item of queue) {
      seen.push(item);
      expect(queue.depth).toBeLessThanOrEqual(2);
    }
    await producer;
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('ends a waiting consumer on close', async () => {
    const queue = new BoundedQueue<number>(1);
    const consumed = (async () => {
      const out: number[] = [];
      for await (const x of queue) out.push(x);
      return out;
    })();
    await queue.push(1);
    queue.close();
    expect(await consumed).toEqual([1]);
  });

  it('hands each item to exactly one of several consumers, and ends them all on close', async () => {
    const queue = new BoundedQueue<number>(2);
    const consumer = async () => {
      const out: number[] = [];
      for await (const x of queue) {
        out.push(x);
        await new Promise((r) => setTimeout(r, x % 3)); // uneven work, as days are
      }
      return out;
    };
    const consumers = [consumer(), consumer(), consumer()];
    for (let i = 0; i < 30; i += 1) await queue.push(i);
    queue.close();
    const got = await Promise.all(consumers);
    expect(got.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(got.filter((out) => out.length > 0).length).toBeGreaterThan(1);
  });
});
