/** What the sync needs from the API client, stated here so the pipeline can be read on its own. */
import type { CertificateResult, DeltaEvent, SearchQuery, SearchResult } from '../api/index.js';
import type { FilesApi } from '../bulk/download.js';
import type { CodesApi } from '../codes/refresh.js';

export type { CertificateResult, DeltaEvent, SearchQuery, SearchResult };

/** The search, documents and deltas, (for the first run's seed) the bulk-file endpoints, and the codes. */
export interface EpbApi extends FilesApi, CodesApi {
  searchDay(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult>;
  certificate(certificateNumber: string, signal?: AbortSignal): Promise<CertificateResult>;
  deltas(from: string, to: string, signal?: AbortSignal): Promise<DeltaEvent[]>;
}
