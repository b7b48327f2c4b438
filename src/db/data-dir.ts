/**
 * Makes sure EPC_DATA_DIR is a directory this process can write, creating what is missing one level
 * at a time. Not `mkdirSync(…, { recursive: true })`: on Node 20 that loops for ever, at full CPU and
 * deaf to signals, on a path such as /proc/nope. Every failure names the setting (exit 2).
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors.js';

export function ensureDataDir(dataDir: string): void {
  const full = resolve(dataDir);
  const missing: string[] = [];
  let existing = full;
  for (;;) {
    const kind = kindOf(existing);
    if (kind === 'directory') break;
    if (kind === 'other') throw new ConfigError(`EPC_DATA_DIR ${dataDir}: ${existing} exists and is not a directory; point EPC_DATA_DIR at a directory`);
    const parent = dirname(existing);
    if (parent === existing) throw new ConfigError(`EPC_DATA_DIR ${dataDir} cannot be created; point EPC_DATA_DIR at a writable directory`);
    missing.unshift(existing);
    existing = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (cause) {
      throw new ConfigError(`EPC_DATA_DIR ${dataDir} cannot be created (${(cause as NodeJS.ErrnoException).code ?? 'error'} at ${dir}); point EPC_DATA_DIR at a writable directory`, { cause });
    }
  }
  try {
    accessSync(full, constants.W_OK);
  } catch (cause) {
    throw new ConfigError(`EPC_DATA_DIR ${dataDir} is not writable by this user; fix its permissions or point EPC_DATA_DIR elsewhere`, { cause });
  }
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    throw new ConfigError(`EPC_DATA_DIR: cannot read ${path} (${code ?? 'error'}); point EPC_DATA_DIR at a writable directory`, { cause: error });
  }
}
