/** Reads the tests assert on: stored rows in the API's own shape, checkpoint rows, the fake's log. */
import type { Queryable } from '../../src/db/client.js';
import type { FakeApi } from '../fake-api/index.js';

export interface ApiShapedRow {
  certificateNumber: string;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  addressLine4: string | null;
  postcode: string | null;
  postTown: string | null;
  council: string | null;
  constituency: string | null;
  currentEnergyEfficiencyBand: string | null;
  registrationDate: string;
  uprn: number | null;
  schemaType: string | null;
}

export function certificateRows(q: Queryable, day: string): Promise<ApiShapedRow[]> {
  return q.query<ApiShapedRow>(
    `SELECT certificate_number AS "certificateNumber", address_line1 AS "addressLine1", address_line2 AS "addressLine2",
            address_line3 AS "addressLine3", address_line4 AS "addressLine4", postcode, post_town AS "postTown",
            council, constituency, current_energy_efficiency_band AS "currentEnergyEfficiencyBand",
            registration_date::text AS "registrationDate", uprn, schema_type AS "schemaType"
     FROM certificates WHERE registration_date = $1 ORDER BY certificate_number`,
    [day],
  );
}

export interface CheckpointRow {
  status: string;
  expected_count: number | null;
  stored_count: number | null;
  rejected_count: number;
  attempts: number;
  last_error: string | null;
  lease_owner: string | null;
}

export async function checkpoint(q: Queryable, day: string): Promise<CheckpointRow> {
  const [row] = await q.query<CheckpointRow>(
    `SELECT status, expected_count, stored_count, rejected_count, attempts, last_error, lease_owner
     FROM sync_checkpoint WHERE day = $1`,
    [day],
  );
  if (!row) throw new Error(`no checkpoint row for ${day}`);
  return row;
}

export interface SearchRequest {
  day: string | undefined;
  page: number;
  pageSize: number;
  bands: string[];
  status: number;
}

/** The fake's log of search requests, decoded. */
export function searchRequests(api: FakeApi): SearchRequest[] {
  return api.requests
    .filter((r) => r.path.endsWith('/search'))
    .map((r) => {
      const q = r.query as Record<string, string | string[] | undefined>;
      const one = (k: string) => (Array.isArray(q[k]) ? (q[k] as string[])[0] : (q[k] as string | undefined));
      const many = (k: string) => (q[k] === undefined ? [] : Array.isArray(q[k]) ? (q[k] as string[]) : [q[k] as string]);
      return {
        day: one('date_start'),
        page: Number(one('current_page') ?? 1),
        pageSize: Number(one('page_size') ?? 5000),
        bands: many('efficiency_rating[]'),
        status: r.status,
      };
    });
}
