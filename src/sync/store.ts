/**
 * Stores one walked day: its rejects, its rows (one COPY and one merge; rows the API answered for
 * another day under their own day), the flags on stored
 * certificates an exact walk no longer found, and its checkpoint outcome (with, for non-domestic, the
 * certificates counted but never served) commit in ONE transaction, so the checkpoint can never run
 * ahead of the data. A lost lease rolls the whole day back.
 */
import type { Db } from '../db/client.js';
import { flagMissing, upsertCertificates, type UpsertCounts } from '../db/certificates.js';
import { finishDay } from '../db/checkpoint.js';
import { insertRejects } from '../db/rejects.js';
import { servedNumbers } from './served.js';
import type { DayFetch } from './walk-day.js';

export interface StoreInput {
  register: string;
  owner: string;
  runId: number;
  fetch: DayFetch;
}

export interface StoreResult extends UpsertCounts {
  status: 'done' | 'incomplete';
  /** Stored certificates of the day this walk flagged missing (only an exact walk flags any). */
  missing: number;
}

export async function storeDay(db: Db, input: StoreInput): Promise<StoreResult> {
  const { fetch } = input;
  const status = fetch.complete ? 'done' : 'incomplete';
  return db.transaction(async (tx) => {
    await insertRejects(tx, input.register, input.runId, fetch.rejects);
    // The day's rows are distinct already (the collector keys them by certificate number): one COPY and one merge.
    const totals = await upsertCertificates(tx, input.register, fetch.rows);
    // Rows the API answered for other days are stored under their own day, and never counted on this one.
    const held = new Set(fetch.rows.map((r) => r.certificateNumber));
    const strays = fetch.strays.filter((row) => !held.has(row.certificateNumber));
    if (strays.length > 0) await upsertCertificates(tx, input.register, strays);
    // Gone from search with no removal reported: only a walk that reached every row may say so.
    const served = servedNumbers(fetch);
    const missing = served ? await flagMissing(tx, input.register, fetch.day, served) : 0;
    await finishDay(tx, {
      register: input.register,
      day: fetch.day,
      owner: input.owner,
      status,
      expectedCount: fetch.expected,
      notServed: fetch.notServed ?? null,
      storedCount: fetch.rows.length,
      rejectedCount: fetch.rejects.length,
      pages: fetch.pages,
      requests: fetch.requests,
      error: fetch.complete ? null : shortOf(fetch),
    });
    return { status, ...totals, missing };
  });
}

/** Why a day is incomplete, for the checkpoint's last_error. */
function shortOf(fetch: DayFetch): string {
  const retry = `reconciliation stopped at: ${fetch.stoppedAt ?? 'pages'}. The next run retries this day`;
  if (fetch.served === undefined) return `${fetch.shortfall} of ${fetch.expected} certificates could not be fetched; ${retry}`;
  const of = `${fetch.shortfall} of the ${fetch.served} certificates search serves could not be fetched`;
  if (fetch.pagesDisagree) return `${of} (its pages disagree on how many it serves: it dropped rows); ${retry}`;
  return `${of} (${fetch.notServed ?? 0} more are counted but never served: no recommendation report); ${retry}`;
}
