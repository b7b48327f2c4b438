/**
 * The `sync_checkpoint` table: one row per (register, day). A day is worked only under a lease
 * (`lease_owner` + `lease_expires_at`) taken by one atomic statement, so two processes never walk the
 * same day at once and a process that dies loses its days once the lease runs out. A day becomes
 * `done` only in the transaction that stored its rows (see sync/store.ts).
 */
import type { Queryable } from './client.js';
import type { DayStatus } from './schema.js';
import { DatabaseError } from '../errors.js';

export interface DayKey {
  register: string;
  day: string;
}

export interface DayState {
  day: string;
  status: DayStatus;
  expectedCount: number | null;
  storedCount: number | null;
}

export type ClaimResult =
  | { kind: 'claimed'; previous: DayState | null }
  | { kind: 'done' }
  | { kind: 'busy'; leaseExpiresAt: Date | null };

export interface ClaimInput extends DayKey {
  owner: string;
  runId: number;
  leaseSeconds: number;
  /** Take the day even when it is done (backfill --force, a lookback re-walk). */
  force: boolean;
}

/** Inserts `pending` rows for every day of a range that has none, so progress shows from the start. */
export async function seedPending(q: Queryable, register: string, from: string, to: string): Promise<void> {
  await q.query(
    `INSERT INTO sync_checkpoint (register, day, status)
     SELECT $1, d::date, 'pending' FROM generate_series($2::date, $3::date, interval '1 day') AS d
     ON CONFLICT (register, day) DO NOTHING`,
    [register, from, to],
  );
}

/**
 * A day no run has learned anything about: `pending` with no outcome ever recorded (never walked, or
 * claimed and given back untouched, as after a refused token) and no certificate stored under it.
 */
const UNTOUCHED = `s.status = 'pending' AND s.finished_at IS NULL AND s.expected_count IS NULL
  AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.register = s.register AND c.registration_date = s.day)`;

/** Untouched days before `before`, oldest first: what a raised SYNC_START_DATE leaves out. */
export async function untouchedDaysBefore(q: Queryable, register: string, before: string): Promise<string[]> {
  const rows = await q.query<{ day: string }>(
    `SELECT s.day::text AS day FROM sync_checkpoint s WHERE s.register = $1 AND s.day < $2 AND ${UNTOUCHED} ORDER BY s.day`,
    [register, before],
  );
  return rows.map((r) => r.day);
}

/**
 * Removes the given days from the checkpoint if they are still untouched (another process may have
 * claimed one since they were read), so `status` and `sync_missing_days` start at SYNC_START_DATE.
 * Returns how many went. The only DELETE on the checkpoint: it holds nothing but a placeholder.
 */
export async function dropUntouchedDays(q: Queryable, register: string, days: readonly string[]): Promise<number> {
  if (days.length === 0) return 0;
  const rows = await q.query(
    `DELETE FROM sync_checkpoint s WHERE s.register = $1 AND s.day = ANY($2::date[]) AND ${UNTOUCHED} RETURNING s.day`,
    [register, days],
  );
  return rows.length;
}

/** Takes the day's lease in one statement; reports why not when it cannot. */
export async function claimDay(q: Queryable, input: ClaimInput): Promise<ClaimResult> {
  const rows = await q.query<{ previous: DayState | null }>(
    `WITH before AS (
       SELECT day::text AS day, status, expected_count AS "expectedCount", stored_count AS "storedCount"
       FROM sync_checkpoint WHERE register = $1 AND day = $2
     )
     INSERT INTO sync_checkpoint AS s (register, day, status, lease_owner, lease_expires_at, run_id, started_at, attempts, updated_at)
     VALUES ($1, $2, 'running', $3, now() + make_interval(secs => $4), $5, now(), 1, now())
     ON CONFLICT (register, day) DO UPDATE SET
       status = 'running', lease_owner = excluded.lease_owner, lease_expires_at = excluded.lease_expires_at,
       run_id = excluded.run_id, started_at = now(), attempts = s.attempts + 1, last_error = NULL, updated_at = now()
     WHERE (s.status <> 'done' OR $6::boolean)
       AND (s.status <> 'running' OR s.lease_owner = $3 OR s.lease_expires_at IS NULL OR s.lease_expires_at < now())
     RETURNING (SELECT row_to_json(before) FROM before) AS previous`,
    [input.register, input.day, input.owner, input.leaseSeconds, input.runId, input.force],
  );
  const claimed = rows[0];
  if (claimed) return { kind: 'claimed', previous: claimed.previous };
  const [current] = await q.query<{ status: DayStatus; lease_expires_at: Date | null }>(
    `SELECT status, lease_expires_at FROM sync_checkpoint WHERE register = $1 AND day = $2`,
    [input.register, input.day],
  );
  if (current?.status === 'done') return { kind: 'done' };
  return { kind: 'busy', leaseExpiresAt: current?.lease_expires_at ?? null };
}

