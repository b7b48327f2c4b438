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
import { AbortedError, ApiError } from '../errors.js';
import { wait } from '../wait.js';
import { RequestLimiter } from './limiter.js';
import { DEFAULT_RETRY_POLICY, classifyOutcome, decideRetry, describeOutcome, type AttemptOutcome, type OutcomeClass, type RetryPolicy } from './retry.js';

export type Endpoint = 'search' | 'certificate' | 'deltas' | 'files' | 'codes';

export interface AttemptEvent {
  endpoint: Endpoint;
  status: number | undefined;
  durationMs: number;
  attempt: number;
  outcome: 'ok' | 'retry' | 'fail';
  reason?: string;
  failure?: OutcomeClass;
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
  | { kind: 'response'; status: number; body: unknown; text: string; html: boolean; retryAfter: string | undefined; location: string | undefined }
  | { kind: 'outcome'; outcome: AttemptOutcome };

/** A host that answered nothing this many requests in a row (after each one's retries) is given up on. */
const UNREACHABLE_AFTER = 3;

export class ApiHttp {
  readonly limiter: RequestLimiter;
  private readonly got: Got;
  private readonly policy: RetryPolicy;
  private readonly host: string;
  /** Whether the API has ever given this client a usable answer: until it has, a wrong base URL is the likely cause. */
  private answered = false;
  private unanswered = 0;

  constructor(
    private readonly config: ApiConfig,
    private readonly deps: HttpDeps,
  ) {
    this.limiter = new RequestLimiter({ requestsPerSecond: config.requestsPerSecond, concurrency: config.concurrency });
    this.policy = { maxRetries: config.maxRetries, ...DEFAULT_RETRY_POLICY, ...deps.retry };
    this.host = new URL(config.baseUrl).host;
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
    // Whether every failed attempt of this request got no answer at all, or only HTML.
    let silent = true;
    let htmlOnly = true;
    for (let attempt = 1; ; attempt += 1) {
      const started = Date.now();
      const result = await this.limiter.run(() => this.attempt(path, query, options.signal), options.signal);
      const durationMs = Date.now() - started;
      const status = result.kind === 'response' ? result.status : undefined;

      if (result.kind === 'response') {
        const final = this.interpret(result, request, options);
        if (final) {
          this.answered = true;
          this.unanswered = 0;
          this.limiter.noteSuccess();
          this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'ok' });
          return final;
        }
      }
      const outcome = result.kind === 'outcome' ? result.outcome : this.outcomeOf(result, options);
      const failure = classifyOutcome(outcome);
      silent &&= failure === 'connection' || failure === 'timeout';
      htmlOnly &&= result.kind === 'response' && result.html;
      const decision = decideRetry(outcome, attempt, this.policy);
      if (outcome.kind === 'status' && outcome.status === 429) this.limiter.noteRateLimited();
      if (!decision.retry) {
        this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'fail', reason: decision.reason, failure });
        throw this.giveUp(request, attempt, outcome, { silent, htmlOnly, status, reason: decision.reason });
      }
      this.deps.onEvent?.({ endpoint, status, durationMs, attempt, outcome: 'retry', reason: decision.reason, failure });
      this.deps.logger.warn({ request, status, attempt, delayMs: decision.delayMs, reason: decision.reason }, 'retrying request');
      await wait(decision.delayMs, options.signal);
    }
  }

  /**
   * The error for a request that used up its retries. A host that never answers, or that has only
   * ever answered HTML, is named with the setting to check: retrying day after day would only wait
   * out the same timeouts for hours.
   */
  private giveUp(
    request: string,
    attempts: number,
    last: AttemptOutcome,
    seen: { silent: boolean; htmlOnly: boolean; status: number | undefined; reason: string },
  ): ApiError {
    const cause = new Error(seen.reason);
    if (seen.htmlOnly && !this.answered) {
      return new ApiError(
        'API_WRONG_PATH',
        `${this.host} answers HTML, not the EPB API's JSON (${request}): check EPC_API_BASE_URL (the API is https://api.get-energy-performance-data.communities.gov.uk)`,
        { status: seen.status, request, cause },
      );
    }
    if (seen.silent) {
      this.unanswered += 1;
      if (!this.answered || this.unanswered >= UNREACHABLE_AFTER) {
        return new ApiError(
          'API_UNREACHABLE',
          `the EPB API host ${this.host} does not answer (${describeOutcome(last)}, ${attempts} attempts): check EPC_API_BASE_URL and the network; this run stops and the next one tries again`,
          { status: seen.status, request, cause },
        );
      }
    }
    return new ApiError(
      'API_UNAVAILABLE',
      `the EPB API did not answer ${request} usefully after ${attempts} attempts (last: ${describeOutcome(last)}); the next run retries`,
      { status: seen.status, request, cause },
    );
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
        html: /html/i.test(String(response.headers['content-type'] ?? '')) || /^\s*</.test(text),
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        location: response.headers.location,
      };
    } catch (error) {
      if (signal?.aborted) throw new AbortedError({ cause: error });
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
        `${this.host} answered ${request} with a 404 that is not the EPB API's JSON: check EPC_API_BASE_URL (the API is https://api.get-energy-performance-data.communities.gov.uk)`,
        { status, request },
      );
    }
    if (status === 400) {
      // The API's only way of saying "that day has not ended yet" is this message.
      const message = errorMessage(body) ?? '';
      if (/cannot include today/i.test(message)) {
        throw new ApiError('API_DAY_NOT_OVER', `the EPB API has not closed the day yet (${request}): ${message}`, { status, request });
      }
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
