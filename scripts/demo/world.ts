/**
 * The demo's register, served by the project's fake EPB API on loopback: about a month of older days
 * the monthly bulk file carries, then a week of recent days only the API has, one of them a busy day
 * in one council with more rows without an energy band than fit a page (no band, council or
 * constituency filter can split them; the address filters must). Seeded, so every run is the same.
 */
import { addDays, eachDay, generateDay, isWeekend, startFakeApi, type FakeApi, type SearchRow } from '../../test/fake-api/index.js';

/** Small pages, so a busy day of a thousand rows shows what a busy day of 30,000 does at 5,000 a page. */
export const DEMO_PAGE_SIZE = 500;

const BUSY_PLACE = ['Exeter', 'Exeter'] as const;
const BUSY_ROWS = 1_300;
const BUSY_WITHOUT_BAND = 600;

export interface DemoWorld {
  api: FakeApi;
  /** The days the bulk file covers, and its certificates. */
  bulk: { from: string; to: string; certificates: number };
  /** The days after the file: the API's alone. */
  recent: { from: string; to: string; certificates: number };
  busy: { day: string; certificates: number; withoutBand: number; council: string };
}

const perDay = (day: string) => (isWeekend(day) ? 30 : 120);

export async function startDemoWorld(today: string): Promise<DemoWorld> {
  // The real WAF's limit stays on (6,000 requests in 5 minutes per client): the demo stays far below it.
  const api = await startFakeApi({ today: () => today, seed: 2026 });
  const yesterday = addDays(today, -1);
  const bulk = { from: addDays(yesterday, -37), to: addDays(yesterday, -8), certificates: 0 };
  const recent = { from: addDays(yesterday, -7), to: yesterday, certificates: 0 };
  let busyDay = addDays(yesterday, -2);
  while (isWeekend(busyDay)) busyDay = addDays(busyDay, -1);

  const older: SearchRow[] = [];
  for (const day of eachDay(bulk.from, bulk.to)) older.push(...generateDay(day, perDay(day), { seed: 1 }));
  api.store.addCertificates(older);
  bulk.certificates = older.length;
  for (const day of eachDay(recent.from, recent.to)) {
    const rows = day === busyDay
      ? generateDay(day, BUSY_ROWS, { seed: 2, place: BUSY_PLACE, noBand: BUSY_WITHOUT_BAND })
      : generateDay(day, perDay(day), { seed: 2 });
    api.store.addCertificates(rows);
    recent.certificates += rows.length;
  }
  // The file is rebuilt on a night after its last day, as the service's monthly export is.
  await api.publishBulkFile({ rows: older, lastUpdated: `${addDays(bulk.to, 1)}T00:31:19.000+00:00` });
  return {
    api,
    bulk,
    recent,
    busy: { day: busyDay, certificates: BUSY_ROWS, withoutBand: BUSY_WITHOUT_BAND, council: BUSY_PLACE[0] },
  };
}
