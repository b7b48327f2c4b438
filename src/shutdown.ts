/**
 * Signal handling for every command: the first SIGTERM/SIGINT aborts `signal` (stop scheduling,
 * release or finish what is in flight, commit, close); a second one exits at once.
 */
import type { Logger } from 'pino';

export const EXIT_FORCED = 130;

export interface Shutdown {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function installShutdown(logger: Logger): Shutdown {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn({ signal: name }, 'second signal: exiting now without waiting');
      process.exit(EXIT_FORCED);
    }
    logger.info({ signal: name }, 'shutting down: no new days; releasing or finishing the days in flight');
    controller.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
