/**
 * How a run ended, from what happened in it. Pure, and the same for every kind of run:
 *
 *   stopped by an error (a bad token, a wrong base URL, an API host that never answers) → failed
 *   else shut down before the end                                                      → interrupted
 *   else a day (or a step such as the deltas) failed                                    → failed
 *   else a day still short after reconciliation (or held by another process)           → incomplete
 *   else                                                                                → succeeded
 */
import type { RunOutcome } from '../db/schema.js';

export type FinalOutcome = Exclude<RunOutcome, 'running'>;

export interface OutcomeInput {
  stoppedBy: Error | null;
  interrupted: boolean;
  daysFailed: number;
  /** A failure that did not stop the run (the deltas, say). */
  failure: Error | null;
  daysIncomplete: number;
}

export function decideOutcome(input: OutcomeInput): FinalOutcome {
  if (input.stoppedBy) return 'failed';
  if (input.interrupted) return 'interrupted';
  if (input.daysFailed > 0 || input.failure) return 'failed';
  if (input.daysIncomplete > 0) return 'incomplete';
  return 'succeeded';
}
