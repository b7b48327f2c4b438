/** The three registers the EPB API serves; they share one search shape, and one mirror can hold all three. */
export const REGISTERS = ['domestic', 'non-domestic', 'display'] as const;
export type Register = (typeof REGISTERS)[number];

/** Where an empty mirror's history comes from: the monthly bulk file, or the API walk alone. */
export const SEED_MODES = ['bulk', 'api'] as const;
export type SeedMode = (typeof SEED_MODES)[number];

export interface ApiConfig {
  readonly baseUrl: string;
  readonly token: string;
  /** Hard ceiling on requests started in any one-second window, retries included. */
  readonly requestsPerSecond: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Attempts after the first for a request that failed transiently (429, 5xx, network). */
  readonly maxRetries: number;
  /** Rows per search page: 5000, the API's maximum, outside tests. */
  readonly pageSize: number;
}

export interface DatabaseConfig {
  /** postgres:// URL; undefined means the embedded PGlite database in `dataDir`. */
  readonly url: string | undefined;
  readonly dataDir: string;
}

export interface SyncConfig {
  /**
   * The registers this mirror keeps (EPC_REGISTERS, or the older EPC_REGISTER as a list of one):
   * domestic first, then the others in the order given. Each has its own checkpoint, runs and
   * documents backlog; all share the one API client (one token, one rate limit).
   */
  readonly registers: readonly Register[];
  /**
   * yyyy-MM-dd: the first day the sync walks (on an empty checkpoint, or when raised past the
   * frontier). Days before it that no run has touched are dropped from the checkpoint.
   */
  readonly startDate: string;
  /**
   * How an empty mirror gets its history. `bulk`: import the monthly bulk file first, then walk only
   * the days after its cut-off (a walk from 2007 with documents is ~27 million requests, three weeks
   * at 15/s). `api`: walk every day from `startDate`.
   */
  readonly seed: SeedMode;
  readonly lookbackDays: number;
  /**
   * Done days every sync also walks again in full, never-verified first, then those verified longest
   * ago: the change feed never reports an opt-in or a UPRN filled in by address matching, so only a
   * re-walk finds them. The default, 240, covers the whole history (~7,000 days since 2007-08-01)
   * about once a month (7,000 / 30 ≈ 233 a night); at ~2.4 search requests a day (BENCHMARKS.md) that
   * is ~580 requests, under a tenth of a busy night's ~6,500 document requests, ~40 s at 15/s. 0: off.
   */
  readonly reverifyDays: number;
  readonly cron: string;
  readonly timezone: string;
  readonly backfillFrom: string | undefined;
  readonly backfillTo: string | undefined;
  /** How long a claimed day stays locked to a process that stops renewing it. */
  readonly leaseSeconds: number;
  /** Extra passes over a day whose distinct rows fall short of the API's total. */
  readonly reconcileAttempts: number;
  /** Fetch the full certificate document of every new or changed certificate of a walked day. */
  readonly fetchDocuments: boolean;
  /**
   * Requests one sync may spend, over all its registers, before it stops draining the documents
   * backlog (the days, their own documents and the deltas are never cut short). The default, 150,000,
   * is ~2.8 h at 15 requests/s: a night. 0: no limit.
   */
  readonly requestBudget: number;
  /** Apply /api/deltas (removals, UPRN corrections) after each sync. */
  readonly followDeltas: boolean;
}

export interface OpsConfig {
  /** Port of /metrics and /healthz in the daemon; 0 turns them off. */
  readonly metricsPort: number;
  /** Where to POST a JSON notice when a run fails or the lag crosses the threshold. */
  readonly notifyWebhookUrl: string | undefined;
  /** Days behind yesterday that count as lagging (notification, status verdict). */
  readonly lagAlertDays: number;
}

export interface Config {
  readonly api: ApiConfig;
  readonly database: DatabaseConfig;
  readonly sync: SyncConfig;
  readonly ops: OpsConfig;
  readonly logLevel: string;
}
