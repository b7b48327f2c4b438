/**
 * One HTTP exchange with the EPB API, retries included. Every attempt goes through the limiter; the
 * retry decision is `decideRetry`'s. Responses are read as text and parsed here, so a truncated or
 * HTML body on a 200 is caught and retried like any transient failure. The token travels only in the
 * request header: errors and logs carry the path and query, never headers, and never got's own error
 * objects (which hold the request options).
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { RequestError, type Got } from 'got';
import type { Logger } from 'pino';
import type { ApiConfig } from '../config/types.js';
import { ApiError } from '../errors.js';
import { RequestLimiter, sleep } from './limiter.js';
import { DEFAULT_RETRY_POLICY, decideRetry, describeOutcome, type AttemptOutcome, type RetryPolicy } from './retry.js';

export type Endpoint = 'search' | 'certificate' | 'deltas' | 'files';

export interface AttemptEvent {
  endpoint: Endpoint;
  status: number | undefined;
  durationMs: number;
  attempt: number;
  outcome: 'ok' | 'retry' | 'fail';
  reason?: string;
}

export interface HttpDeps {
  logger: Logger;
  onEvent?: (event: AttemptEvent) => void;
  /** For tests: the retry delays' base and cap. */
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** A 200 body that fails this check is treated as unreadable and retried. */
  accept?: (body: unknown) => boolean;
}

type Attempt =
  | { kind: 'response'; status: number; body: unknown; text: string; retryAfter: string | undefined; location: string | undefined }
  | { kind: 'outcome'; outcome: AttemptOutcome };

export class ApiHttp {
  readonly limiter: RequestLimiter;
  private readonly got: Got;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly config: ApiConfig,
    private readonly deps: HttpDeps,
  ) {
    this.limiter = new RequestLimiter({ requestsPerSecond: config.requestsPerSecond, concurrency: config.concurrency });
    this.policy = { maxRetries: config.maxRetries, ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.got = got.extend({
      prefixUrl: config.baseUrl,
      headers: { authorization: `Bearer ${config.token}`, accept: 'application/json', 'user-agent': 'epc-sync' },
      throwHttpErrors: false,
      retry: { limit: 0 },
      followRedirect: false,
      timeout: { request: config.timeoutMs },
      responseType: 'text',
      agent: { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) },
    });
  }

  /** GET `path` (relative to the base URL); resolves with parsed JSON for 2xx and JSON 404s. */
  async getJson(endpoint: Endpoint, path: string, query: URLSearchParams, options: RequestOptions = {}): Promise<JsonResponse> {
    const request = `/${path}?${query.toString()}`;
    for (let attempt = 1; ; attempt += 1) {
      const started = Date.now();
      const result = await this.limiter.run(() => this.attempt(path, query, options.signal), options.signal);
      const durationMs = Date.now() - started;
      const status = result.kind === 'response' ? result.status : undefined;

      if (result.kind === 'response') {
        const final = this.interpret(result, request, options);
        if (final) {
          this.limiter.noteSuccess();
          this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'ok' });
          return final;
        }
      }
      const outcome = result.kind === 'outcome' ? result.outcome : this.outcomeOf(result, options);
      const decision = decideRetry(outcome, attempt, this.policy);
      if (outcome.kind === 'status' && outcome.status === 429) this.limiter.noteRateLimited();
      if (!decision.retry) {
        this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'fail', reason: decision.reason });
        throw new ApiError(
          'API_UNAVAILABLE',
          `the EPB API did not answer ${request} usefully after ${attempt} attempts (last: ${describeOutcome(outcome)}); the next run retries`,
          { status, request, cause: new Error(decision.reason) },
        );
      }
      this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'retry', reason: decision.reason });
      this.deps.logger.warn({ request, status, attempt, delayMs: decision.delayMs, reason: decision.reason }, 'retrying request');
      await sleep(decision.delayMs, options.signal);
    }
  }

  async stop(): Promise<void> {
    await this.limiter.stop();
  }

  private async attempt(path: string, query: URLSearchParams, signal?: AbortSignal): Promise<Attempt> {
    try {
      const response = await this.got.get(path, { searchParams: query, ...(signal ? { signal } : {}) });
      const text = response.body;
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.statusCode,
        body,
        text,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        location: response.headers.location,
      };
    } catch (error) {
      if (signal?.aborted) throw new ApiError('ABORTED', 'request cancelled: shutting down');
      return { kind: 'outcome', outcome: classifyError(error) };
    }
  }

  /** A final answer (returned or thrown), or undefined when the attempt should go to the retry policy. */
  private interpret(r: Extract<Attempt, { kind: 'response' }>, request: string, options: RequestOptions): JsonResponse | undefined {
    const { status, body } = r;
    // The bulk-file endpoints answer with a redirect to a short-lived download URL.
    if (status >= 301 && status <= 308 && r.location) return { status, body: { location: r.location } };
    if (status === 403) {
      throw new ApiError(
        'API_FORBIDDEN',
        'the EPB API refused the token (HTTP 403): check EPC_API_TOKEN against the token on your "My account" page of the EPB data service. Retrying will not help.',
        { status, request },
      );
    }
    if (status === 404) {
      if (body !== undefined) return { status, body };
      throw new ApiError(
        'API_WRONG_PATH',
        `the EPB API answered ${request} with a non-JSON 404: EPC_API_BASE_URL is probably wrong`,
        { status, request },
      );
    }
    if (status === 400) {
      throw new ApiError('API_BAD_REQUEST', `the EPB API rejected ${request}: ${errorMessage(body) ?? r.text.slice(0, 200)}`, { status, request });
    }
    if (status >= 200 && status < 300 && body !== undefined && (options.accept?.(body) ?? true)) return { status, body };
    if (status >= 400 && status < 500 && status !== 429) {
      throw new ApiError('API_BAD_RESPONSE', `the EPB API answered ${request} with HTTP ${status}: ${errorMessage(body) ?? r.text.slice(0, 200)}`, { status, request });
    }
    return undefined;
  }

  private outcomeOf(r: Extract<Attempt, { kind: 'response' }>, options: RequestOptions): AttemptOutcome {
    if (r.status >= 200 && r.status < 300) {
      const detail = r.body === undefined ? 'not JSON' : options.accept ? 'unexpected shape' : 'empty';
      return { kind: 'bad-body', detail };
    }
    return { kind: 'status', status: r.status, retryAfter: r.retryAfter };
  }
}

function classifyError(error: unknown): AttemptOutcome {
  if (error instanceof RequestError) {
    if (error.name === 'TimeoutError' || error.code === 'ETIMEDOUT') return { kind: 'timeout' };
    return { kind: 'network', code: error.code ?? error.name };
  }
  return { kind: 'network', code: (error as Error)?.name ?? 'unknown' };
}

/** The API wraps error bodies as {"data":{"error":…}} (or not, for some): information only. */
export function errorMessage(body: unknown): string | undefined {
  const b = body as { data?: { error?: unknown; errors?: unknown }; error?: unknown; errors?: unknown } | undefined;
  const candidate = b?.data?.error ?? b?.error ?? b?.data?.errors ?? b?.errors;
  if (candidate === undefined) return undefined;
  return typeof candidate === 'string' ? candidate : JSON.stringify(candidate);
}
