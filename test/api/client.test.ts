/** The API client against the project's fake API (a real HTTP server on loopback). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiClient, type ApiClient } from '../../src/api/index.js';
import type { ApiConfig } from '../../src/config/types.js';
import { FAKE_TOKEN, generateDay, startFakeApi, type FakeApi } from '../fake-api/index.js';
import { isFatal, stopsRun } from '../../src/errors.js';
import { memoryLogger } from '../helpers/harness.js';
import { closedPort, serveHtml } from '../helpers/servers.js';

const DAY = '2026-10-01';

describe('EPB API client', () => {
  let api: FakeApi;
  let client: ApiClient | null = null;
  let logs: string[];

  const open = (overrides: Partial<ApiConfig> = {}) => {
    const { logger, lines } = memoryLogger();
    logs = lines;
    const config: ApiConfig = {
      baseUrl: api.url, token: FAKE_TOKEN, requestsPerSecond: 200, concurrency: 4, timeoutMs: 5000, maxRetries: 4, pageSize: 5000,
      ...overrides,
    };
    client = createApiClient(config, { logger, retry: { baseDelayMs: 20, maxDelayMs: 100 } });
    return client;
  };
  const query = { register: 'domestic' as const, day: DAY, page: 1, pageSize: 5000 };

  beforeEach(async () => {
    api = await startFakeApi({ rateLimit: false });
    api.store.addCertificates(generateDay(DAY, 25, { seed: 1 }));
  });
  afterEach(async () => {
    await client?.stop();
    client = null;
    await api.close();
  });

  it('retries a 429, a 500, a dropped connection, a truncated body and an HTML 200, then returns the page', async () => {
    for (const fault of ['status429', 'status500', 'drop', 'truncate', 'html'] as const) api.failNext({ count: 1, fault });
    const result = await open({ maxRetries: 5 }).searchDay(query);
    expect(result).toMatchObject({ kind: 'page', totalRecords: 25 });
    expect(api.requests).toHaveLength(6);
    const retries = logs.map((l) => JSON.parse(l) as { msg: string; reason?: string }).filter((l) => l.msg === 'retrying request');
    expect(retries.map((r) => r.reason)).toEqual([
      'HTTP 429',
      'HTTP 500',
      expect.stringMatching(/^connection failed/),
      expect.stringMatching(/^connection failed|unreadable response/),
      'unreadable response (not JSON)',
    ]);
  });

  it('reads an empty day from the JSON 404', async () => {
    expect(await open().searchDay({ ...query, day: '2026-10-02' })).toEqual({ kind: 'empty' });
  });

  it.each([
    ['a malformed token (403 text from the CDN)', 'not-a-token'],
    ['an unknown token (403 JSON from the service)', 'Q'.repeat(64)],
  ])('stops at once on %s, naming EPC_API_TOKEN, after exactly one request', async (_name, token) => {
    const error = await open({ token }).searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ApiError', code: 'API_FORBIDDEN', status: 403 });
    expect((error as Error).message).toMatch(/EPC_API_TOKEN/);
    expect(api.requests).toHaveLength(1);
  });

  it('tells a wrong base URL (HTML 404) apart from an empty day', async () => {
    const error = await open({ baseUrl: `${api.url}/wrong` }).searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_WRONG_PATH' });
    expect((error as Error).message).toMatch(/EPC_API_BASE_URL/);
  });

  it('says so, by its own code, when the API has not closed the day yet, and does not retry it', async () => {
    api.setToday(DAY);
    const error = await open().searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_DAY_NOT_OVER', status: 400 });
    expect((error as Error).message).toMatch(/cannot include today/);
    expect(api.requests).toHaveLength(1);
  });

  it('gives up after EPC_MAX_RETRIES and says how often it tried', async () => {
    api.failNext({ count: 10, fault: 'status500' });
    const error = await open({ maxRetries: 2 }).searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/after 3 attempts \(last: HTTP 500\)/);
    expect(api.requests).toHaveLength(3);
  });

  it('names EPC_API_BASE_URL when the base URL answers HTML (a web site, not the API), and stops', async () => {
    const site = await serveHtml();
    try {
      const error = await open({ baseUrl: site.url, maxRetries: 2 }).searchDay(query).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'API_WRONG_PATH' });
      expect(isFatal(error)).toBe(true);
      expect((error as Error).message).toMatch(/answers HTML.*EPC_API_BASE_URL/);
    } finally {
      await site.close();
    }
  });

  it('names the host and EPC_API_BASE_URL when the host never answers, and stops the run', async () => {
    const closed = await closedPort();
    const error = await open({ baseUrl: `http://127.0.0.1:${closed}`, maxRetries: 1 }).searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_UNREACHABLE' });
    expect(stopsRun(error)).toBe(true);
    expect(isFatal(error)).toBe(false); // the daemon tries again at its next run
    expect((error as Error).message).toContain(`127.0.0.1:${closed} does not answer`);
    expect((error as Error).message).toContain('EPC_API_BASE_URL');
  });

  it('treats one silent request after the API has answered as an outage of that request, not a wrong host', async () => {
    const c = open({ maxRetries: 1 });
    await c.searchDay(query);
    api.failNext({ count: 2, fault: 'drop' });
    const error = await c.searchDay(query).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'API_UNAVAILABLE' });
  });

  it('never lets the token into an error or a log line', async () => {
    api.failNext({ count: 10, fault: 'drop' });
    const c = open({ maxRetries: 2 });
    const dropped = await c.searchDay(query).catch((e: unknown) => e);
    const forbidden = await createApiClient({ baseUrl: api.url, token: 'W'.repeat(64), requestsPerSecond: 50, concurrency: 1, timeoutMs: 2000, maxRetries: 0, pageSize: 5000 }, { logger: memoryLogger().logger })
      .searchDay(query)
      .catch((e: unknown) => e);
    for (const error of [dropped, forbidden]) {
      const e = error as Error & { cause?: Error };
      const text = [e.message, e.stack, JSON.stringify(e), e.cause?.message, e.cause?.stack, JSON.stringify(e.cause)].join('\n');
      expect(text).not.toContain(FAKE_TOKEN);
      expect(text).not.toContain('W'.repeat(64));
    }
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(FAKE_TOKEN);
  });

  it('slows every worker down after a 429 (shared cooldown), instead of each hammering on', async () => {
    api.failNext({ count: 1, fault: 'status429' });
    const c = open({ concurrency: 4 });
    await Promise.all(Array.from({ length: 6 }, () => c.searchDay(query)));
    const rejected = api.requests.find((r) => r.status === 429)!;
    const after = api.requests.filter((r) => r.time > rejected.time);
    expect(after.length).toBeGreaterThanOrEqual(6);
    // The first cooldown step is one second; requests already on the wire may land just after the 429.
    const late = after.filter((r) => r.time - rejected.time > 50);
    expect(Math.min(...late.map((r) => r.time - rejected.time))).toBeGreaterThanOrEqual(900);
  });
});
