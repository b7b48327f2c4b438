/** The fake is only useful if it behaves like the real service on every point the client relies on. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TOKEN, SEARCH_ERRORS, generateDataset, generateDay, generateRegisterDay, startFakeApi, weekdayWeighted, type FakeApi, type FakeApiOptions } from './index.js';

const TODAY = '2026-11-24';
const BUSY = '2026-10-01';
const ROW_KEYS = [
  'certificateNumber', 'addressLine1', 'addressLine2', 'addressLine3', 'addressLine4', 'postcode', 'postTown',
  'council', 'constituency', 'currentEnergyEfficiencyBand', 'registrationDate', 'uprn', 'schemaType',
];

interface Page {
  data: Array<Record<string, unknown> & { certificateNumber: string; currentEnergyEfficiencyBand: string | null }>;
  pagination: { totalRecords: number; currentPage: number; totalPages: number; nextPage: number | null; prevPage: number | null; pageSize: number };
}

async function get(api: FakeApi, path: string, authorization: string | null = `Bearer ${FAKE_TOKEN}`) {
  const res = await fetch(`${api.url}${path}`, { headers: authorization === null ? {} : { authorization } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after'), text: await res.text() };
}
const search = (api: FakeApi, query: string) => get(api, `/api/domestic/search?${query}`);
const day = (d: string, extra = '') => `date_start=${d}&date_end=${d}${extra}`;
async function page(api: FakeApi, query: string): Promise<Page> {
  const res = await search(api, query);
  expect(res.status, res.text.slice(0, 200)).toBe(200);
  return JSON.parse(res.text) as Page;
}
const errorOf = (text: string) => (JSON.parse(text) as { data: { error: string } }).data.error;

function fakeWith(options: FakeApiOptions, setup?: (api: FakeApi) => void) {
  const ref = { api: undefined as unknown as FakeApi };
  beforeAll(async () => {
    ref.api = await startFakeApi({ today: () => TODAY, rateLimit: false, ...options });
    setup?.(ref.api);
  });
  afterAll(() => ref.api.close());
  return ref;
}

describe('fake EPB API: authentication, validation and errors', () => {
  const f = fakeWith({}, (api) => api.store.addCertificates(generateDay(BUSY, 30, { seed: 3 })));

  it('answers a malformed header with 403 text at the CDN, and an unknown token with unwrapped 403 JSON', async () => {
    for (const header of [null, 'Bearer short', `Basic ${FAKE_TOKEN}`, `Bearer ${FAKE_TOKEN}!`, `Bearer ${FAKE_TOKEN}x`]) {
      const res = await get(f.api, `/api/domestic/search?${day(BUSY)}`, header);
      expect([res.status, res.type, res.text]).toEqual([403, 'text/plain', 'Access denied. Bad authentication header.']);
    }
    const unknown = await get(f.api, `/api/domestic/search?${day(BUSY)}`, `Bearer ${'Q'.repeat(64)}`);
    expect([unknown.status, unknown.type]).toEqual([403, 'application/json']);
    expect(JSON.parse(unknown.text)).toEqual({ errors: [{ code: 'UNAUTHORISED', title: 'You are not authenticated' }] });
  });

  it('wraps every 400 under data.error with the real messages', async () => {
    const cases: Array<[string, string]> = [
      ['', SEARCH_ERRORS.noFilter],
      ['date_start=2026-10-01', SEARCH_ERRORS.noFilter],
      ['council=Exeter', SEARCH_ERRORS.noFilter], // an array parameter without [] fails the schema
      ['date_start=2026-10-02&date_end=2026-10-01', SEARCH_ERRORS.dates],
      ['date_start=2026-10-01&date_end=2026-13-01', SEARCH_ERRORS.dates],
      [day(TODAY), SEARCH_ERRORS.today],
      ['date_start=2026-11-01&date_end=2026-12-31', SEARCH_ERRORS.today],
      ['postcode=NOT A POSTCODE', SEARCH_ERRORS.postcode],
      ['uprn=0', SEARCH_ERRORS.uprn],
      ['council[]=Atlantis', SEARCH_ERRORS.council],
      ['constituency[]=Atlantis', SEARCH_ERRORS.constituency],
      [day(BUSY, '&page_size=5001'), 'The requested page size 5001 is out of range. Please provide a page size between 1 and 5000'],
      [day(BUSY, '&page_size=abc'), 'The requested page size 0 is out of range. Please provide a page size between 1 and 5000'],
      [day(BUSY, '&current_page=2'), 'The requested page number 2 is out of range. Please provide a page number between 1 and 1."'],
      [day(BUSY, '&current_page=0&page_size=10'), 'The requested page number 0 is out of range. Please provide a page number between 1 and 3."'],
    ];
    for (const [query, message] of cases) {
      const res = await search(f.api, query);
      expect([query, res.status, res.type]).toEqual([query, 400, 'application/json']);
      expect(JSON.parse(res.text)).toEqual({ data: { error: message } });
    }
  });

  it('tells an empty day (JSON 404) from a wrong path or method (HTML 404)', async () => {
    const empty = await search(f.api, day('2026-10-02'));
    expect([empty.status, empty.type]).toEqual([404, 'application/json']);
    expect(JSON.parse(empty.text)).toEqual({ data: { error: 'No certificates could be found for that query' } });
    for (const path of ['/api/domestic/serch?date_start=2026-10-01&date_end=2026-10-01', '/domestic/search', '/']) {
      const wrong = await get(f.api, path);
      expect([wrong.status, wrong.type]).toEqual([404, 'text/html']);
      expect(wrong.text).toMatch(/^<!DOCTYPE html>/);
    }
    const post = await fetch(`${f.api.url}/api/domestic/search?${day(BUSY)}`, { method: 'POST', headers: { authorization: `Bearer ${FAKE_TOKEN}` } });
    expect([post.status, post.headers.get('content-type')]).toEqual([404, 'text/html']);
  });

  it('sends the 200 shape with the real key order and only the API fields', async () => {
    const [raw] = generateDay('2026-10-05', 1, { seed: 9 });
    // Extra fields (as in the Exeter sample) and createdAt must never reach the wire.
    f.api.store.addCertificates([{ ...raw!, rating: 71, floorArea: 33, transactionType: 'rental', createdAt: '2026-10-05' } as typeof raw & { createdAt: string }]);
    const res = await search(f.api, day('2026-10-05'));
    const body = JSON.parse(res.text) as Page;
    expect(Object.keys(body)).toEqual(['data', 'pagination']);
    expect(Object.keys(body.data[0]!)).toEqual(ROW_KEYS);
    expect(body.data[0]).toEqual(raw);
    expect(Object.keys(body.pagination)).toEqual(['totalRecords', 'currentPage', 'totalPages', 'nextPage', 'prevPage', 'pageSize']);
    expect(body.pagination).toEqual({ totalRecords: 1, currentPage: 1, totalPages: 1, nextPage: null, prevPage: null, pageSize: 5000 });
    const middle = await page(f.api, day(BUSY, '&page_size=10&current_page=2'));
    expect(middle.pagination).toEqual({ totalRecords: 30, currentPage: 2, totalPages: 3, nextPage: 3, prevPage: 1, pageSize: 10 });
    expect(middle.data).toHaveLength(10);
  });

  it('filters by council (any case), postcode (normalised) and uprn, without dates', async () => {
    const rows = f.api.store.rowsForDay(BUSY);
    const withUprn = rows.find((r) => r.uprn !== null)!;
    expect((await page(f.api, `uprn=${withUprn.uprn}`)).data.map((r) => r.certificateNumber)).toContain(withUprn.certificateNumber);
    const postcode = rows[0]!.postcode!;
    const byPostcode = await page(f.api, `postcode=${encodeURIComponent(postcode.toLowerCase().replace(' ', ''))}`);
    expect(byPostcode.data.every((r) => r.postcode === postcode)).toBe(true);
    const council = rows.find((r) => r.council !== null)!.council!;
    const byCouncil = await page(f.api, `${day(BUSY)}&council[]=${encodeURIComponent(council.toUpperCase())}`);
    expect(byCouncil.data.map((r) => r.certificateNumber).sort()).toEqual(rows.filter((r) => r.council === council).map((r) => r.certificateNumber));
  });

  it('answers a server error as the wrapped 500', async () => {
    f.api.failNext({ status: 500 });
    const res = await search(f.api, day(BUSY));
    expect([res.status, res.type]).toEqual([500, 'application/json']);
    expect(JSON.parse(res.text)).toEqual({ data: { errors: [{ code: expect.any(String) }] } });
  });
});

describe('fake EPB API: paging a busy day', () => {
  const f = fakeWith({ seed: 4 }, (api) => api.store.addCertificates(generateDay(BUSY, 12_000, { seed: 1 })));

  it('pages of a 12,000-row day overlap and miss rows, but totalRecords is the truth', async () => {
    const pages = await Promise.all([1, 2, 3].map((p) => page(f.api, day(BUSY, `&current_page=${p}`))));
    expect(pages.map((p) => p.data.length)).toEqual([5000, 5000, 2000]);
    expect(pages[0]!.pagination).toMatchObject({ totalRecords: 12_000, totalPages: 3 });
    const numbers = pages.flatMap((p) => p.data.map((r) => r.certificateNumber));
    const seen = new Set(numbers);
    expect(seen.size).toBeLessThan(12_000); // some rows came twice...
    expect(f.api.store.rowsForDay(BUSY).some((r) => !seen.has(r.certificateNumber))).toBe(true); // ...so others never came
    expect(numbers.every((n) => f.api.store.get(n)?.row.registrationDate === BUSY)).toBe(true);
  });

  it('gives the identical page for the identical URL', async () => {
    const query = day(BUSY, '&current_page=2');
    const [a, b] = [await search(f.api, query), await search(f.api, query)];
    expect(a.text).toBe(b.text);
  });

  it('returns every row of a band that fits one page, and never a row with no band', async () => {
    const rows = f.api.store.rowsForDay(BUSY);
    const byBand = (band: string) => rows.filter((r) => r.currentEnergyEfficiencyBand === band).map((r) => r.certificateNumber);
    const small = ['A', 'B', 'D', 'E', 'F', 'G'].filter((b) => byBand(b).length > 0);
    expect(small.length).toBeGreaterThanOrEqual(4);
    for (const band of small) {
      const expected = byBand(band);
      expect(expected.length).toBeLessThanOrEqual(5000);
      const got = await page(f.api, day(BUSY, `&efficiency_rating[]=${band.toLowerCase()}`)); // the service capitalises
      expect(got.pagination.totalRecords).toBe(expected.length);
      expect(got.data.map((r) => r.certificateNumber).sort()).toEqual(expected);
    }
    // Flats in Exeter are mostly C: on a busy day band C alone is more than a page, so it pages (and overlaps) too.
    expect((await page(f.api, day(BUSY, '&efficiency_rating[]=C'))).pagination.totalPages).toBe(2);
    const noBand = rows.filter((r) => r.currentEnergyEfficiencyBand === null);
    expect(noBand.length).toBeGreaterThan(0);
    const allBands = await page(f.api, day(BUSY, ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((b) => `&efficiency_rating[]=${b}`).join('')));
    expect(allBands.pagination.totalRecords).toBe(rows.length - noBand.length);
  });

  it('with unstableOrder off, the pages of the busy day add up to the day exactly', async () => {
    const stable = await startFakeApi({ today: () => TODAY, rateLimit: false, unstableOrder: false });
    try {
      stable.store.addCertificates(generateDay(BUSY, 12_000, { seed: 1 }));
      const pages = await Promise.all([1, 2, 3].map((p) => page(stable, day(BUSY, `&current_page=${p}`))));
      const numbers = pages.flatMap((p) => p.data.map((r) => r.certificateNumber));
      expect(numbers).toEqual(stable.store.rowsForDay(BUSY).map((r) => r.certificateNumber));
    } finally {
      await stable.close();
    }
  });
});

describe('fake EPB API: the non-domestic and display registers', () => {
  const DAY = '2026-10-08';
  const nonDomestic = generateRegisterDay('non-domestic', DAY, 250, { seed: 12, withoutReport: 40 });
  const display = generateRegisterDay('display', DAY, 30, { seed: 12 });
  const f = fakeWith({ seed: 6 }, (api) => {
    api.store.addCertificates(generateDay(DAY, 20, { seed: 12 }));
    api.store.addCertificates(nonDomestic, { register: 'non-domestic' });
    api.store.addCertificates(display, { register: 'display' });
  });
  const searchOf = async (register: string, query: string) => {
    const res = await get(f.api, `/api/${register}/search?${query}`);
    return { status: res.status, body: JSON.parse(res.text) as Page & { data: { error: string } } };
  };
  const served = nonDomestic.filter((r) => r.relatedRrn !== null);

  it('searches each register\'s own certificates only', async () => {
    const numbers = async (register: string) => (await searchOf(register, day(DAY))).body.data.map((r) => r.certificateNumber).sort();
    expect(await numbers('domestic')).toEqual(f.api.store.rowsForDay(DAY).map((r) => r.certificateNumber));
    expect(await numbers('display')).toEqual(display.map((r) => r.certificateNumber).sort());
    const { body } = await searchOf('display', day(DAY));
    expect(body.pagination.totalRecords).toBe(30);
    expect(Object.keys(body.data[0]!)).toEqual(ROW_KEYS);
  });

  it('counts every non-domestic certificate, but pages only those with a report, relatedRrn last', async () => {
    const first = await searchOf('non-domestic', day(DAY, '&page_size=100'));
    expect(first.status).toBe(200);
    expect(first.body.pagination).toMatchObject({ totalRecords: 250, totalPages: 3 });
    expect(Object.keys(first.body.data[0]!)).toEqual([...ROW_KEYS, 'relatedRrn']);
    // 210 served: two full pages, then the last 10 on page 3.
    const third = await searchOf('non-domestic', day(DAY, '&page_size=100&current_page=3'));
    expect(third.body.data).toHaveLength(10);
    const whole = await searchOf('non-domestic', day(DAY));
    expect(whole.body.pagination.totalRecords).toBe(250);
    expect(new Map(whole.body.data.map((r) => [r.certificateNumber, r]))).toEqual(new Map(served.map((r) => [r.certificateNumber, r])));
  });

  it('answers a page within the count\'s pages that holds no row served with the real 404, as every register does', async () => {
    const past = await searchOf('non-domestic', day(DAY, '&page_size=70&current_page=4'));
    expect([past.status, past.body]).toEqual([404, { data: { error: SEARCH_ERRORS.noData } }]);
    // Past the count's pages it is the 400 out of range, as for domestic.
    expect((await searchOf('non-domestic', day(DAY, '&page_size=70&current_page=5'))).status).toBe(400);
    // A day whose only certificate has no report: counted, yet page 1 is a 404.
    f.api.store.addCertificates([{ ...nonDomestic[0]!, certificateNumber: '9000-0000-0000-0000-0001', registrationDate: '2026-10-09', relatedRrn: null }], { register: 'non-domestic' });
    expect(await searchOf('non-domestic', day('2026-10-09'))).toEqual({ status: 404, body: { data: { error: SEARCH_ERRORS.noData } } });
  });

  it('lets an unlisted certificate hold its place on the page and cuts it from the answer', async () => {
    const stable = await startFakeApi({ today: () => TODAY, rateLimit: false, unstableOrder: false });
    try {
      stable.store.addCertificates(nonDomestic, { register: 'non-domestic' });
      const ordered = served.map((r) => r.certificateNumber).sort();
      stable.unlisted.add(ordered[0]!);
      const pageOf = (p: number) => get(stable, `/api/non-domestic/search?${day(DAY, `&page_size=100&current_page=${p}`)}`);
      const bodies = (await Promise.all([1, 2, 3].map(pageOf))).map((p) => JSON.parse(p.text) as Page);
      // Page 1 is one short, yet pages 2 and 3 hold what they always held.
      expect(bodies.map((b) => b.data.length)).toEqual([99, 100, 10]);
      expect(bodies.flatMap((b) => b.data.map((r) => r.certificateNumber))).toEqual(ordered.slice(1));
      // A page whose only row is unlisted holds none: 404.
      for (const n of ordered.slice(200)) stable.unlisted.add(n);
      expect((await pageOf(3)).status).toBe(404);
    } finally {
      await stable.close();
    }
  });
});

describe('fake EPB API: the address, constituency and postcode filters', () => {
  const DAY = '2026-10-06';
  const [template] = generateDay(DAY, 1, { seed: 11 });
  const place = (n: number, lines: Array<string | null>, over: Record<string, unknown> = {}) => ({
    ...template!,
    certificateNumber: `1000-0000-0000-0000-${String(n).padStart(4, '0')}`,
    addressLine1: lines[0] ?? null, addressLine2: lines[1] ?? null, addressLine3: lines[2] ?? null, addressLine4: null, postTown: lines[3] ?? null,
    ...over,
  });
  const rows = [
    place(1, ["Flat 3, St. Mary's Court", null, null, 'EXETER']),
    place(2, ['12  High   Street', 'Heavitree', null, 'Exeter'], { constituency: 'Exmouth and Exeter East', postcode: 'EX1 2AB' }),
    place(3, ['Unit_4', 'Mill Lane', null, 'Exeter'], { postcode: 'EX1 2AB' }),
    place(4, ['Unit 45', 'Mill Lane', null, 'Exeter']),
    place(5, ['5 Fore Street', null, null, 'Exeter'], { currentEnergyEfficiencyBand: null }),
  ];
  const f = fakeWith({}, (api) => api.store.addCertificates(rows));
  const numbers = async (query: string) => {
    const res = await search(f.api, day(DAY, query));
    return res.status === 404 ? [] : (JSON.parse(res.text) as Page).data.map((r) => Number(r.certificateNumber.slice(-4))).sort((a, b) => a - b);
  };

  it('matches the address like the service: lines and town lower-cased, commas and runs of spaces squished, punctuation kept', async () => {
    expect(await numbers(`&address=${encodeURIComponent("ST. MARY'S court, exeter")}`)).toEqual([1]);
    expect(await numbers(`&address=${encodeURIComponent('12 high street heavitree')}`)).toEqual([2]);
    expect(await numbers(`&address=${encodeURIComponent('street')}`)).toEqual([2, 5]);
  });

  it('leaves LIKE wildcards live: _ is any one character, % any run, a backslash makes the next one literal', async () => {
    expect(await numbers(`&address=${encodeURIComponent('unit_4 ')}`)).toEqual([3, 4]);
    expect(await numbers(`&address=${encodeURIComponent('flat%court')}`)).toEqual([1]);
    expect(await numbers(`&address=${encodeURIComponent('unit\\_4')}`)).toEqual([3]);
  });

  it('filters on constituency and postcode, combined with AND, and never returns a null band for a band filter', async () => {
    expect(await numbers(`&constituency[]=${encodeURIComponent('exmouth and exeter east')}`)).toEqual([2]);
    expect(await numbers('&postcode=ex12ab')).toEqual([2, 3]);
    expect(await numbers(`&postcode=ex12ab&address=mill`)).toEqual([3]);
    const bands = ['A', 'B', 'C', 'D', 'E', 'F', 'G'].map((b) => `&efficiency_rating[]=${b}`).join('');
    expect(await numbers(bands)).toEqual([1, 2, 3, 4]);
  });

  it('counts an unlisted certificate in totalRecords but never serves it on a page', async () => {
    f.api.unlisted.add(rows[0]!.certificateNumber);
    try {
      const got = await page(f.api, day(DAY));
      expect(got.pagination.totalRecords).toBe(5);
      expect(got.data.map((r) => r.certificateNumber)).not.toContain(rows[0]!.certificateNumber);
      expect(got.data).toHaveLength(4);
    } finally {
      f.api.unlisted.clear();
    }
  });
});

describe('fake EPB API: late arrivals, removals and the clock', () => {
  let api: FakeApi;
  afterEach(() => api.close());

  it('hides a row loaded today until the next day', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false });
    const yesterday = '2026-11-23';
    api.store.addCertificates(generateDay(yesterday, 5, { seed: 2 })); // loaded on their registration day
    expect((await page(api, day(yesterday))).pagination.totalRecords).toBe(5);

    const [late] = generateDay('2026-10-03', 1, { seed: 5 });
    api.store.addCertificates([{ ...late!, createdAt: TODAY }]);
    expect((await search(api, day('2026-10-03'))).status).toBe(404);
    expect(api.store.rowsForDay('2026-10-03')).toEqual([]);

    api.setToday('2026-11-25');
    expect((await page(api, day('2026-10-03'))).data).toEqual([late]);
    expect(api.store.rowsForDay('2026-10-03')).toEqual([late]);
    expect((await search(api, day('2026-11-24'))).status).toBe(404); // yesterday now, and nothing registered
  });

  it('can model an overnight load: with loadDelayDays 1, yesterday stays empty until tomorrow', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, loadDelayDays: 1 });
    api.store.addCertificates(generateDay('2026-11-23', 5, { seed: 2 }));
    expect((await search(api, day('2026-11-23'))).status).toBe(404);
    api.setToday('2026-11-25');
    expect((await page(api, day('2026-11-23'))).pagination.totalRecords).toBe(5);
  });

  it('drops a removed certificate from search and keeps it for deltas', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false });
    const rows = generateDay(BUSY, 3, { seed: 6 });
    api.store.addCertificates(rows);
    api.store.removeCertificate(rows[0]!.certificateNumber, `${BUSY}T10:00:00.000Z`);
    expect((await page(api, day(BUSY))).data.map((r) => r.certificateNumber).sort()).toEqual(rows.slice(1).map((r) => r.certificateNumber).sort());
    expect(api.store.get(rows[0]!.certificateNumber)).toMatchObject({ removed: true, createdAt: BUSY });
    expect(api.store.events).toEqual([{ certificateNumber: rows[0]!.certificateNumber, eventType: 'removed', timestamp: `${BUSY}T10:00:00.000Z` }]);
  });
});

describe('fake EPB API: rate limit, faults, cache and the request log', () => {
  let api: FakeApi;
  afterEach(() => api.close());

  it('answers past the limit with a bare 429 and no Retry-After, per IP + token, counting every request', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: { limit: 20, windowMs: 1000 } });
    api.store.addCertificates(generateDay(BUSY, 10, { seed: 1 }));
    const answers = [];
    for (let i = 0; i < 25; i += 1) answers.push(await search(api, day(BUSY, '&page_size=1')));
    expect(answers.map((a) => a.status)).toEqual([...Array(20).fill(200), ...Array(5).fill(429)]);
    expect(answers[24]).toMatchObject({ text: '', retryAfter: null });
    expect(api.requests.filter((r) => r.limited)).toHaveLength(5);
    // Another Authorization header is another key: not limited (and refused for its own reason).
    expect((await get(api, `/api/domestic/search?${day(BUSY)}`, `Bearer ${'Z'.repeat(64)}`)).status).toBe(403);
    // The log lets a test check a client's pace: no one-second window holds more than 20 answered searches.
    const answered = api.requests.filter((r) => r.status === 200).map((r) => r.time);
    for (const t of answered) expect(answered.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(20);
  });

  it('scripts exact faults for the next matching requests', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false });
    api.store.addCertificates(generateDay(BUSY, 10, { seed: 1 }));
    api.failNext({ count: 3, status: 500 });
    expect((await Promise.all([1, 2, 3, 4].map(() => search(api, day(BUSY))))).map((r) => r.status).sort()).toEqual([200, 500, 500, 500]);

    api.failNext({ drop: true, match: (r) => r.query.get('page_size') === '2' });
    expect((await search(api, day(BUSY))).status).toBe(200); // does not match: untouched
    await expect(fetch(`${api.url}/api/domestic/search?${day(BUSY, '&page_size=2')}`, { headers: { authorization: `Bearer ${FAKE_TOKEN}` } })).rejects.toThrow();

    api.failNext({ truncate: 'end' });
    const cut = await search(api, day(BUSY));
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text)).toThrow();
    api.failNext({ truncate: 'destroy' });
    await expect(search(api, day(BUSY))).rejects.toThrow();
    // A truncation waits for a 200 to cut: the empty day's 404 goes through whole.
    api.failNext({ truncate: true });
    expect((await search(api, day('2026-10-02'))).status).toBe(404);
    expect(api.pendingFaults()).toBe(1);
    api.failNext({ count: 1, fault: 'html' }); // the older spelling still works
    await search(api, day(BUSY)); // uses the pending truncation
    const html = await search(api, day(BUSY));
    expect([html.status, html.type]).toEqual([200, 'text/html']);
    api.failNext({ status: 429 });
    expect(await search(api, day(BUSY))).toMatchObject({ status: 429, text: '', retryAfter: null });

    expect(api.requests.map((r) => r.fault).filter((x) => x !== null)).toEqual(['status500', 'status500', 'status500', 'drop', 'truncate', 'truncate', 'truncate', 'html', 'status429']);
    expect(api.requests.every((r) => r.faulted === (r.fault !== null))).toBe(true);
    expect(api.requests.find((r) => r.fault === 'drop')).toMatchObject({ status: 0, path: '/api/domestic/search', query: { page_size: '2' } });
  });

  it('draws random faults from a seeded PRNG: the same seed fails the same requests', async () => {
    const run = async () => {
      const fake = await startFakeApi({ today: () => TODAY, rateLimit: false, faults: { rate429: 0.2, rate500: 0.2, rateHtml: 0.1, seed: 42 } });
      fake.store.addCertificates(generateDay(BUSY, 10, { seed: 1 }));
      const statuses = [];
      for (let i = 0; i < 30; i += 1) statuses.push((await search(fake, day(BUSY))).status);
      const faults = fake.requests.map((r) => r.fault);
      await fake.close();
      return { statuses, faults };
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(new Set(a.faults)).toEqual(new Set([null, 'status429', 'status500', 'html']));
    api = await startFakeApi({ rateLimit: false, faults: { delayMs: 50 } });
    const started = performance.now();
    await get(api, '/nowhere');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('serves the identical cached answer within the TTL, even after the register changed', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false, cacheTtlMs: 60_000 });
    const rows = generateDay(BUSY, 10, { seed: 1 });
    api.store.addCertificates(rows);
    const first = await search(api, day(BUSY));
    api.store.removeCertificate(rows[0]!.certificateNumber);
    expect((await search(api, day(BUSY))).text).toBe(first.text);
    expect((await page(api, day(BUSY, '&page_size=5000'))).pagination.totalRecords).toBe(9); // another query string
    expect(api.requests.map((r) => r.cached)).toEqual([false, true, false]);
  });

  it('records every request and can forget them', async () => {
    api = await startFakeApi({ today: () => TODAY, rateLimit: false });
    await search(api, `${day(BUSY)}&efficiency_rating[]=A&efficiency_rating[]=B`);
    expect(api.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/api/domestic/search', status: 404, fault: null, faulted: false, query: { date_start: BUSY, date_end: BUSY, 'efficiency_rating[]': ['A', 'B'] } }),
    ]);
    expect(Math.abs(api.requests[0]!.time - Date.now())).toBeLessThan(5000);
    api.resetRequests();
    expect(api.requests).toEqual([]);
  });
});

describe('fake EPB API: generated data', () => {
  it('is deterministic, fast on a busy day, and mixes in the awkward cases', () => {
    const started = performance.now();
    const busy = generateDay(BUSY, 12_000, { seed: 7 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(generateDay(BUSY, 12_000, { seed: 7 })).toEqual(busy);
    expect(generateDay(BUSY, 50, { seed: 8 })).not.toEqual(busy.slice(0, 50));
    expect(new Set(busy.map((r) => r.certificateNumber)).size).toBe(12_000);
    expect(busy.every((r) => /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/.test(r.certificateNumber) && r.registrationDate === BUSY)).toBe(true);
    expect(busy.every((r) => Object.keys(r).join() === ROW_KEYS.join())).toBe(true);
    expect(busy.some((r) => r.currentEnergyEfficiencyBand === null)).toBe(true);
    expect(busy.some((r) => r.council === null && r.constituency === null)).toBe(true);
    expect(busy.some((r) => r.uprn === null)).toBe(true);
    const text = busy.map((r) => r.addressLine1).join('|');
    for (const awkward of ['"', "'", '\n', 'ŵ', 'ŷ', 'â', ',']) expect(text).toContain(awkward);
  });

  it('makes a busy day in one place, with as many rows without a band as asked', () => {
    const rows = generateDay(BUSY, 500, { seed: 3, place: ['Exeter', 'Exeter'], noBand: 120 });
    expect(new Set(rows.map((r) => `${r.council}|${r.constituency}`))).toEqual(new Set(['Exeter|Exeter']));
    expect(rows.filter((r) => r.currentEnergyEfficiencyBand === null)).toHaveLength(120);
    expect(generateDay(BUSY, 500, { seed: 3, place: ['Exeter', 'Exeter'], noBand: 120 })).toEqual(rows);
  });

  it('makes non-domestic and display days: CEPC schemas, the A+ band, unique report numbers, exactly as many without one as asked', () => {
    const rows = generateRegisterDay('non-domestic', BUSY, 2_000, { seed: 4, withoutReport: 300 });
    expect(generateRegisterDay('non-domestic', BUSY, 2_000, { seed: 4, withoutReport: 300 })).toEqual(rows);
    expect(rows.every((r) => Object.keys(r).join() === [...ROW_KEYS, 'relatedRrn'].join() && /^CEPC-\d/.test(r.schemaType!))).toBe(true);
    expect(rows.filter((r) => r.relatedRrn === null)).toHaveLength(300);
    const reports = rows.map((r) => r.relatedRrn).filter((n): n is string => n !== null);
    const numbers = new Set(rows.map((r) => r.certificateNumber));
    expect(new Set(reports).size).toBe(1_700);
    expect(reports.every((n) => /^\d{4}(-\d{4}){4}$/.test(n) && !numbers.has(n))).toBe(true);
    expect(rows.some((r) => r.currentEnergyEfficiencyBand === 'A+')).toBe(true);
    // Another register's day has numbers of its own, never the domestic day's of the same seed.
    const domestic = new Set(generateDay(BUSY, 2_000, { seed: 4 }).map((r) => r.certificateNumber));
    expect(rows.some((r) => domestic.has(r.certificateNumber))).toBe(false);
    const display = generateRegisterDay('display', BUSY, 500, { seed: 4 });
    expect(display.every((r) => Object.keys(r).join() === ROW_KEYS.join() && /^CEPC-\d/.test(r.schemaType!))).toBe(true);
    expect(generateDataset({ from: BUSY, to: '2026-10-02', perDay: 100, seed: 1, register: 'non-domestic' }).filter((r) => r.relatedRrn === null)).toHaveLength(30);
  });

  it('builds a dataset over a range, lighter at weekends', () => {
    const rows = generateDataset({ from: '2026-10-02', to: '2026-10-05', perDay: weekdayWeighted(100, 20), seed: 1 }); // Fri..Mon
    const perDay = new Map<string, number>();
    for (const r of rows) perDay.set(r.registrationDate, (perDay.get(r.registrationDate) ?? 0) + 1);
    expect([...perDay]).toEqual([['2026-10-02', 100], ['2026-10-03', 20], ['2026-10-04', 20], ['2026-10-05', 100]]);
    expect(new Set(rows.map((r) => r.certificateNumber)).size).toBe(rows.length);
  });
});
