/** The fake is only useful if it behaves like the real service on every point the client relies on. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TOKEN, generateDay, startFakeApi, type FakeApi } from './index.js';

const DAY = '2026-10-01';

describe('fake EPB API', () => {
  let api: FakeApi;
  const get = async (path: string, token = FAKE_TOKEN) => {
    const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), retryAfter: res.headers.get('retry-after') };
  };
  const search = (query: string) => get(`/api/domestic/search?${query}`);

  beforeEach(async () => {
    api = await startFakeApi({ today: () => '2026-11-24', rateLimit: { limit: 5, windowMs: 1000 } });
    api.store.addCertificates(generateDay(DAY, 12_000, { seed: 1 }));
  });
  afterEach(() => api.close());

  it('answers a malformed header with 403 text and an unknown token with 403 JSON', async () => {
    expect(await get('/api/domestic/search?date_start=2026-10-01&date_end=2026-10-01', 'short')).toMatchObject({ status: 403, text: 'Access denied. Bad authentication header.' });
    const unknown = await get('/api/domestic/search?date_start=2026-10-01&date_end=2026-10-01', 'Q'.repeat(64));
    expect(unknown.status).toBe(403);
    expect(JSON.parse(unknown.text)).toEqual({ errors: [{ code: 'UNAUTHORISED', title: 'You are not authenticated' }] });
  });

  it('wraps error bodies and tells an empty day (JSON 404) from a wrong path (HTML 404)', async () => {
    expect(JSON.parse((await search('postcode=')).text)).toEqual({ data: { error: 'The search query was invalid - please provide a valid date range or search parameter' } });
    const empty = await search('date_start=2026-10-02&date_end=2026-10-02');
    expect([empty.status, empty.type]).toEqual([404, expect.stringContaining('application/json')]);
    expect(JSON.parse(empty.text)).toEqual({ data: { error: 'No certificates could be found for that query' } });
    const wrong = await get('/api/domestic/serch');
    expect([wrong.status, wrong.type]).toEqual([404, 'text/html']);
  });

  it('refuses today, reversed dates and out-of-range pages with 400', async () => {
    expect(JSON.parse((await search('date_start=2026-11-24&date_end=2026-11-24')).text).data.error).toMatch(/cannot include today/);
    expect((await search('date_start=2026-10-02&date_end=2026-10-01')).status).toBe(400);
    expect(JSON.parse((await search('date_start=2026-10-01&date_end=2026-10-01&current_page=4')).text).data.error).toMatch(/page number 4 is out of range/);
    // (the limit of 5 per second is now spent)
  });

  it('pages a 12,000-row day with overlaps and gaps, while a band of at most one page comes back whole', async () => {
    const fresh = await startFakeApi({ today: () => '2026-11-24', rateLimit: false });
    try {
      fresh.store.addCertificates(generateDay(DAY, 12_000, { seed: 1 }));
      const page = async (query: string) => {
        const res = await fetch(`${fresh.url}/api/domestic/search?date_start=${DAY}&date_end=${DAY}&${query}`, { headers: { authorization: `Bearer ${FAKE_TOKEN}` } });
        return (await res.json()) as { data: Array<{ certificateNumber: string }>; pagination: { totalRecords: number; totalPages: number } };
      };
      const pages = await Promise.all([1, 2, 3].map((p) => page(`current_page=${p}`)));
      expect(pages[0]!.pagination).toMatchObject({ totalRecords: 12_000, totalPages: 3 });
      const seen = new Set(pages.flatMap((p) => p.data.map((r) => r.certificateNumber)));
      expect(seen.size).toBeLessThan(12_000);
      expect((await page('current_page=1')).data).toEqual(pages[0]!.data);

      const bandE = await page('efficiency_rating[]=E');
      const expectedE = fresh.store.rowsForDay(DAY).filter((r) => r.currentEnergyEfficiencyBand === 'E').map((r) => r.certificateNumber).sort();
      expect(bandE.pagination.totalRecords).toBeLessThanOrEqual(5000);
      expect(bandE.data.map((r) => r.certificateNumber).sort()).toEqual(expectedE);
    } finally {
      await fresh.close();
    }
  });

  it('rate-limits with a bare 429 and no Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 7; i += 1) answers.push(await search(`date_start=${DAY}&date_end=${DAY}&page_size=1`));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBe(2);
    expect(limited[0]).toMatchObject({ text: '', retryAfter: null });
  });

  it('hides a row loaded today until tomorrow', async () => {
    const [late] = generateDay('2026-10-03', 1, { seed: 5 });
    api.store.addCertificates([late!], { createdAt: '2026-11-24' });
    expect(api.store.rowsForDay('2026-10-03')).toEqual([]);
    api.setToday('2026-11-25');
    expect(api.store.rowsForDay('2026-10-03')).toEqual([late]);
  });
});
