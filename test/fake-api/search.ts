/**
 * GET /api/{register}/search as the real service answers it (see ../shared/reference/EPB_API.md):
 * validation and wrapped error bodies, inclusive date filters, ORDER BY registration_date DESC with no
 * tie-breaker (so a day larger than one page comes back in an order that differs between pages), and
 * OFFSET paging.
 */
import { hash } from './prng.js';
import type { FakeStore, SearchRow } from './store.js';

export interface Answer {
  status: number;
  body: unknown;
  /** For redirects. */
  location?: string;
}

const wrapError = (status: number, error: string): Answer => ({ status, body: { data: { error } } });
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export interface SearchContext {
  store: FakeStore;
  today: string;
  seed: number;
  unstableOrder: boolean;
}

export function search(params: URLSearchParams, ctx: SearchContext): Answer {
  const dateStart = params.get('date_start');
  const dateEnd = params.get('date_end');
  const bands = params.getAll('efficiency_rating[]');
  const councils = params.getAll('council[]');
  const constituencies = params.getAll('constituency[]');
  const postcode = params.get('postcode');
  const uprn = params.get('uprn');
  const address = params.get('address');
  const hasDates = dateStart !== null && dateEnd !== null;
  const hasFilter = hasDates || bands.length > 0 || councils.length > 0 || constituencies.length > 0 || !!postcode || !!uprn || !!address;
  if (!hasFilter) return wrapError(400, 'The search query was invalid - please provide a valid date range or search parameter');
  if (hasDates) {
    if (!DAY.test(dateStart) || !DAY.test(dateEnd) || dateStart > dateEnd) {
      return wrapError(400, 'The search query was invalid - please provide a valid date range');
    }
    if (dateEnd >= ctx.today) return wrapError(400, 'The search query was invalid - the date cannot include today');
  }
  const pageSize = Number(params.get('page_size') ?? 5000);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 5000) {
    return wrapError(400, `The requested page size ${params.get('page_size')} is out of range. Please provide a page size between 1 and 5000`);
  }
  const page = Number(params.get('current_page') ?? 1);

  const matches: SearchRow[] = [];
  for (const row of hasDates ? ctx.store.visibleBetween(dateStart, dateEnd) : ctx.store.visibleBetween('0000-00-00', '9999-99-99')) {
    if (bands.length > 0 && (row.currentEnergyEfficiencyBand === null || !bands.includes(row.currentEnergyEfficiencyBand))) continue;
    if (councils.length > 0 && (row.council === null || !councils.includes(row.council))) continue;
    if (constituencies.length > 0 && (row.constituency === null || !constituencies.includes(row.constituency))) continue;
    if (postcode && row.postcode !== postcode) continue;
    if (uprn && String(row.uprn) !== uprn) continue;
    matches.push(row);
  }
  if (matches.length === 0) return wrapError(404, 'No certificates could be found for that query');
  const totalPages = Math.ceil(matches.length / pageSize);
  if (!Number.isInteger(page) || page < 1 || page > totalPages) {
    return wrapError(400, `The requested page number ${params.get('current_page')} is out of range. There are ${totalPages} pages`);
  }

  // Ties (same day) are dealt afresh for every LIMIT/OFFSET, as a top-N sort may do; the same URL
  // always deals the same way (the CDN would serve it from cache anyway).
  const salt = hash(`${ctx.seed}|${bands.join(',')}|${councils.join(',')}|${page}|${pageSize}`);
  const key = new Map(matches.map((r) => [r.certificateNumber, ctx.unstableOrder ? hash(r.certificateNumber, salt) : 0]));
  matches.sort((a, b) => {
    if (a.registrationDate !== b.registrationDate) return a.registrationDate < b.registrationDate ? 1 : -1;
    const ka = key.get(a.certificateNumber)!;
    const kb = key.get(b.certificateNumber)!;
    if (ka !== kb) return ka - kb;
    return a.certificateNumber < b.certificateNumber ? -1 : 1;
  });
  const data = matches.slice((page - 1) * pageSize, page * pageSize);
  return {
    status: 200,
    body: {
      data,
      pagination: {
        totalRecords: matches.length,
        currentPage: page,
        totalPages,
        nextPage: page < totalPages ? page + 1 : null,
        prevPage: page > 1 ? page - 1 : null,
        pageSize,
      },
    },
  };
}
