/**
 * GET /api/{domestic,non-domestic,display}/search as the real service answers it (EPB_API.md, and the
 * service's ApiBaseController#get_search_result, SearchParams.validate, GetPagination, AssessmentSearch
 * and AssessmentSearchGateway): the same checks in the same order with the same wrapped bodies, the
 * same filters (including their quirks), `ORDER BY registration_date DESC` with no tie-breaker, and
 * LIMIT/OFFSET paging. Each register searches its own certificates. The pagination comes from a count
 * first (out of range: 400), then the page's own query; a page with no rows is a 404 (NoData). For
 * non-domestic the page query joins the recommendation reports and the count does not: a certificate
 * without a report (`relatedRrn` null) is counted and never served.
 */
import { parseDay } from './days.js';
import type { Answer } from './http.js';
import { fmix32, hash } from './prng.js';
import { capitalize, formatAddress, likeContains, normalisePostcode, rackParams, rubyToI, storedAddress } from './query.js';
import type { FakeRegister, FakeStore, SearchRow } from './store.js';

export type { Answer } from './http.js';

export const SEARCH_ERRORS = {
  noFilter: 'The search query was invalid - please provide a valid date range or search parameter',
  dates: 'The search query was invalid - please provide a valid date range',
  today: 'The search query was invalid - the date cannot include today',
  postcode: 'The search query was invalid - please provide a valid postcode',
  uprn: 'The search query was invalid - the uprn should be an integer greater than 0',
  council: 'The search query was invalid - provide valid council name(s)',
  constituency: 'The search query was invalid - provide valid constituency name(s)',
  noData: 'No certificates could be found for that query',
  pageSize: (n: number) => `The requested page size ${n} is out of range. Please provide a page size between 1 and 5000`,
  // The stray closing quote is in the real message (a heredoc in Errors::OutOfPaginationRangeError).
  page: (n: number, total: number) => `The requested page number ${n} is out of range. Please provide a page number between 1 and ${total}."`,
} as const;

const wrapError = (status: number, error: string): Answer => ({ status, body: { data: { error } } });

export interface SearchContext {
  store: FakeStore;
  today: string;
  seed: number;
  unstableOrder: boolean;
  /** The register searched (the path's); domestic when absent. */
  register?: FakeRegister;
  /**
   * Certificates counted in totalRecords and holding their place in the page query's order, but cut
   * from the page sent: served rows the answer silently drops (see FakeApi.unlisted).
   */
  unlisted?: ReadonlySet<string>;
}

interface Filters {
  from: string | null;
  to: string | null;
  bands: string[] | null;
  councils: string[] | null;
  constituencies: string[] | null;
  postcode: string | null;
  uprn: number | null;
  address: string;
}

const ARRAY_PARAMS = ['council', 'constituency', 'efficiency_rating'];
const STRING_PARAMS = ['date_start', 'date_end', 'postcode', 'address', 'uprn'];

export function search(params: URLSearchParams, ctx: SearchContext): Answer {
  const { scalars, arrays } = rackParams(params);
  // `(params["current_page"] || 1).to_i` on an array is a NoMethodError, which the controller turns into a 500.
  for (const key of ['current_page', 'page_size']) {
    if (arrays.has(key)) return { status: 500, body: { data: { errors: [{ code: "undefined method 'to_i' for an instance of Array" }] } } };
  }
  const currentPage = rubyToI(scalars.get('current_page') ?? '1');
  const pageSize = rubyToI(scalars.get('page_size') ?? '5000');

  // The JSON schema: array parameters must come as `key[]`, the others bare, and at least both dates
  // or one other filter must be present (an empty value counts as present).
  if (ARRAY_PARAMS.some((k) => scalars.has(k)) || STRING_PARAMS.some((k) => arrays.has(k))) return wrapError(400, SEARCH_ERRORS.noFilter);
  const hasDates = scalars.has('date_start') && scalars.has('date_end');
  const hasOther = ARRAY_PARAMS.some((k) => arrays.has(k)) || ['postcode', 'address', 'uprn'].some((k) => scalars.has(k));
  if (!hasDates && !hasOther) return wrapError(400, SEARCH_ERRORS.noFilter);

  const filters: Filters = { from: null, to: null, bands: null, councils: null, constituencies: null, postcode: null, uprn: null, address: '' };
  if (hasDates) {
    filters.from = parseDay(scalars.get('date_start')!);
    filters.to = parseDay(scalars.get('date_end')!);
    if (filters.from === null || filters.to === null || filters.from > filters.to) return wrapError(400, SEARCH_ERRORS.dates);
    if (filters.to >= ctx.today) return wrapError(400, SEARCH_ERRORS.today);
  }
  if (scalars.has('postcode')) {
    filters.postcode = normalisePostcode(scalars.get('postcode')!);
    if (filters.postcode === null) return wrapError(400, SEARCH_ERRORS.postcode);
  }
  if (scalars.has('uprn')) {
    filters.uprn = rubyToI(scalars.get('uprn')!);
    if (filters.uprn === 0) return wrapError(400, SEARCH_ERRORS.uprn);
  }
  // Names are checked case-insensitively against the ONS lists and replaced by their proper spelling.
  if (arrays.has('council')) {
    filters.councils = canonicalNames(arrays.get('council')!, ctx.store.councils);
    if (!filters.councils) return wrapError(400, SEARCH_ERRORS.council);
  }
  if (arrays.has('constituency')) {
    filters.constituencies = canonicalNames(arrays.get('constituency')!, ctx.store.constituencies);
    if (!filters.constituencies) return wrapError(400, SEARCH_ERRORS.constituency);
  }
  if (pageSize < 1 || pageSize > 5000) return wrapError(400, SEARCH_ERRORS.pageSize(pageSize));
  if (arrays.has('efficiency_rating')) filters.bands = arrays.get('efficiency_rating')!.map(capitalize);
  filters.address = formatAddress(scalars.get('address') ?? '');

  const register = ctx.register ?? 'domestic';
  const groups = matchingByDay(ctx.store, ctx.today, filters, register);
  const totalRecords = groups.reduce((n, g) => n + g.length, 0);
  if (totalRecords === 0) return wrapError(404, SEARCH_ERRORS.noData);
  const totalPages = Math.ceil(totalRecords / pageSize);
  if (currentPage < 1 || currentPage > totalPages) return wrapError(400, SEARCH_ERRORS.page(currentPage, totalPages));

  // The count and the page query are separate statements: non-domestic pages come from an inner join
  // with the recommendation reports, which the count does not have.
  const served = register === 'non-domestic' ? groups.map((g) => g.filter((h) => h.row.relatedRrn != null)) : groups;
  const salt = hash(JSON.stringify([ctx.seed, filters, currentPage, pageSize]));
  const sliced = pageOf(served, (currentPage - 1) * pageSize, pageSize, ctx.unstableOrder ? salt : null);
  // An unlisted certificate takes its place on the page, then is cut from the answer.
  const data = ctx.unlisted?.size ? sliced.filter((row) => !ctx.unlisted!.has(row.certificateNumber)) : sliced;
  // The rows are fetched after the pagination: a page within range that holds none is NoData too.
  if (data.length === 0) return wrapError(404, SEARCH_ERRORS.noData);
  return {
    status: 200,
    body: {
      data,
      pagination: {
        totalRecords,
        currentPage,
        totalPages,
        nextPage: currentPage < totalPages ? currentPage + 1 : null,
        prevPage: currentPage > 1 ? currentPage - 1 : null,
        pageSize,
      },
    },
  };
}

