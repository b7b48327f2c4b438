/**
 * The monthly bulk files: `/api/files/{register}/csv/info` (size, lastUpdated) and
 * `/api/files/{register}/csv`, a 302 to a pre-signed download URL that expires in 30 seconds, so it is
 * asked for right before each download attempt.
 */
import type { Register } from '../config/types.js';
import { ApiError } from '../errors.js';
import { errorMessage, type ApiHttp, type JsonResponse } from './http.js';

export interface BulkFileInfo {
  fileSize: number;
  lastUpdated: string;
}

const isInfo = (body: unknown): boolean => {
  const d = (body as { data?: Partial<BulkFileInfo> } | null)?.data;
  return typeof d?.fileSize === 'number' && typeof d.lastUpdated === 'string';
};

export async function bulkFileInfo(http: ApiHttp, register: Register, signal?: AbortSignal): Promise<BulkFileInfo> {
  const response = await http.getJson('files', `api/files/${register}/csv/info`, new URLSearchParams(), { signal, accept: isInfo });
  return (published(response, register).body as { data: BulkFileInfo }).data;
}

/** A JSON 404 here means no file is published (yet) for the register: say so, and what else to do. */
function published(response: JsonResponse, register: Register): JsonResponse {
  if (response.status !== 404) return response;
  throw new ApiError(
    'API_NO_BULK_FILE',
    `the EPB API publishes no ${register} bulk file at the moment (${errorMessage(response.body) ?? 'HTTP 404'}); try again later, or import a file you have with: epc-sync import-bulk --file PATH --register ${register}`,
    { status: 404 },
  );
}

export async function bulkFileUrl(http: ApiHttp, register: Register, signal?: AbortSignal): Promise<string> {
  const response = published(await http.getJson('files', `api/files/${register}/csv`, new URLSearchParams(), { signal }), register);
  const location = (response.body as { location?: unknown } | undefined)?.location;
  if (typeof location !== 'string') {
    throw new ApiError('API_BAD_RESPONSE', `the bulk file endpoint answered HTTP ${response.status} without a download URL; the next run retries`, { status: response.status });
  }
  return location;
}
