/**
 * Every error the tool raises on purpose carries a stable `code` (for scripts and tests), a `name`
 * (for logs) and, where there was one, the `cause`. Messages say what the operator should do.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'API_FORBIDDEN'
  | 'API_BAD_REQUEST'
  | 'API_DAY_NOT_OVER'
  | 'API_WRONG_PATH'
  | 'API_BAD_RESPONSE'
  | 'API_UNAVAILABLE'
  | 'API_UNREACHABLE'
  | 'API_NO_BULK_FILE'
  | 'DB_UNAVAILABLE'
  | 'DB_IN_USE'
  | 'DB_MIGRATION_FAILED'
  | 'BULK_FILE_INVALID'
  | 'DISK_SHORT'
  | 'LEASE_LOST'
  | 'ABORTED';

export class EpcSyncError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** A configuration value is missing or wrong: exit 2, retrying will not help. */
export class ConfigError extends EpcSyncError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('CONFIG_INVALID', message, options);
  }
}

/** Something the EPB API answered (or failed to answer). `status` is absent for network failures. */
export class ApiError extends EpcSyncError {
  readonly status: number | undefined;
  /** Path and query of the request, never its headers (the token lives there). */
  readonly request: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; status?: number | undefined; request?: string | undefined } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
    this.request = options.request;
  }
}

export class DatabaseError extends EpcSyncError {}

/** A shutdown cut a wait or a request short: nothing failed, the work is given back. */
export class AbortedError extends EpcSyncError {
  constructor(options: { cause?: unknown } = {}) {
    super('ABORTED', 'cancelled: shutting down', options);
  }
}

/** The bulk file is not what the register publishes (no CSV, a header without the key columns…). */
export class BulkFileError extends EpcSyncError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('BULK_FILE_INVALID', message, options);
  }
}

const FATAL: ReadonlySet<ErrorCode> = new Set(['CONFIG_INVALID', 'API_FORBIDDEN', 'API_WRONG_PATH']);

/** Errors that no retry, in this run or the next, will fix: the process must stop with exit 2. */
export function isFatal(error: unknown): boolean {
  return error instanceof EpcSyncError && FATAL.has(error.code);
}

/**
 * Errors that end the run early: the fatal ones, and an API host that answers nothing at all (every
 * further day would only wait out its own retries; the daemon's next run tries again).
 */
export function stopsRun(error: unknown): boolean {
  return isFatal(error) || (error instanceof EpcSyncError && error.code === 'API_UNREACHABLE');
}

export function hasCode(error: unknown, code: ErrorCode): boolean {
  return error instanceof EpcSyncError && error.code === code;
}
