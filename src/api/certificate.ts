/** `GET /api/certificate?certificate_number=…`: one full certificate document (snake_case keys). */
import type { ApiHttp } from './http.js';

export type CertificateResult = { kind: 'document'; document: Record<string, unknown> } | { kind: 'not_found' };

const isDocument = (body: unknown): boolean => {
  const data = (body as { data?: unknown } | null)?.data;
  return typeof data === 'object' && data !== null && !Array.isArray(data);
};

export async function fetchCertificate(http: ApiHttp, certificateNumber: string, signal?: AbortSignal): Promise<CertificateResult> {
  const response = await http.getJson('certificate', 'api/certificate', new URLSearchParams({ certificate_number: certificateNumber }), {
    signal,
    accept: isDocument,
  });
  if (response.status === 404) return { kind: 'not_found' };
  return { kind: 'document', document: (response.body as { data: Record<string, unknown> }).data };
}
