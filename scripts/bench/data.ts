/**
 * What the benchmark cases share: the datasets (realistic days from the fake API's generator, the same
 * rows in every case), the bulk ZIP in the real export layout written as a stream, and a fresh
 * database per case.
 */
import { pino } from 'pino';
import { addDays } from '../../src/days.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { generateDay, writeBulkZip as writeExportZip, type SearchRow, type WrittenBulkZip } from '../../test/fake-api/index.js';
import { createTestDatabase } from '../../test/helpers/databases.js';

/** The API-pipeline dataset's first day (a Monday). */
export const FIRST_DAY = '2026-01-05';
export const silent = pino({ level: 'silent' });

export interface Size {
  days: number;
  /** Rows on an ordinary weekday; Tuesdays are busier and weekends quieter, as in the register. */
  perDay: number;
  /** The first day (FIRST_DAY when not given). */
  from?: string;
  /** Days between two days of the dataset (1 when not given: consecutive days). */
  stride?: number;
}

/** The bulk datasets' days run from here to BULK_LAST_DAY, so the ZIP holds one entry per year, 2019–2026. */
export const BULK_FIRST_DAY = '2019-01-07';
const BULK_LAST_DAY = '2026-10-30';

/** `days` days of `perDay` spread evenly over 2019–2026, as the bulk file spans the register's years. */
export function spread(days: number, perDay: number): Size {
  const span = Math.round((Date.parse(BULK_LAST_DAY) - Date.parse(BULK_FIRST_DAY)) / 86_400_000);
  return { days, perDay, from: BULK_FIRST_DAY, stride: Math.max(1, Math.floor(span / Math.max(1, days - 1))) };
}

export const dayOf = (size: Size, i: number) => addDays(size.from ?? FIRST_DAY, i * (size.stride ?? 1));
export const lastDay = (size: Size) => dayOf(size, size.days - 1);

/** ~4,700 a day on average like the real register: busy Tuesdays (1.4x, over one page), quiet weekends. */
export function rowsOnDay(day: string, perDay: number): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  if (weekday === 6) return Math.round(perDay / 3);
  if (weekday === 0) return Math.round(perDay / 6);
  if (weekday === 2) return Math.round(perDay * 1.4);
  return perDay;
}

/** The dataset one day at a time, in day order, so a million rows never sit in memory at once. */
export function* days(size: Size): Generator<SearchRow[]> {
  for (let i = 0; i < size.days; i += 1) {
    const day = dayOf(size, i);
    yield generateDay(day, rowsOnDay(day, size.perDay), { seed: i });
  }
}

export function rowCount(size: Size): number {
  let n = 0;
  for (let i = 0; i < size.days; i += 1) n += rowsOnDay(dayOf(size, i), size.perDay);
  return n;
}

/**
 * The dataset as the service publishes its monthly file (the fake API's writer: certificates-YYYY.csv
 * and recommendations-YYYY.csv per lodgement year, deflated at the export's level 6), streamed to disk.
 */
export function writeBulkZip(size: Size, path: string): Promise<WrittenBulkZip> {
  return writeExportZip(path, days(size), { seed: 1 });
}

export interface PreparedDatabase {
  /** The environment that points the tool at this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/**
 * A new, migrated database (the tests' own helper): a PGlite directory, or a database on the server
 * named by DATABASE_URL. Made by the parent, so a case's peak RSS leaves out PGlite's initdb.
 */
export async function prepareDatabase(): Promise<PreparedDatabase> {
  const admin = process.env.DATABASE_URL || undefined;
  const database = await createTestDatabase(admin ? 'postgres' : 'pglite', admin);
  await (await database.open()).close();
  return { env: { DATABASE_URL: '', ...database.env }, drop: () => database.drop() };
}

/** Opens a database `prepareDatabase` made, in the case's process. */
export function openPrepared(env: Record<string, string>): Promise<Db> {
  return openDatabase({ url: env.DATABASE_URL || undefined, dataDir: env.EPC_DATA_DIR ?? '' }, silent);
}
