/**
 * What the demo prints: its own few lines, not the tool's JSON log. The tool logs at `warn` into
 * `quietLogger`, which turns each record (there should be none) into one readable line.
 */
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

export type Write = (text: string) => void;

export function quietLogger(write: Write): Logger {
  return createLogger('warn', {
    write(line: string) {
      const { level, msg, time: _t, service: _s, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const label = typeof level === 'number' && level >= 50 ? 'error' : 'warning';
      const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      write(`    ${label}: ${String(msg)}${rest}\n`);
    },
  });
}

/** 12,345 */
export const n = (value: number) => value.toLocaleString('en-GB');

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs `work`, returning its result and how long it took. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const result = await work();
  return [result, Date.now() - started];
}

export const indent = (text: string, by = '    ') => text.split('\n').map((l) => (l ? by + l : l)).join('\n');
