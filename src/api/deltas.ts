/** `GET /api/deltas?date_start=…&date_end=…`: removals and UPRN corrections, not paginated. */
import type { ApiHttp } from './http.js';

export interface DeltaEvent {
  certificateNumber: string;
  eventType: 'removed' | 'uprn_updated' | string;
  timestamp: string;
}

const isEventList = (body: unknown): boolean => {
  const data = (body as { data?: unknown } | null)?.data;
  return (
    Array.isArray(data) &&
    data.every((e) => typeof e === 'object' && e !== null && typeof (e as DeltaEvent).certificateNumber === 'string' && typeof (e as DeltaEvent).timestamp === 'string')
  );
};

export async function fetchDeltas(http: ApiHttp, from: string, to: string, signal?: AbortSignal): Promise<DeltaEvent[]> {
  const response = await http.getJson('deltas', 'api/deltas', new URLSearchParams({ date_start: from, date_end: to }), { signal, accept: isEventList });
  // JSON 404 "No audit logs could be found": no events in the range.
  if (response.status === 404) return [];
  return (response.body as { data: DeltaEvent[] }).data;
}
