/**
 * Environment → one frozen, validated `Config`. Parsed once, at start, by an entry point; nothing
 * else reads `process.env`. A bad value throws a `ConfigError` whose message is the one line the
 * operator sees before exit 2. Defaults come from config/defaults.json.
 */
import { readFileSync } from 'node:fs';
import { validate as validateCron } from 'node-cron';
import { ConfigError } from '../errors.js';
import { isIsoDay, newestQueryableDay } from '../days.js';
import { parseRegisters } from './registers.js';
import { SEED_MODES, type Config, type SeedMode } from './types.js';

type Env = Readonly<Record<string, string | undefined>>;

const DEFAULTS: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(new URL('../../config/defaults.json', import.meta.url), 'utf8'),
) as Record<string, string>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const TOKEN_SHAPE = /^[A-Za-z0-9]{64}$/;

export interface LoadOptions {
  /** Commands that call the API need a token; `status`, `sql` and `migrate` do not. */
  requireToken: boolean;
  /** For tests: the instant "today" is judged from. */
  now?: Date;
}

export function loadConfig(env: Env, options: LoadOptions): Config {
  const get = (name: string): string | undefined => {
    const raw = env[name];
    if (raw !== undefined && raw.trim() !== '') return raw.trim();
    return DEFAULTS[name];
  };
  const set = (name: string): string | undefined => env[name]?.trim() || undefined;
  const now = options.now ?? new Date();

  const token = env.EPC_API_TOKEN?.trim() ?? '';
  if (options.requireToken && token === '') {
    fail('EPC_API_TOKEN is not set: copy the 64-character token from "My account" on the EPB data service into .env');
  }
  if (token !== '' && !TOKEN_SHAPE.test(token)) {
    fail(`EPC_API_TOKEN must be exactly 64 letters and digits (the API rejects anything else); the value given has ${token.length} characters`);
  }

  const timezone = get('SYNC_TIMEZONE') ?? 'Europe/London';
  if (!isTimeZone(timezone)) fail(`SYNC_TIMEZONE "${timezone}" is not an IANA time zone such as Europe/London`);
  const newest = newestQueryableDay(now, timezone);

  const startDate = day('SYNC_START_DATE', get('SYNC_START_DATE'));
  if (startDate > newest) fail(`SYNC_START_DATE ${startDate} is in the future: the newest day the API serves is ${newest}`);

  const backfillFrom = env.BACKFILL_FROM?.trim() ? day('BACKFILL_FROM', env.BACKFILL_FROM.trim()) : undefined;
  const backfillTo = env.BACKFILL_TO?.trim() ? day('BACKFILL_TO', env.BACKFILL_TO.trim()) : undefined;
  if ((backfillFrom === undefined) !== (backfillTo === undefined)) {
    fail('BACKFILL_FROM and BACKFILL_TO must be set together (or neither)');
  }
  if (backfillFrom && backfillTo) checkRange('BACKFILL_FROM', backfillFrom, 'BACKFILL_TO', backfillTo, newest);

  const cron = get('SYNC_CRON') ?? '';
  if (!validateCron(cron)) fail(`SYNC_CRON "${cron}" is not a valid cron expression (for example "30 2 * * *")`);

  // Only what the environment sets counts here: the default must never disagree with a setting.
  const registers = parseRegisters(set('EPC_REGISTERS'), set('EPC_REGISTER'), DEFAULTS.EPC_REGISTERS ?? 'domestic');

  const seed = get('SYNC_SEED') as SeedMode;
  if (!SEED_MODES.includes(seed)) fail(`SYNC_SEED must be one of ${SEED_MODES.join(', ')} (bulk: an empty mirror imports the monthly bulk file first; api: it walks every day from SYNC_START_DATE); got "${seed}"`);

  const logLevel = get('LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) fail(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${logLevel}"`);

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    fail('DATABASE_URL must be a postgres:// or postgresql:// URL (unset it to use the embedded database)');
  }

  const config: Config = {
    api: {
      baseUrl: url('EPC_API_BASE_URL', get('EPC_API_BASE_URL')),
      token,
      requestsPerSecond: number('EPC_REQUESTS_PER_SECOND', get('EPC_REQUESTS_PER_SECOND'), 0.1, 1000, false),
      concurrency: number('EPC_CONCURRENCY', get('EPC_CONCURRENCY'), 1, 64),
      timeoutMs: number('EPC_TIMEOUT_MS', get('EPC_TIMEOUT_MS'), 100, 600_000),
      maxRetries: number('EPC_MAX_RETRIES', get('EPC_MAX_RETRIES'), 0, 100),
      pageSize: number('EPC_PAGE_SIZE', get('EPC_PAGE_SIZE'), 1, 5000),
    },
    database: {
      url: databaseUrl,
      dataDir: nonEmpty('EPC_DATA_DIR', get('EPC_DATA_DIR')),
    },
    sync: {
      registers,
      startDate,
      seed,
      lookbackDays: number('SYNC_LOOKBACK_DAYS', get('SYNC_LOOKBACK_DAYS'), 0, 366),
      reverifyDays: number('SYNC_REVERIFY_DAYS', get('SYNC_REVERIFY_DAYS'), 0, 36_600),
      cron,
      timezone,
      backfillFrom,
      backfillTo,
      leaseSeconds: number('SYNC_LEASE_SECONDS', get('SYNC_LEASE_SECONDS'), 1, 86_400),
      reconcileAttempts: number('SYNC_RECONCILE_ATTEMPTS', get('SYNC_RECONCILE_ATTEMPTS'), 0, 20),
      fetchDocuments: flag('FETCH_DOCUMENTS', get('FETCH_DOCUMENTS')),
      requestBudget: number('SYNC_REQUEST_BUDGET', get('SYNC_REQUEST_BUDGET'), 0, 100_000_000),
      followDeltas: flag('SYNC_DELTAS', get('SYNC_DELTAS')),
    },
    ops: {
      metricsPort: number('METRICS_PORT', get('METRICS_PORT'), 0, 65_535),
      notifyWebhookUrl: env.NOTIFY_WEBHOOK_URL?.trim() ? url('NOTIFY_WEBHOOK_URL', env.NOTIFY_WEBHOOK_URL.trim()) : undefined,
      lagAlertDays: number('LAG_ALERT_DAYS', get('LAG_ALERT_DAYS'), 0, 3650),
    },
    logLevel,
  };
  return deepFreeze(config);
}

