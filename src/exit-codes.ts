/** Exit codes, documented in the README: scripts and orchestrators depend on them. */
import { isFatal } from './errors.js';
import type { RunReport } from './sync/run.js';

export const EXIT_OK = 0;
/** Some day failed or is incomplete (or a run was interrupted before every day was done). */
export const EXIT_INCOMPLETE = 1;
/** Configuration or authentication error: retrying will not help. */
export const EXIT_CONFIG = 2;

export function exitCodeForRun(report: RunReport): number {
  if (report.fatal) return isFatal(report.fatal) ? EXIT_CONFIG : EXIT_INCOMPLETE;
  return report.outcome === 'succeeded' ? EXIT_OK : EXIT_INCOMPLETE;
}

export function exitCodeForError(error: unknown): number {
  return isFatal(error) ? EXIT_CONFIG : EXIT_INCOMPLETE;
}
