/**
 * Follows the register's change feed: for every day after the delta frontier up to yesterday, reads
 * /api/deltas and applies it in one transaction with its delta_checkpoint row. `removed` flags the
 * certificate (never deletes it); `uprn_updated` refetches the document and updates the row, keeping
 * the old UPRN in certificate_events.
 */
import type { Logger } from 'pino';
import { addDays, eachDay } from '../days.js';
import type { Db } from '../db/client.js';
import { applyRemovals, applyUprnChange, deltaFrontier, mirrorStartDay, recordDeltaDay, type UprnChange } from '../db/deltas.js';
import type { EpbApi } from './ports.js';

export interface DeltasReport {
  from: string | null;
  to: string;
  days: number;
  events: number;
  removed: number;
  uprnUpdated: number;
}

export interface DeltaDeps {
  db: Db;
  api: EpbApi;
  logger: Logger;
  /**
   * The registers the sync keeps. The feed is one for all of them (a certificate number is unique
   * across registers): each day is applied once and recorded for each register.
   */
  registers: readonly string[];
  /** On an empty delta checkpoint, start this many days before the mirror's first run. */
  lookbackDays: number;
}

export async function applyDeltas(deps: DeltaDeps, newest: string, signal?: AbortSignal): Promise<DeltasReport> {
  const { db, api, registers, logger } = deps;
  const frontier = await deltaFrontier(db);
  // Before the mirror existed, what it fetched already reflects any change; start a little earlier anyway.
  const started = (await mirrorStartDay(db)) ?? newest;
  const from = frontier ? addDays(frontier, 1) : addDays(started < newest ? started : newest, -deps.lookbackDays);
  const report: DeltasReport = { from: from <= newest ? from : null, to: newest, days: 0, events: 0, removed: 0, uprnUpdated: 0 };
  for (const day of eachDay(from, newest)) {
    if (signal?.aborted) break;
    const events = await api.deltas(day, day, signal);
    const removals = events.filter((e) => e.eventType === 'removed').map((e) => ({ certificateNumber: e.certificateNumber, timestamp: e.timestamp }));
    const changes: UprnChange[] = [];
    for (const e of events.filter((x) => x.eventType === 'uprn_updated')) {
      const doc = await api.certificate(e.certificateNumber, signal);
      if (doc.kind === 'not_found') {
        // Removed since, most likely (a removal event follows): nothing to correct.
        logger.warn({ day, certificate: e.certificateNumber }, 'uprn_updated for a certificate the API no longer serves; skipped');
        continue;
      }
      const uprn = doc.document.uprn;
      changes.push({ certificateNumber: e.certificateNumber, timestamp: e.timestamp, newUprn: typeof uprn === 'number' ? uprn : null, document: doc.document });
    }
    const applied = await db.transaction(async (tx) => {
      // A certificate's event takes its own register; one the mirror does not hold, the first register's.
      const removed = await applyRemovals(tx, registers[0]!, removals);
      let updated = 0;
      for (const change of changes) if (await applyUprnChange(tx, registers[0]!, change)) updated += 1;
      for (const register of registers) await recordDeltaDay(tx, { register, day, events: events.length, removed, uprnUpdated: updated });
      return { removed, updated };
    });
    report.days += 1;
    report.events += events.length;
    report.removed += applied.removed;
    report.uprnUpdated += applied.updated;
    if (events.length > 0) logger.info({ day, events: events.length, removed: applied.removed, uprnUpdated: applied.updated }, 'deltas applied');
  }
  return report;
}