/** A from/to pair given by the operator: real days, in order, and none of them today or later. */
export function checkRange(fromName: string, from: string, toName: string, to: string, newest: string): void {
  if (from > to) fail(`${fromName} ${from} is after ${toName} ${to}: give the earlier day first`);
  if (to > newest) fail(`${toName} ${to} is too recent: the API serves days up to yesterday (${newest})`);
}

function fail(message: string): never {
  throw new ConfigError(message);
}

function day(name: string, value: string | undefined): string {
  if (value === undefined || !isIsoDay(value)) fail(`${name} must be a real date written YYYY-MM-DD; got "${value ?? ''}"`);
  return value;
}

function number(name: string, value: string | undefined, min: number, max: number, integer = true): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
    fail(`${name} must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}; got "${value ?? ''}"`);
  }
  return n;
}

function flag(name: string, value: string | undefined): boolean {
  const v = value?.toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  fail(`${name} must be true or false; got "${value ?? ''}"`);
}

function url(name: string, value: string | undefined): string {
  try {
    const parsed = new URL(value ?? '');
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
    return parsed.toString().replace(/\/+$/, '');
  } catch {
    fail(`${name} must be an http(s) URL; got "${value ?? ''}"`);
  }
}

function nonEmpty(name: string, value: string | undefined): string {
  if (!value) fail(`${name} must not be empty`);
  return value;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
