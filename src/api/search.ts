/** `GET /api/{register}/search` for one registration day (both date filters = exactly that day). */
import type { Register } from '../config/types.js';
import type { ApiHttp } from './http.js';

export type Band = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G';

export interface SearchQuery {
  register: Register;
  day: string;
  page: number;
  pageSize: number;
  bands?: readonly Band[];
  /** `council[]` filter: names, as the search rows carry them. */
  councils?: readonly string[];
  /** `constituency[]` filter: names, as the search rows carry them. */
  constituencies?: readonly string[];
  /** `postcode`: a full postcode; the API matches it exactly after normalising it. */
  postcode?: string;
  /** `address`: the API matches `LIKE '%value%'` on the lower-cased address lines and town; `%` and `_` are wildcards. */
  address?: string;
}

export type SearchResult =
  | { kind: 'page'; rows: unknown[]; totalRecords: number; totalPages: number; currentPage: number; pageSize: number }
  | { kind: 'empty' };

interface PageBody {
  data: unknown[];
  pagination: { totalRecords: number; totalPages: number; currentPage: number; pageSize: number };
}

function isPage(body: unknown): body is PageBody {
  const b = body as Partial<PageBody> | null;
  const p = b?.pagination;
  return (
    Array.isArray(b?.data) &&
    typeof p === 'object' && p !== null &&
    Number.isInteger(p.totalRecords) && Number.isInteger(p.totalPages) && Number.isInteger(p.currentPage)
  );
}

export async function searchDay(http: ApiHttp, q: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
  const params = new URLSearchParams({
    date_start: q.day,
    date_end: q.day,
    current_page: String(q.page),
    page_size: String(q.pageSize),
  });
  for (const band of q.bands ?? []) params.append('efficiency_rating[]', band);
  for (const council of q.councils ?? []) params.append('council[]', council);
  for (const constituency of q.constituencies ?? []) params.append('constituency[]', constituency);
  if (q.postcode !== undefined) params.append('postcode', q.postcode);
  if (q.address !== undefined) params.append('address', q.address);
  const response = await http.getJson('search', `api/${q.register}/search`, params, { signal, accept: isPage });
  // A JSON 404 for a date range means "no certificates that day", not an error.
  if (response.status === 404) return { kind: 'empty' };
  const body = response.body as PageBody;
  return {
    kind: 'page',
    rows: body.data,
    totalRecords: body.pagination.totalRecords,
    totalPages: body.pagination.totalPages,
    currentPage: body.pagination.currentPage,
    pageSize: body.pagination.pageSize ?? q.pageSize,
  };
}