function canonicalNames(names: readonly string[], known: ReadonlyMap<string, string>): string[] | null {
  const out: string[] = [];
  for (const name of names) {
    const proper = known.get(name.toLowerCase());
    if (proper === undefined) return null;
    out.push(proper);
  }
  return out;
}

const occurrences = (list: readonly string[], value: string | null) => (value === null ? 0 : list.filter((v) => v === value).length);

/** A matching row, with which of its copies this is (see `multiplicity`). */
interface Hit {
  row: SearchRow;
  copy: number;
}

/**
 * Matching rows grouped by registration day, newest day first. Band, council and constituency
 * filters are SQL JOINs on a VALUES list, so a value given twice returns each of its rows twice (and
 * counts them twice): modelled, since a client that repeats a value would see exactly that.
 */
function matchingByDay(store: FakeStore, today: string, f: Filters, register: FakeRegister): Hit[][] {
  const groups: Hit[][] = [];
  // An absent address is '' (the service formats nil to ""), and LIKE '%%' matches every row.
  const address = f.address === '' ? null : likeContains(f.address);
  for (const day of store.daysDescending(f.from ?? undefined, f.to ?? undefined)) {
    const group: Hit[] = [];
    for (const row of store.visibleOnDay(day, today, register)) {
      let copies = 1;
      if (f.bands) copies *= occurrences(f.bands, row.currentEnergyEfficiencyBand);
      if (f.councils) copies *= occurrences(f.councils, row.council);
      if (f.constituencies) copies *= occurrences(f.constituencies, row.constituency);
      if (copies === 0) continue;
      if (f.postcode !== null && row.postcode !== f.postcode) continue;
      if (f.uprn !== null && row.uprn !== f.uprn) continue;
      if (address && !address(storedAddress([row.addressLine1, row.addressLine2, row.addressLine3, row.addressLine4, row.postTown]))) continue;
      for (let copy = 0; copy < copies; copy += 1) group.push({ row, copy });
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

/**
 * Rows offset..offset+limit of the result. Days are in order; within a day every row ties on the
 * sort key, and PostgreSQL's (top-N) sort leaves ties in no promised order, which can differ for a
 * different LIMIT/OFFSET. Modelled as a pseudo-random order of each day's rows seeded by `salt` (the
 * seed, the filters, the page and the page size): the same URL always gets the same page, different
 * pages of one day overlap and miss rows, and a result that fits one page is always complete. With
 * `salt` null the order is stable (by certificate number).
 */
function pageOf(groups: Hit[][], offset: number, limit: number, salt: number | null): SearchRow[] {
  const out: SearchRow[] = [];
  let start = 0;
  for (const group of groups) {
    const end = start + group.length;
    if (end > offset && start < offset + limit) {
      const ordered = order(group, salt);
      out.push(...ordered.slice(Math.max(0, offset - start), offset + limit - start).map((h) => h.row));
    }
    if (end >= offset + limit) break;
    start = end;
  }
  return out;
}

function order(group: Hit[], salt: number | null): Hit[] {
  const byNumber = (a: Hit, b: Hit) =>
    a.row.certificateNumber < b.row.certificateNumber ? -1 : a.row.certificateNumber > b.row.certificateNumber ? 1 : a.copy - b.copy;
  if (salt === null) return [...group].sort(byNumber);
  const keyed = group.map((h) => ({ h, k: fmix32(hash(`${h.row.certificateNumber}#${h.copy}`) ^ salt) }));
  keyed.sort((a, b) => a.k - b.k || byNumber(a.h, b.h));
  return keyed.map((x) => x.h);
}
