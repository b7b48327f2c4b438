/** How every kind of run ends, and the one wait every part of the tool uses. */
import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../src/errors.js';
import { decideOutcome, type OutcomeInput } from '../../src/runs/outcome.js';
import { wait, waitOrStop } from '../../src/wait.js';

const clean: OutcomeInput = { stoppedBy: null, interrupted: false, daysFailed: 0, failure: null, daysIncomplete: 0 };

describe('a run\'s outcome', () => {
  it('is failed when an error stopped it, even though stopping also aborted it', () => {
    expect(decideOutcome({ ...clean, stoppedBy: new Error('403'), interrupted: true, daysIncomplete: 3 })).toBe('failed');
  });
  it('is interrupted on shutdown, whatever the days did before', () => {
    expect(decideOutcome({ ...clean, interrupted: true, daysFailed: 2 })).toBe('interrupted');
  });
  it('is failed when a day or a step failed, incomplete when days are short, succeeded otherwise', () => {
    expect(decideOutcome({ ...clean, daysFailed: 1, daysIncomplete: 1 })).toBe('failed');
    expect(decideOutcome({ ...clean, failure: new Error('deltas') })).toBe('failed');
    expect(decideOutcome({ ...clean, daysIncomplete: 1 })).toBe('incomplete');
    expect(decideOutcome(clean)).toBe('succeeded');
  });
});

describe('waiting', () => {
  it('ends at once on shutdown, as an AbortedError or as "stopped"', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = wait(60_000, controller.signal).catch((e: unknown) => e);
    const stopped = waitOrStop(60_000, controller.signal);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortedError);
    expect(await stopped).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves no listener behind on a long-lived signal, however many waits it served', async () => {
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 50; i += 1) expect(await waitOrStop(1, controller.signal)).toBe(false);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
