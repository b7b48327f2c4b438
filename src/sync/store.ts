/**
 * Stores one walked day: its rejects, its rows (one COPY and one merge) and its checkpoint
 * outcome commit in ONE transaction, so the checkpoint can never run ahead of the data. A lost lease
 * rolls the whole day back.
 */
import type { Db } from '../db/client.js';
import { upsertCertificates, type UpsertCounts } from '../db/certificates.js';
import { finishDay } from '../db/checkpoint.js';
import { insertRejects } from '../db/rejects.js';
import type { DayFetch } from './walk-day.js';

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
    // The day's rows are distinct already (the collector keys them by certificate number): one COPY and one merge.
    const totals = await upsertCertificates(tx, input.register, fetch.rows);
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
