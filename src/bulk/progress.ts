/**
 * Progress for long transfers: a cli-progress bar (value, rate, ETA) on an interactive terminal, a log
 * line every 10 seconds otherwise (containers, CI), so a 2.9 GB download never runs silent.
 */
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

export function startProgress(label: string, unit: 'bytes' | 'rows', total: number | null, logger: Logger): Progress {
  const started = Date.now();
  let value = 0;
  const rate = () => Math.round(value / Math.max((Date.now() - started) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const format = unit === 'bytes' ? `${label} [{bar}] {percentage}% {mb} MB | {speed} MB/s | ETA {eta_formatted}` : `${label} [{bar}] {percentage}% {value} rows | {speed} rows/s | ETA {eta_formatted}`;
    const bar = new cliProgress.SingleBar({ format, stream: process.stderr, etaBuffer: 50 }, cliProgress.Presets.shades_classic);
    bar.start(total ?? 0, 0, { mb: '0', speed: '0' });
    return {
      update(v) {
        value = v;
        const speed = unit === 'bytes' ? (rate() / 1e6).toFixed(1) : String(rate());
        bar.update(v, { mb: (v / 1e6).toFixed(0), speed });
      },
      stop: () => bar.stop(),
    };
  }
  const timer = setInterval(() => logger.info({ [unit]: value, total, perSecond: rate() }, `${label}: progress`), 10_000);
  return {
    update(v) {
      value = v;
    },
    stop: () => clearInterval(timer),
  };
}
