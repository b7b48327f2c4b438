/**
 * Optional webhook (NOTIFY_WEBHOOK_URL): a JSON POST when a run fails or when the lag crosses the
 * threshold. Once per failed run (not per retry), once per crossing (not again until the lag has
 * recovered). Never throws: a notification that cannot be sent is logged and dropped. The URL may
 * hold a secret, so only its origin is ever logged.
 */
import type { Logger } from 'pino';

export interface Notifier {
  runFailed(info: { runId: number; kind: string; outcome: string; error: string | null; register: string }): Promise<void>;
  lagChecked(info: { daysBehind: number | null; threshold: number; newestDoneDay: string | null; register: string }): Promise<void>;
}

export function createNotifier(url: string | undefined, logger: Logger, fetchImpl: typeof fetch = fetch): Notifier {
  const notifiedRuns = new Set<number>();
  let lagAlerted = false;
  const origin = url ? new URL(url).origin : '';
  const post = async (payload: Record<string, unknown>) => {
    if (!url) return;
    try {
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...payload, at: new Date().toISOString() }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) logger.warn({ webhook: origin, status: res.status }, 'notification webhook refused the post');
    } catch (error) {
      logger.warn({ webhook: origin, err: { message: (error as Error).message } }, 'notification webhook unreachable');
    }
  };
  return {
    async runFailed(info) {
      if (notifiedRuns.has(info.runId)) return;
      notifiedRuns.add(info.runId);
      await post({ event: 'run_failed', register: info.register, message: `epc-sync ${info.kind} run #${info.runId} ended ${info.outcome}${info.error ? `: ${info.error}` : ''}`, runId: info.runId, kind: info.kind, outcome: info.outcome });
    },
    async lagChecked(info) {
      const behind = info.daysBehind ?? Number.POSITIVE_INFINITY;
      if (behind <= info.threshold) {
        lagAlerted = false;
        return;
      }
      if (lagAlerted) return;
      lagAlerted = true;
      await post({ event: 'lag_exceeded', register: info.register, message: `the mirror is ${info.daysBehind ?? 'all'} days behind (threshold ${info.threshold}); newest complete day ${info.newestDoneDay ?? 'none'}`, daysBehind: info.daysBehind, threshold: info.threshold });
    },
  };
}
