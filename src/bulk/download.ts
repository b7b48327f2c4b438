/**
 * Downloads the latest bulk file to disk, streaming. The download URL is pre-signed and lives ~30 s,
 * so a fresh one is asked for before every attempt. A partial file (`.part`) is resumed with a Range
 * request when the server allows it, else fetched again from the start; it only becomes the real file
 * once its size matches the API's `fileSize`, so an import never reads a half-written file.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import got from 'got';
import type { Logger } from 'pino';
import type { BulkFileInfo } from '../api/files.js';
import type { Register } from '../config/types.js';
import { startProgress } from './progress.js';
import { ensureDataDir } from '../db/data-dir.js';

export interface FilesApi {
  bulkFileInfo(register: Register, signal?: AbortSignal): Promise<BulkFileInfo>;
  bulkFileUrl(register: Register, signal?: AbortSignal): Promise<string>;
}

export interface Downloaded {
  path: string;
  info: BulkFileInfo;
  /** False when a complete copy was already on disk. */
  downloaded: boolean;
}

const MAX_ATTEMPTS = 6;

const sizeOf = (path: string) => stat(path).then((s) => s.size, () => -1);

/** Where the file of this `info` is kept in `dir` (its `.part` beside it while downloading). */
export function bulkFilePath(dir: string, register: Register, info: BulkFileInfo): string {
  return join(dir, `${register}-${info.lastUpdated.slice(0, 10)}.zip`);
}

/** Bytes of the file already on disk, complete or partial: what a download need not fetch again. */
export async function bulkBytesOnDisk(dir: string, register: Register, info: BulkFileInfo): Promise<number> {
  const path = bulkFilePath(dir, register, info);
  const whole = await sizeOf(path);
  return whole === info.fileSize ? whole : Math.max(0, await sizeOf(`${path}.part`));
}

export async function downloadBulkFile(
  api: FilesApi,
  register: Register,
  dir: string,
  logger: Logger,
  signal?: AbortSignal,
  known?: BulkFileInfo,
): Promise<Downloaded> {
  // `known`: the caller asked /info already (the seed, to check the disk first).
  const info = known ?? (await api.bulkFileInfo(register, signal));
  ensureDataDir(dir);
  const path = bulkFilePath(dir, register, info);
  if ((await sizeOf(path)) === info.fileSize) return { path, info, downloaded: false };
  const part = `${path}.part`;
  const progress = startProgress('download', info.fileSize, logger);
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const have = Math.max(await sizeOf(part), 0);
      if (have === info.fileSize) break;
      const url = await api.bulkFileUrl(register, signal);
      // Plain got: the pre-signed URL carries its own signature and must not get our bearer token.
      const stream = got.stream(url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, throwHttpErrors: false, retry: { limit: 0 }, ...(signal ? { signal } : {}) });
      const response = await new Promise<{ statusCode: number }>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      }).catch((error: Error) => ({ statusCode: 0, error }));
      if (response.statusCode !== 200 && response.statusCode !== 206) {
        stream.destroy();
        logger.warn({ attempt, status: response.statusCode }, 'bulk download refused (expired URL?); asking for a fresh one');
        continue;
      }
      const append = response.statusCode === 206;
      if (!append && have > 0) logger.info('server did not resume the partial download; starting again');
      let written = append ? have : 0;
      stream.on('data', (chunk: Buffer) => progress.update((written += chunk.length)));
      try {
        await pipeline(stream, createWriteStream(part, { flags: append ? 'a' : 'w' }));
      } catch (error) {
        if (signal?.aborted) throw error;
        logger.warn({ attempt, err: { message: (error as Error).message } }, 'bulk download interrupted; resuming');
      }
    }
  } finally {
    progress.stop();
  }
  const size = await sizeOf(part);
  if (size !== info.fileSize) {
    throw new Error(`bulk download incomplete after ${MAX_ATTEMPTS} attempts (${size} of ${info.fileSize} bytes); run it again (the sync or import-bulk) to resume where it stopped`);
  }
  await rename(part, path);
  await rm(part, { force: true });
  return { path, info, downloaded: true };
}
