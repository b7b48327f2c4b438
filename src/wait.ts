/**
 * The one way the tool waits: a timer that a shutdown cuts short. Built on `node:timers/promises`,
 * which removes its abort listener when the timer fires, so a long loop of waits on one signal never
 * piles up listeners. An aborted wait rejects with `AbortedError`; callers that only want to stop
 * waiting use `waitOrStop`.
 */
import { setTimeout as timer } from 'node:timers/promises';
import { AbortedError } from './errors.js';

export async function wait(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new AbortedError();
  if (ms <= 0) return;
  try {
    await timer(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw new AbortedError({ cause: error });
    throw error;
  }
}

/** Waits `ms` or until the signal aborts, whichever comes first; true when the wait was cut short. */
export async function waitOrStop(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await wait(ms, signal);
    return false;
  } catch (error) {
    if (error instanceof AbortedError) return true;
    throw error;
  }
}
