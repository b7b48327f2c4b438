/**
 * The register's coded values: `GET /api/codes` lists the coded attributes (built_form, main_fuel…),
 * `GET /api/codes/info?code=NAME` gives each key of one attribute with its value in every schema
 * version and assessment type that defines it. The answer's entries are checked here only for their
 * outline; `codes/parse.ts` reads each value.
 */
import type { ApiHttp } from './http.js';

/** One meaning of a key, as the API sends it (camelCase; nulls are possible for the last two). */
export interface CodeValue {
  value: unknown;
  schemaVersion?: unknown;
  assessmentType?: unknown;
}

/** `{"key":"1","values":[{"value":"Detached","schemaVersion":"RdSAP-Schema-20.0.0","assessmentType":"RdSAP"}]}` */
export interface CodeEntry {
  key: unknown;
  values: CodeValue[];
}

const dataOf = (body: unknown): unknown => (body as { data?: unknown } | null)?.data;

const isNameList = (body: unknown): boolean => {
  const data = dataOf(body);
  return Array.isArray(data) && data.every((name) => typeof name === 'string');
};

const isEntryList = (body: unknown): boolean => {
  const data = dataOf(body);
  return Array.isArray(data) && data.every((e) => typeof e === 'object' && e !== null && Array.isArray((e as CodeEntry).values));
};

/** The coded attributes the API knows, in its order. */
export async function fetchCodeNames(http: ApiHttp, signal?: AbortSignal): Promise<string[]> {
  const response = await http.getJson('codes', 'api/codes', new URLSearchParams(), { signal, accept: isNameList });
  // A JSON 404 would mean no lookup at all: the caller refuses to empty the table over it.
  if (response.status === 404) return [];
  return dataOf(response.body) as string[];
}

/** Every key of one attribute; none (the API's JSON 404 "No codes could be found") is an empty list. */
export async function fetchCodeValues(http: ApiHttp, attribute: string, signal?: AbortSignal): Promise<CodeEntry[]> {
  const response = await http.getJson('codes', 'api/codes/info', new URLSearchParams({ code: attribute }), { signal, accept: isEntryList });
  if (response.status === 404) return [];
  return dataOf(response.body) as CodeEntry[];
}
