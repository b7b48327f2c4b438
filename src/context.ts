/**
 * What a command runs with: the config, a logger, the database (opened and migrated) and, for the
 * commands that call the API, the client. `close()` releases them in order and may be called twice.
 */
import type { Logger } from 'pino';
import { createApiClient, type ApiClient } from './api/index.js';
import type { Config } from './config/types.js';
import { Metrics } from './ops/metrics.js';
import { createNotifier, type Notifier } from './ops/notify.js';
import { openDatabase, type Db } from './db/client.js';
import { migrate } from './db/migrate.js';
import { withDbRetry } from './sync/db-retry.js';

export interface Context {
  config: Config;
  logger: Logger;
  db: Db;
  api: ApiClient | null;
  metrics: Metrics;
  notifier: Notifier;
  close(): Promise<void>;
}

export async function openContext(config: Config, logger: Logger, options: { api: boolean; signal?: AbortSignal }): Promise<Context> {
  const db = await openDatabase(config.database, logger, config.api.concurrency + 4);
  try {
    // A server that is not up yet (a container started before its database) is waited for.
    const { applied } = await withDbRetry('applying migrations', () => migrate(db), { logger, target: db.target, signal: options.signal });
    if (applied > 0) logger.info({ applied }, 'database migrations applied');
  } catch (error) {
    await db.close();
    throw error;
  }
  const metrics = new Metrics(db, config.sync.registers, { fetchDocuments: config.sync.fetchDocuments });
  const notifier = createNotifier({ url: config.ops.notifyWebhookUrl, logger });
  const api = options.api ? createApiClient(config.api, { logger, onEvent: (e) => metrics.apiRequest(e) }) : null;
  let closing: Promise<void> | null = null;
  return {
    config,
    logger,
    db,
    api,
    metrics,
    notifier,
    close() {
      closing ??= (async () => {
        await api?.stop();
        await db.close();
      })();
      return closing;
    },
  };
}
