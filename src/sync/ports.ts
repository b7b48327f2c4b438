/** What the sync needs from the API client, stated here so the pipeline can be read on its own. */
import type { SearchQuery, SearchResult } from '../api/index.js';

export type { SearchQuery, SearchResult };

export interface SearchApi {
  searchDay(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult>;
}
