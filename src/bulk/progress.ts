/**
 * Progress for long transfers: a cli-progress bar on an interactive terminal, a log line every 10
 * seconds otherwise (containers, CI), so a 2.9 GB download or a 30-million-row import never runs
 * silent. Progress is measured in bytes of the file (the only total known up front, so the ETA is
 * honest); an import also shows its rows and rows per second.
 */
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';

export interface Progress {
  /** `bytes` done so far; `rows` for an import; `total` once it is known. */
  update(bytes: number, rows?: number, total?: number | null): void;
  stop(): void;
}

export function startProgress(label: string, total: number | null, logger: Logger, options: { rows?: boolean } = {}): Progress {
  const started = Date.now();
  let bytes = 0;
  let rows = 0;
  let size = total;
  const perSecond = (n: number) => Math.round(n / Math.max((Date.now() - started) / 1000, 0.001));
  if (process.stderr.isTTY) {
    const rowPart = options.rows ? ' | {rows} rows, {rowRate} rows/s' : '';
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% {mb}/{totalMb} MB | {speed} MB/s${rowPart} | ETA {eta_formatted}`, stream: process.stderr, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(size ?? 0, 0, { mb: '0', totalMb: size === null ? '?' : (size / 1e6).toFixed(0), speed: '0', rows: 0, rowRate: 0 });
    return {
      update(b, r, t) {
        bytes = b;
        rows = r ?? rows;
        if (t !== undefined && t !== null && t !== size) {
          size = t;
          bar.setTotal(t);
        }
        bar.update(b, { mb: (b / 1e6).toFixed(0), totalMb: size === null ? '?' : (size / 1e6).toFixed(0), speed: (perSecond(b) / 1e6).toFixed(1), rows, rowRate: perSecond(rows) });
      },
      stop: () => bar.stop(),
    };
  }
  const timer = setInterval(() => {
    const eta = size && bytes > 0 ? Math.round(((size - bytes) * (Date.now() - started)) / bytes / 1000) : null;
    logger.info({ bytes, total: size, bytesPerSecond: perSecond(bytes), ...(options.rows ? { rows, rowsPerSecond: perSecond(rows) } : {}), etaSeconds: eta }, `${label}: progress`);
  }, 10_000);
  return {
    update(b, r, t) {
      bytes = b;
      rows = r ?? rows;
      if (t !== undefined) size = t;
    },
    stop: () => clearInterval(timer),
  };
}
