export { createApiClient, type ApiClient } from './client.js';
export { ApiHttp, errorMessage, type AttemptEvent, type Endpoint, type HttpDeps } from './http.js';
export { RequestLimiter, type LimiterStats } from './limiter.js';
export { decideRetry, parseRetryAfter, type AttemptOutcome, type RetryDecision, type RetryPolicy } from './retry.js';
export { parseSearchRow, type ParsedRow, type SearchRow } from './rows.js';
export { searchDay, type Band, type SearchQuery, type SearchResult } from './search.js';
export { fetchCertificate, type CertificateResult } from './certificate.js';
export { fetchDeltas, type DeltaEvent } from './deltas.js';
export { bulkFileInfo, bulkFileUrl, type BulkFileInfo } from './files.js';
