/**
 * The monthly bulk files: `/api/files/{register}/csv/info` (size, lastUpdated) and
 * `/api/files/{register}/csv`, a 302 to a pre-signed download URL that expires in 30 seconds, so it is
 * asked for right before each download attempt.
 */
import type { Register } from '../config/types.js';
import type { ApiHttp } from './http.js';

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
  return (response.body as { data: BulkFileInfo }).data;
}

export async function bulkFileUrl(http: ApiHttp, register: Register, signal?: AbortSignal): Promise<string> {
  const response = await http.getJson('files', `api/files/${register}/csv`, new URLSearchParams(), { signal });
  const location = (response.body as { location?: unknown } | undefined)?.location;
  if (typeof location !== 'string') throw new Error(`the bulk file endpoint answered HTTP ${response.status} without a download URL`);
  return location;
}
