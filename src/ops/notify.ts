/**
 * Optional webhook (NOTIFY_WEBHOOK_URL): a JSON POST when a run fails, and when the lag crosses the
 * threshold. One post per failed run (keyed by run id, however often it is reported), and one per
 * lag crossing (not again until the lag has come back to the threshold or below). A delivery that
 * fails is not counted, so the next report of the same run or crossing tries again.
 *
 * Never throws: a notice that cannot be sent is logged and dropped, because a broken webhook must
 * not fail a sync. The URL may hold a secret (Slack-style hooks do), so only its origin is logged.
 */
import type { Logger } from 'pino';

export interface RunFailedInfo {
  runId: number;
  kind: string;
  outcome: string;
  error: string | null;
  register: string;
}

export interface LagInfo {
  register: string;
  /** The current lag behind yesterday in days; null when no day is complete yet (counts as lagging). */
  daysBehind: number | null;
  threshold: number;
  newestDoneDay: string | null;
}

export interface Notifier {
  /** Report a run that ended failed (or incomplete). Posts once per run id. */
  runFailed(info: RunFailedInfo): Promise<void>;
  /**
   * Report the current lag, after every run. Posts when it is above the threshold and was not at the
   * last report; a report at or under the threshold re-arms it.
   */
  lagExceeded(info: LagInfo): Promise<void>;
}

export interface NotifierOptions {
  /** undefined: notifications off (every method is a no-op). */
  url: string | undefined;
  logger: Logger;
  /** For tests; default Node's global fetch. */
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  now?: () => Date;
}

/** Run ids already notified; bounded so a daemon that lives for years does not grow without end. */
const MAX_REMEMBERED_RUNS = 1000;

export function createNotifier(o: NotifierOptions): Notifier {
  const log = o.logger.child({ component: 'notify' });
  const doFetch = o.fetchImpl ?? fetch;
  const timeoutMs = o.timeoutMs ?? 5000;
  const now = o.now ?? (() => new Date());

  let target: { url: string; origin: string } | null = null;
  if (o.url) {
    try {
      target = { url: o.url, origin: new URL(o.url).origin };
    } catch {
      log.warn('NOTIFY_WEBHOOK_URL is not a valid URL: notifications are off');
    }
  }

  const notifiedRuns = new Set<number>();
  const lagging = new Map<string, boolean>();

  /** true when the receiver took it (2xx). */
  const post = async (event: string, register: string, message: string, details: Record<string, unknown>): Promise<boolean> => {
    if (!target) return false;
    const body = { event, register, message, ...details, at: now().toISOString() };
    try {
      const res = await doFetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection goes back to the pool.
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) {
        log.warn({ webhook: target.origin, event, status: res.status }, 'notification webhook refused the post');
        return false;
      }
      log.info({ webhook: target.origin, event }, 'notification sent');
      return true;
    } catch (error) {
      // fetch's message ("fetch failed") and its cause's code never include the URL's path or query.
      const err = error as Error & { cause?: { code?: string } };
      log.warn({ webhook: target.origin, event, err: { name: err.name, message: err.message, code: err.cause?.code } }, 'notification webhook unreachable');
      return false;
    }
  };

  const lagExceeded = async (info: LagInfo): Promise<void> => {
    const behind = info.daysBehind ?? Number.POSITIVE_INFINITY;
    if (behind <= info.threshold) {
      lagging.set(info.register, false);
      return;
    }
    if (lagging.get(info.register)) return;
    // Marked before the post, so two reports at once send one notice.
    lagging.set(info.register, true);
    const message = info.daysBehind === null
      ? `the ${info.register} mirror has no complete day yet (threshold ${info.threshold} days)`
      : `the ${info.register} mirror is ${info.daysBehind} days behind yesterday (threshold ${info.threshold}); newest complete day ${info.newestDoneDay ?? 'none'}`;
    const sent = await post('lag_exceeded', info.register, message, {
      daysBehind: info.daysBehind,
      threshold: info.threshold,
      newestDoneDay: info.newestDoneDay,
    });
    if (!sent && target) lagging.set(info.register, false);
  };

  return {
    async runFailed(info) {
      if (notifiedRuns.has(info.runId)) return;
      notifiedRuns.add(info.runId);
      if (notifiedRuns.size > MAX_REMEMBERED_RUNS) {
        const oldest = notifiedRuns.values().next().value;
        if (oldest !== undefined) notifiedRuns.delete(oldest);
      }
      const message = `epc-sync ${info.kind} run #${info.runId} ended ${info.outcome}${info.error ? `: ${info.error}` : ''}`;
      const sent = await post('run_failed', info.register, message, {
        runId: info.runId,
        kind: info.kind,
        outcome: info.outcome,
        error: info.error,
      });
      if (!sent && target) notifiedRuns.delete(info.runId);
    },
    lagExceeded,
  };
}
