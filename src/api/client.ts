/** The EPB API client the rest of the tool uses: one limiter and one HTTP agent shared by every call. */
import type { ApiConfig } from '../config/types.js';
import { ApiHttp, type HttpDeps } from './http.js';
import type { LimiterStats } from './limiter.js';
import { fetchCertificate, type CertificateResult } from './certificate.js';
import { fetchDeltas, type DeltaEvent } from './deltas.js';
import { bulkFileInfo, bulkFileUrl, type BulkFileInfo } from './files.js';
import { fetchCodeNames, fetchCodeValues, type CodeEntry } from './codes.js';
import type { Register } from '../config/types.js';
import { searchDay, type SearchQuery, type SearchResult } from './search.js';

export interface ApiClient {
  searchDay(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult>;
  certificate(certificateNumber: string, signal?: AbortSignal): Promise<CertificateResult>;
  deltas(from: string, to: string, signal?: AbortSignal): Promise<DeltaEvent[]>;
  bulkFileInfo(register: Register, signal?: AbortSignal): Promise<BulkFileInfo>;
  /** A fresh pre-signed download URL (valid for about 30 seconds). */
  bulkFileUrl(register: Register, signal?: AbortSignal): Promise<string>;
  /** The coded attributes (`/api/codes`), and one attribute's keys and values (`/api/codes/info`). */
  codes(signal?: AbortSignal): Promise<string[]>;
  codeValues(attribute: string, signal?: AbortSignal): Promise<CodeEntry[]>;
  stats(): LimiterStats;
  stop(): Promise<void>;
  /** The shared HTTP layer, for the endpoint modules added beside search. */
  readonly http: ApiHttp;
}

export function createApiClient(config: ApiConfig, deps: HttpDeps): ApiClient {
  const http = new ApiHttp(config, deps);
  return {
    http,
    searchDay: (query, signal) => searchDay(http, query, signal),
    certificate: (number, signal) => fetchCertificate(http, number, signal),
    deltas: (from, to, signal) => fetchDeltas(http, from, to, signal),
    bulkFileInfo: (register, signal) => bulkFileInfo(http, register, signal),
    bulkFileUrl: (register, signal) => bulkFileUrl(http, register, signal),
    codes: (signal) => fetchCodeNames(http, signal),
    codeValues: (attribute, signal) => fetchCodeValues(http, attribute, signal),
    stats: () => http.limiter.stats(),
    stop: () => http.stop(),
  };
}
