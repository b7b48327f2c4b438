/**
 * What the benchmark cases share: the dataset (realistic days from the fake API's generator, the same
 * rows in every case), a bulk ZIP written as a stream, and a fresh database per case.
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pino } from 'pino';
import yazl from 'yazl';
import { addDays } from '../../src/days.js';
import { openDatabase, type Db } from '../../src/db/client.js';
import { bulkCsvChunks, generateDay, type SearchRow } from '../../test/fake-api/index.js';
import { createTestDatabase } from '../../test/helpers/databases.js';

export const FIRST_DAY = '2026-01-05';
export const silent = pino({ level: 'silent' });

export interface Size {
  days: number;
  /** Rows on an ordinary weekday; Tuesdays are busier and weekends quieter, as in the register. */
  perDay: number;
}

export const lastDay = (size: Size) => addDays(FIRST_DAY, size.days - 1);

/** ~4,700 a day on average like the real register: busy Tuesdays (1.4x, over one page), quiet weekends. */
export function rowsOnDay(i: number, perDay: number): number {
  const weekday = i % 7;
  if (weekday === 5) return Math.round(perDay / 3);
  if (weekday === 6) return Math.round(perDay / 6);
  if (weekday === 1) return Math.round(perDay * 1.4);
  return perDay;
}

/** The dataset one day at a time, so a million rows never sit in memory at once where they need not. */
export function* days(size: Size): Generator<SearchRow[]> {
  for (let i = 0; i < size.days; i += 1) yield generateDay(addDays(FIRST_DAY, i), rowsOnDay(i, size.perDay), { seed: i });
}

export function rowCount(size: Size): number {
  let n = 0;
  for (let i = 0; i < size.days; i += 1) n += rowsOnDay(i, size.perDay);
  return n;
}

/** The dataset as a bulk ZIP in the real file's format, streamed to disk. */
export async function writeBulkZip(size: Size, path: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addReadStream(Readable.from(bulkCsvChunks(days(size))), 'certificates.csv');
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
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
