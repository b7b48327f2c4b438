/**
 * Stores one walked day: its rejects, its rows (one set-based statement per chunk) and its checkpoint
 * outcome commit in ONE transaction, so the checkpoint can never run ahead of the data. A lost lease
 * rolls the whole day back.
 */
import type { Db } from '../db/client.js';
import { upsertCertificates, type UpsertCounts } from '../db/certificates.js';
import { finishDay } from '../db/checkpoint.js';
import { insertRejects } from '../db/rejects.js';
import type { DayFetch } from './walk-day.js';

/** Rows per statement: a full API page, so a normal day is one or two statements. */
export const UPSERT_CHUNK = 5000;

export interface StoreInput {
  register: string;
  owner: string;
  runId: number;
  fetch: DayFetch;
}

export interface StoreResult extends UpsertCounts {
  status: 'done' | 'incomplete';
}

export async function storeDay(db: Db, input: StoreInput): Promise<StoreResult> {
  const { fetch } = input;
  const status = fetch.complete ? 'done' : 'incomplete';
  return db.transaction(async (tx) => {
    await insertRejects(tx, input.register, input.runId, fetch.rejects);
    const totals: UpsertCounts = { inserted: 0, changed: 0, unchanged: 0 };
    for (let i = 0; i < fetch.rows.length; i += UPSERT_CHUNK) {
      const counts = await upsertCertificates(tx, input.register, fetch.rows.slice(i, i + UPSERT_CHUNK));
      totals.inserted += counts.inserted;
      totals.changed += counts.changed;
      totals.unchanged += counts.unchanged;
    }
    await finishDay(tx, {
      register: input.register,
      day: fetch.day,
      owner: input.owner,
      status,
      expectedCount: fetch.expected,
      storedCount: fetch.rows.length,
      rejectedCount: fetch.rejects.length,
      pages: fetch.pages,
      requests: fetch.requests,
      error: fetch.complete
        ? null
        : `${fetch.shortfall} of ${fetch.expected} certificates could not be fetched after reconciliation; the next run retries this day`,
    });
    return { status, ...totals };
  });
}
