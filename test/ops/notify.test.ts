/** The webhook against a real local HTTP receiver: what is posted, how often, and what is logged. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier, type RunFailedInfo } from '../../src/ops/notify.js';
import { memoryLogger } from './support.js';

interface Receiver {
  url: string;
  posts: Array<Record<string, unknown>>;
  /** Method and content type of every request that reached it. */
  requests: string[];
  /** What the receiver does with the next requests. */
  mode: 'ok' | 'error' | 'hang';
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const posts: Array<Record<string, unknown>> = [];
  const receiver: Receiver = { url: '', posts, requests: [], mode: 'ok', close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      receiver.requests.push(`${req.method} ${req.headers['content-type']}`);
      if (receiver.mode === 'hang') return;
      if (receiver.mode === 'error') {
        res.writeHead(500).end('no');
        return;
      }
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The path and query stand in for the secret part of a real hook URL.
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/T0KEN-s3cret?sig=abc123`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

const failed: RunFailedInfo = { runId: 7, kind: 'sync', outcome: 'failed', error: 'the EPB API did not answer', register: 'domestic' };
const lag = (daysBehind: number | null) => ({ register: 'domestic', daysBehind, threshold: 2, newestDoneDay: '2026-11-20' });

describe('failure and lag webhook', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('posts once per failed run, however often or concurrently the same run is reported', async () => {
    const { logger } = memoryLogger();
    const notifier = createNotifier({ url: receiver.url, logger, now: () => new Date('2026-11-24T03:00:00Z') });
    await notifier.runFailed(failed);
    await notifier.runFailed(failed);
    await Promise.all([notifier.runFailed({ ...failed, runId: 8 }), notifier.runFailed({ ...failed, runId: 8 })]);
    await notifier.runFailed({ ...failed, runId: 7, outcome: 'incomplete' });

    expect(receiver.requests).toEqual(['POST application/json', 'POST application/json']);
    expect(receiver.posts.map((p) => [p.event, p.runId])).toEqual([
      ['run_failed', 7],
      ['run_failed', 8],
    ]);
    expect(receiver.posts[0]).toEqual({
      event: 'run_failed',
      register: 'domestic',
      message: 'epc-sync sync run #7 ended failed: the EPB API did not answer',
      runId: 7,
      kind: 'sync',
      outcome: 'failed',
      error: 'the EPB API did not answer',
      at: '2026-11-24T03:00:00.000Z',
    });
  });

  it('posts once per lag crossing, and again only after the lag has recovered', async () => {
    const notifier = createNotifier({ url: receiver.url, logger: memoryLogger().logger });
    // 3: crossed. 4, 5: still over. 2: at the threshold, recovered. 6: crossed again. null: still over.
    for (const days of [1, 3, 4, 5, 2, 6, null]) await notifier.lagExceeded(lag(days));
    expect(receiver.posts.map((p) => [p.event, p.daysBehind])).toEqual([
      ['lag_exceeded', 3],
      ['lag_exceeded', 6],
    ]);
    expect(receiver.posts[0]).toMatchObject({ register: 'domestic', threshold: 2, newestDoneDay: '2026-11-20', message: expect.stringMatching(/3 days behind/), at: expect.any(String) });

    // Registers are tracked apart; no complete day at all counts as lagging.
    await notifier.lagExceeded({ ...lag(null), register: 'display' });
    expect(receiver.posts.at(-1)).toMatchObject({ event: 'lag_exceeded', register: 'display', daysBehind: null, message: expect.stringMatching(/no complete day/) });
    expect(receiver.posts).toHaveLength(3);
  });

  it('never throws and never logs the URL beyond its origin; a delivery that failed is tried again next time', async () => {
    const { logger, lines } = memoryLogger();
    const notifier = createNotifier({ url: receiver.url, logger, timeoutMs: 200 });

    receiver.mode = 'error';
    await expect(notifier.runFailed(failed)).resolves.toBeUndefined();
    receiver.mode = 'hang';
    const t0 = Date.now();
    await expect(notifier.lagExceeded(lag(5))).resolves.toBeUndefined();
    expect(Date.now() - t0).toBeLessThan(2000);
    await receiver.close();
    await expect(notifier.runFailed({ ...failed, runId: 9 })).resolves.toBeUndefined();

    const log = lines.join('\n');
    expect(log).toMatch(/notification webhook refused the post/);
    expect(log).toMatch(/notification webhook unreachable/);
    expect(log).toContain(new URL(receiver.url).origin);
    expect(log).not.toMatch(/T0KEN|s3cret|sig=|abc123|\/hooks/);

    // The receiver is back: the run and the crossing that were never delivered are delivered now, once.
    const again = await startReceiver();
    try {
      const second = createNotifier({ url: again.url, logger });
      again.mode = 'error';
      await second.runFailed(failed);
      await second.lagExceeded(lag(5));
      again.mode = 'ok';
      await second.runFailed(failed);
      await second.runFailed(failed);
      await second.lagExceeded(lag(5));
      await second.lagExceeded(lag(6));
      expect(again.posts.map((p) => p.event)).toEqual(['run_failed', 'lag_exceeded']);
    } finally {
      await again.close();
    }
  });

  it('does nothing without a URL, and refuses a malformed one without echoing it', async () => {
    let calls = 0;
    const fetchImpl = (async () => {
      calls++;
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const off = createNotifier({ url: undefined, logger: memoryLogger().logger, fetchImpl });
    await off.runFailed(failed);
    await off.lagExceeded(lag(9));
    expect(calls).toBe(0);

    const { logger, lines } = memoryLogger();
    const bad = createNotifier({ url: 'not a url with s3cret', logger, fetchImpl });
    await bad.runFailed(failed);
    expect(calls).toBe(0);
    expect(lines.join('\n')).toMatch(/not a valid URL/);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
