/**
 * Applying the API's change feed (/api/deltas). Removed certificates are flagged, never deleted; a
 * UPRN correction updates the row and keeps the old value in `certificate_events`. Every statement is
 * idempotent (events are unique per certificate, kind and timestamp), and a day of deltas is recorded
 * in `delta_checkpoint` in the same transaction as its effects.
 */
import type { Queryable } from './client.js';

export interface RemovalEvent {
  certificateNumber: string;
  timestamp: string;
}

export interface UprnChange {
  certificateNumber: string;
  timestamp: string;
  newUprn: number | null;
  /** The refreshed document, when it could be fetched. */
  document: unknown;
}

/**
 * Flags removed certificates and records each removal once; returns how many rows were flagged. A
 * removal explains a certificate an exact walk had flagged missing (usually a walk earlier in the same
 * sync, which stores its days before it reads the deltas), so that flag goes.
 */
export async function applyRemovals(q: Queryable, register: string, events: readonly RemovalEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const [row] = await q.query<{ flagged: number }>(
    `WITH input AS (
       SELECT * FROM json_to_recordset($1::json) AS r("certificateNumber" text, timestamp timestamptz)
     ), recorded AS (
       INSERT INTO certificate_events (register, certificate_number, event, event_at)
       SELECT coalesce(c.register, $2), i."certificateNumber", 'removed', i.timestamp
       FROM input i LEFT JOIN certificates c ON c.certificate_number = i."certificateNumber"
       ON CONFLICT DO NOTHING
       RETURNING 1
     ), flagged AS (
       UPDATE certificates c SET removed_at = i.timestamp, missing_since = NULL
       FROM input i
       WHERE c.certificate_number = i."certificateNumber" AND c.removed_at IS NULL
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM flagged)::int AS flagged`,
    [JSON.stringify(events), register],
  );
  return row?.flagged ?? 0;
}

/**
 * Applies one UPRN correction: history first (with the old value), then the row and its document. A
 * walk that already stored the new UPRN recorded the change (the merge), so it is not recorded twice.
 */
export async function applyUprnChange(q: Queryable, register: string, change: UprnChange): Promise<boolean> {
  const rows = await q.query(
    `WITH old AS (
       SELECT register, certificate_number, uprn FROM certificates WHERE certificate_number = $1
     ), recorded AS (
       INSERT INTO certificate_events (register, certificate_number, event, old_uprn, new_uprn, event_at)
       SELECT coalesce(register, $2), certificate_number, 'uprn_updated', uprn, $3, $4 FROM old
       WHERE uprn IS DISTINCT FROM $3
          OR NOT EXISTS (SELECT 1 FROM certificate_events e
                         WHERE e.certificate_number = $1 AND e.event = 'uprn_updated' AND e.new_uprn IS NOT DISTINCT FROM $3)
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     UPDATE certificates SET
       uprn = $3,
       document = coalesce($5::jsonb, document),
       document_status = CASE WHEN $5::jsonb IS NULL THEN document_status ELSE 'fetched' END,
       document_fetched_at = CASE WHEN $5::jsonb IS NULL THEN document_fetched_at ELSE now() END,
       last_changed_at = CASE WHEN uprn IS DISTINCT FROM $3 THEN now() ELSE last_changed_at END
     WHERE certificate_number = $1
     RETURNING 1`,
    [change.certificateNumber, register, change.newUprn, change.timestamp, change.document === undefined ? null : JSON.stringify(change.document)],
  );
  return rows.length > 0;
}

export interface DeltaDay {
  register: string;
  day: string;
  events: number;
  removed: number;
  uprnUpdated: number;
}

export async function recordDeltaDay(q: Queryable, d: DeltaDay): Promise<void> {
  await q.query(
    `INSERT INTO delta_checkpoint (register, day, events, removed, uprn_updated, applied_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (register, day) DO UPDATE SET events = excluded.events, removed = excluded.removed,
       uprn_updated = excluded.uprn_updated, applied_at = now()`,
    [d.register, d.day, d.events, d.removed, d.uprnUpdated],
  );
}

/** The newest day of deltas applied, for any register (the feed is one for all), or null when none has been. */
export async function deltaFrontier(q: Queryable): Promise<string | null> {
  const [row] = await q.query<{ day: string | null }>(`SELECT max(day)::text AS day FROM delta_checkpoint`);
  return row?.day ?? null;
}

/** The day the mirror began (its first run of any register): deltas before it are already reflected in what it fetched. */
export async function mirrorStartDay(q: Queryable): Promise<string | null> {
  const [row] = await q.query<{ day: string | null }>(
    `SELECT (min(started_at) AT TIME ZONE 'Europe/London')::date::text AS day FROM sync_runs`,
  );
  return row?.day ?? null;
}
