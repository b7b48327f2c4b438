/**
 * The demo's steps, each the tool's own code run in-process against the fake API: seed from the bulk
 * file, sync the days since, fetch one day's documents, read one back. Each returns the few facts the
 * demo prints.
 */
import type { ImportReport } from '../../src/bulk/import.js';
import { seedFromBulkFile } from '../../src/bulk/seed.js';
import type { Context } from '../../src/context.js';
import { syncOnce } from '../../src/sync/commands.js';
import { documentsBackfill } from '../../src/sync/documents-run.js';
import type { RunReport } from '../../src/sync/run.js';
import type { RequestRecord } from '../../test/fake-api/index.js';

type Deps = ReturnType<typeof depsOf>;

/** The fake's world is the domestic register's. */
export const DEMO_REGISTER = 'domestic';

export function depsOf(ctx: Context) {
  if (!ctx.api) throw new Error('the demo needs the API client');
  return { db: ctx.db, api: ctx.api, config: ctx.config, logger: ctx.logger };
}

export interface Seeded {
  file: string;
  bytes: number;
  report: ImportReport;
}

/**
 * The first sync's seed of an empty mirror (SYNC_SEED=bulk): ask the API for the file, check the
 * disk, download, import, hand the file's days to the checkpoint. Called on its own, so the demo can
 * show its figures; the sync after it finds the mirror seeded and walks only the days since.
 */
export async function seedEmptyMirror(deps: Deps, now: Date): Promise<Seeded> {
  const seeded = await seedFromBulkFile({ ...deps, register: DEMO_REGISTER }, { now });
  if (seeded.kind !== 'seeded') {
    throw new Error(`the bulk seed did not run as it should (${seeded.kind === 'skipped' ? `skipped: ${seeded.reason}` : `${seeded.kind}: ${seeded.report.error ?? 'see above'}`})`);
  }
  const [file] = await deps.db.query<{ name: string; bytes: number }>(
    `SELECT file_name AS name, bytes FROM bulk_imports WHERE id = $1`, [seeded.report.importId]);
  return { file: file?.name ?? '-', bytes: Number(file?.bytes ?? 0), report: seeded.report };
}

export function syncDays(deps: Deps, now: Date): Promise<RunReport> {
  return syncOnce(deps, undefined, now);
}

export interface DayCheck {
  status: string;
  expected: number | null;
  stored: number | null;
  pages: number;
  requests: number;
}

/** The checkpoint's record of one day: what the walk found against what the API counted. */
export async function dayCheck(deps: Deps, day: string): Promise<DayCheck> {
  const [row] = await deps.db.query<DayCheck>(
    `SELECT status, expected_count AS expected, stored_count AS stored, pages, requests
     FROM sync_checkpoint WHERE register = $1 AND day = $2`,
    [DEMO_REGISTER, day],
  );
  if (!row) throw new Error(`no checkpoint row for ${day}`);
  return row;
}

/** The fake's log of one day's searches, by the filter each used: how the walk narrowed the day down. */
export function searchesByFilter(requests: readonly RequestRecord[], day: string): Map<string, number> {
  const kinds = new Map<string, number>();
  for (const r of requests) {
    if (!r.path.endsWith('/search') || r.query.date_start !== day) continue;
    const q = r.query;
    const kind = q.address !== undefined ? 'address' : q.postcode !== undefined ? 'postcode'
      : q['constituency[]'] !== undefined ? 'constituency' : q['council[]'] !== undefined ? 'council'
        : q['efficiency_rating[]'] !== undefined ? 'band' : 'whole day';
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return kinds;
}

/** `epc-sync documents --from day --to day`. */
export function fetchDocuments(deps: Deps, day: string): Promise<RunReport> {
  return documentsBackfill(deps, { from: day, to: day });
}

export interface Detail {
  certificate_number: string;
  address_line1: string | null;
  post_town: string | null;
  postcode: string | null;
  current_energy_rating: string | null;
  total_floor_area: number | null;
  walls_description: string | null;
  mainheat_description: string | null;
  heating_cost_current: number | null;
  co2_emissions_current: number | null;
  schema_type: string | null;
}

/** One certificate of the day with its document, as the `certificate_details` view shows it. */
export async function oneDetail(deps: Deps, day: string): Promise<Detail | null> {
  const [row] = await deps.db.query<Detail>(
    `SELECT certificate_number, address_line1, post_town, postcode, current_energy_rating, total_floor_area,
            walls_description, mainheat_description, heating_cost_current, co2_emissions_current, schema_type
     FROM certificate_details
     WHERE register = $1 AND registration_date = $2 AND document_status = 'fetched'
     ORDER BY certificate_number LIMIT 1`,
    [DEMO_REGISTER, day],
  );
  return row ?? null;
}
