// One HTTP exchange with a deadline (sendOnce), and the loop that repeats an attempt under
// the retry policy (runWithRetries). Shared by the Identity and NAS clients. Headers are
// passed through untouched and never logged: they carry the token.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { NasApiError } from './errors.ts';
import { backoffDelayMs, outcomeUnknown, shouldRetry, type AttemptFailure, type RetryPolicy } from './retry-policy.ts';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a request is, for errors and logs (no URL host, no headers, no query). */
export interface RequestIdentity {
  operation: string;
  method: HttpMethod;
  pathTemplate: string;
  path: string;
  region?: string;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** Parsed JSON body; undefined when empty or not JSON. */
  json: unknown;
  /** Raw body text, for messages when the body is not JSON. */
  text: string;
}

export interface SendOptions {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  fetch: typeof fetch;
}

/** A request that got no HTTP answer. */
export class NoResponse extends Error {
  constructor(
    readonly failure: AttemptFailure | { kind: 'aborted' },
    readonly detail: string,
    options?: { cause: unknown },
  ) {
    super(detail, options);
  }
}

// Errors raised before the request could be written to a connection.
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const code = (cause as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  const first = (cause as { errors?: { code?: unknown }[] })?.errors?.[0]?.code;
  return typeof first === 'string' ? first : undefined;
}

/** Sends one request; the deadline covers reading the whole body. */
export async function sendOnce(options: SendOptions): Promise<RawResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await options.fetch(options.url, {
      method: options.method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal,
      // A redirect would carry X-Auth-Token to wherever it points; report it as a status instead.
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, json: parseJson(text), text };
  } catch (err) {
    if (options.signal?.aborted) throw new NoResponse({ kind: 'aborted' }, 'aborted by caller', { cause: err });
    if (deadline.aborted) {
      throw new NoResponse({ kind: 'timeout' }, `no response within ${options.timeoutMs} ms`);
    }
    const code = networkCode(err);
    const connected = code === undefined || !NOT_CONNECTED_CODES.has(code);
    throw new NoResponse({ kind: 'network', connected }, `connection error${code ? ` ${code}` : ''}`, { cause: err });
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Result of one attempt, as judged by the caller's protocol rules. */
export type AttemptOutcome<T> =
  | { ok: true; value: T }
  /** `failure` absent = not retryable whatever the policy says (e.g. invalid response). */
  | { ok: false; error: NasApiError; failure?: AttemptFailure; retryAfterMs?: number };

export interface RetryLoopOptions {
  request: RequestIdentity;
  idempotent: boolean;
  /**
   * A 503 to a mutating request may have been applied (a gateway answering for a backend that
   * acted): not repeated unless idempotent, and reported with `outcomeUnknown`.
   */
  distrust503?: boolean;
  policy: RetryPolicy;
  signal?: AbortSignal;
  logger?: Logger;
  random?: () => number;
}

/**
 * Repeats `attempt` while the policy allows; throws the last error with the attempt count.
 * "Outcome unknown" is sticky: once an attempt may have been applied, the call's final error
 * says so even when a later attempt failed definitely (a 400 because the first one worked).
 */
export async function runWithRetries<T>(
  options: RetryLoopOptions,
  attempt: (attemptNumber: number) => Promise<AttemptOutcome<T>>,
): Promise<T> {
  const { request, policy } = options;
  let earlierUnknown = false;
  for (let n = 1; ; n++) {
    const outcome = await attempt(n);
    if (outcome.ok) return outcome.value;
    const { failure } = outcome;
    const maybeApplied = outcome.error.outcomeUnknown || (failure !== undefined && distrusted(failure, request, options.distrust503));
    const error = maybeApplied || earlierUnknown ? outcome.error.withOutcomeUnknown(earlierUnknown) : outcome.error;
    const repeatUnsafe = maybeApplied && !options.idempotent;
    if (!failure || n >= policy.maxAttempts || repeatUnsafe || !shouldRetry(failure, options.idempotent)) {
      throw error.withAttempts(n);
    }
    earlierUnknown ||= maybeApplied;
    const waitMs = backoffDelayMs(n, policy, options.random, outcome.retryAfterMs);
    options.logger?.info(
      { operation: request.operation, method: request.method, path: request.path, region: request.region, attempt: n, waitMs, reason: outcome.error.detail ?? outcome.error.message },
      'nas request failed, retrying',
    );
    try {
      await delay(waitMs, undefined, options.signal ? { signal: options.signal } : undefined);
    } catch (err) {
      const aborted = abortedError(request, n, err);
      throw earlierUnknown ? aborted.withOutcomeUnknown(true) : aborted;
    }
  }
}

function distrusted(failure: AttemptFailure, request: RequestIdentity, distrust503: boolean | undefined): boolean {
  return distrust503 === true && request.method !== 'GET' && failure.kind === 'status' && failure.status === 503;
}

export function abortedError(request: RequestIdentity, attempts: number, cause?: unknown): NasApiError {
  return new NasApiError({ ...request, kind: 'aborted', retryable: false, attempts, detail: 'aborted by caller', cause });
}

/** Turns a NoResponse into the attempt outcome both clients report. */
export function noResponseOutcome(request: RequestIdentity, err: NoResponse): AttemptOutcome<never> {
  const { failure } = err;
  if (failure.kind === 'aborted') return { ok: false, error: abortedError(request, 1, err.cause) };
  return {
    ok: false,
    failure,
    error: new NasApiError({
      ...request,
      kind: failure.kind,
      retryable: true,
      outcomeUnknown: outcomeUnknown(failure, request.method),
      detail: err.detail,
      cause: err.cause,
    }),
  };
}
