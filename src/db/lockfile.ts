/**
 * The embedded database is one process's files: a second process opening the same directory would
 * corrupt it. A lock file with the owner's pid keeps it to one; a lock left by a dead process is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseError } from '../errors.js';

// Directories this process holds: a pid match alone cannot tell "me, now" from "a previous container
// whose pid was also 1".
const held = new Set<string>();

export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, 'epc-sync.lock');
  if (held.has(path)) {
    throw new DatabaseError('DB_UNAVAILABLE', `the embedded database in ${dataDir} is already open in this process`);
  }
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held.add(path);
      return () => {
        held.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = lockHolder(dataDir);
      if (pid !== null) {
        throw new DatabaseError(
          'DB_IN_USE',
          `the embedded database in ${dataDir} is in use by process ${pid}: stop it first, or set DATABASE_URL to share a PostgreSQL server between processes`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DatabaseError('DB_UNAVAILABLE', `could not lock ${path}`);
}

/** The pid of another live process holding the embedded database in `dataDir`, or null. */
export function lockHolder(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'epc-sync.lock'), 'utf8'));
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