/** Extends every lease the owner holds; returns how many it still holds. */
export async function renewLeases(q: Queryable, owner: string, leaseSeconds: number): Promise<number> {
  const rows = await q.query(
    `UPDATE sync_checkpoint SET lease_expires_at = now() + make_interval(secs => $2), updated_at = now()
     WHERE lease_owner = $1 AND status = 'running' RETURNING day`,
    [owner, leaseSeconds],
  );
  return rows.length;
}

export interface DayOutcome extends DayKey {
  owner: string;
  status: Exclude<DayStatus, 'running'>;
  expectedCount: number | null;
  /**
   * Non-domestic: certificates `expectedCount` counts that search never serves (no recommendation
   * report); null when not known, or for a register whose search serves all it counts.
   */
  notServed?: number | null;
  storedCount: number | null;
  rejectedCount: number;
  pages: number;
  requests: number;
  error: string | null;
}

/**
 * Records a day's outcome and gives up its lease. A walk that ends done verifies the day (the
 * re-verification's clock). Throws LEASE_LOST when the lease had passed to another process, so the
 * caller's transaction (holding the day's rows) rolls back with it.
 */
export async function finishDay(q: Queryable, outcome: DayOutcome): Promise<void> {
  const rows = await q.query(
    `UPDATE sync_checkpoint SET
       status = $4, expected_count = $5, stored_count = $6, rejected_count = $7,
       pages = $8, requests = $9, last_error = $10, not_served = $11,
       lease_owner = NULL, lease_expires_at = NULL, finished_at = now(), updated_at = now(),
       verified_at = CASE WHEN $4 = 'done' THEN now() ELSE verified_at END
     WHERE register = $1 AND day = $2 AND lease_owner = $3
     RETURNING day`,
    [
      outcome.register,
      outcome.day,
      outcome.owner,
      outcome.status,
      outcome.expectedCount,
      outcome.storedCount,
      outcome.rejectedCount,
      outcome.pages,
      outcome.requests,
      outcome.error,
      outcome.notServed ?? null,
    ],
  );
  if (rows.length === 0) {
    throw new DatabaseError(
      'LEASE_LOST',
      `day ${outcome.day} was taken over by another process while this one worked on it (lease expired); its result was discarded. If this repeats, raise SYNC_LEASE_SECONDS`,
    );
  }
}

/**
 * Gives a day back without an outcome (shutdown, a refused range): it returns to the state it had
 * before the claim, or `pending`, so nothing looks done that was not stored.
 */
export async function releaseDay(q: Queryable, key: DayKey, owner: string, previous: DayStatus | null): Promise<void> {
  const status: DayStatus = previous === 'done' ? 'done' : previous === null || previous === 'running' ? 'pending' : previous;
  await q.query(
    `UPDATE sync_checkpoint SET status = $4, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
     WHERE register = $1 AND day = $2 AND lease_owner = $3`,
    [key.register, key.day, owner, status],
  );
}

/** Days of a range that are not done (or whose lease has run out), oldest first. */
export async function daysNotDone(q: Queryable, register: string, from: string, to: string): Promise<string[]> {
  const rows = await q.query<{ day: string }>(
    `SELECT day::text AS day FROM sync_checkpoint
     WHERE register = $1 AND day BETWEEN $2 AND $3 AND status <> 'done' ORDER BY day`,
    [register, from, to],
  );
  return rows.map((r) => r.day);
}

/** Done days of a range (for the planner to skip). */
export async function doneDays(q: Queryable, register: string, from: string, to: string): Promise<Set<string>> {
  const rows = await q.query<{ day: string }>(
    `SELECT day::text AS day FROM sync_checkpoint
     WHERE register = $1 AND day BETWEEN $2 AND $3 AND status = 'done'`,
    [register, from, to],
  );
  return new Set(rows.map((r) => r.day));
}

/** The newest done day (the frontier the incremental sync continues from), if any. */
export async function newestDoneDay(q: Queryable, register: string): Promise<string | null> {
  const [row] = await q.query<{ day: string | null }>(
    `SELECT max(day)::text AS day FROM sync_checkpoint WHERE register = $1 AND status = 'done'`,
    [register],
  );
  return row?.day ?? null;
}

/** The `limit` most recent done days with the total recorded for each: the lookback candidates. */
export async function recentDoneDays(q: Queryable, register: string, upTo: string, limit: number): Promise<DayState[]> {
  if (limit <= 0) return [];
  return q.query<DayState>(
    `SELECT day::text AS day, status, expected_count AS "expectedCount", stored_count AS "storedCount"
     FROM sync_checkpoint WHERE register = $1 AND status = 'done' AND day <= $2
     ORDER BY day DESC LIMIT $3`,
    [register, upTo, limit],
  );
}

/**
 * Up to `limit` done days up to `upTo`, never-verified first, then those verified longest ago (ties
 * oldest day first): the re-verification candidates, in the order they are due.
 */
export async function leastRecentlyVerifiedDays(q: Queryable, register: string, upTo: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await q.query<{ day: string }>(
    `SELECT day::text AS day FROM sync_checkpoint
     WHERE register = $1 AND status = 'done' AND day <= $2
     ORDER BY verified_at ASC NULLS FIRST, day LIMIT $3`,
    [register, upTo, limit],
  );
  return rows.map((r) => r.day);
}
