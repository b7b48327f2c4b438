/**
 * Serving the ops endpoint for a command's lifetime. With the embedded database, whose files only
 * one process may open, the address is left in EPC_DATA_DIR (`epc-sync.ops.json`) so that `status`
 * run meanwhile can ask this process instead of opening the files.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { coveragePage } from './page/index.js';
import { startOpsServer, type OpsServer } from './server.js';
import { readStatuses } from './status-registers.js';

const ENDPOINT_FILE = 'epc-sync.ops.json';

interface Endpoint {
  pid: number;
  url: string;
}

export async function serveOps(ctx: Context, isSchedulerRunning: () => boolean): Promise<OpsServer | null> {
  const port = ctx.config.ops.metricsPort;
  if (port <= 0) return null;
  const server = await startOpsServer({
    port, metrics: ctx.metrics, db: ctx.db, isSchedulerRunning, logger: ctx.logger,
    status: () => readStatuses(ctx.db, ctx.config.sync.registers, { fetchDocuments: ctx.config.sync.fetchDocuments }),
    page: (year) => coveragePage(ctx.db, ctx.config, year),
  });
  if (ctx.db.dialect !== 'pglite') return server;
  const file = join(ctx.config.database.dataDir, ENDPOINT_FILE);
  const endpoint: Endpoint = { pid: process.pid, url: `http://127.0.0.1:${server.port}` };
  writeFileSync(file, JSON.stringify(endpoint));
  return {
    ...server,
    async close() {
      rmSync(file, { force: true });
      await server.close();
    },
  };
}

/**
 * `epc-sync serve`: the ops endpoints and nothing else, until SIGTERM or SIGINT. No scheduler runs,
 * so `/healthz` answers for the database alone.
 */
export async function serveUntilStopped(ctx: Context, signal: AbortSignal): Promise<number> {
  const server = await serveOps(ctx, () => true);
  if (!server) return 0;
  ctx.logger.info({ url: `${server.url}/` }, 'serving the coverage page, /status.json, /metrics and /healthz until stopped');
  process.stdout.write(`coverage page: ${server.url}/\n`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}

/** The address of the process holding the embedded database in `dataDir`, if it serves one. */
export function opsEndpointOf(dataDir: string): string | null {
  try {
    const endpoint = JSON.parse(readFileSync(join(dataDir, ENDPOINT_FILE), 'utf8')) as Partial<Endpoint>;
    return typeof endpoint.url === 'string' ? endpoint.url : null;
  } catch {
    return null;
  }
}
