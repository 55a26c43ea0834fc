// When to try a failed HTTP request again, and how long to wait first. Pure functions: the
// request loop (http.ts) asks, this module decides.
//
// Idempotency: a non-idempotent request (create volume/snapshot/mirror/interface, restore,
// invert-direction) is retried only when the server surely did not act on it: the
// connection was never established, or the server said 429 / 503 ("not processed, come
// back later"). A timeout, a reset connection or another 5xx leaves the outcome unknown;
// retrying could create a second snapshot or invert a mirror back. Such failures surface
// with `retryable: true, outcomeUnknown: true`, and the caller decides after checking
// (the snapshot job looks the snapshot up by name before creating again).
// "Outcome unknown" outlives the attempt that caused it (http.ts): when a retry after a timeout
// gets a 400 because the first attempt took effect, the call still fails `outcomeUnknown: true`
// (with `earlierOutcomeUnknown: true`). A caller that knows a 503 can follow an applied request
// (the snapshot create) passes `distrust503`.

export interface RetryPolicy {
  /** Total HTTP attempts per call, first one included (1 = no retries). */
  maxAttempts: number;
  /** Backoff ceiling for the first retry; doubles each retry. */
  baseDelayMs: number;
  /** Upper bound of any single wait, also caps a server's Retry-After. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000 };

export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...stripUndefined(partial) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry maxAttempts must be an integer >= 1, got ${policy.maxAttempts}`);
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) {
    throw new RangeError('retry baseDelayMs and maxDelayMs must be >= 0');
  }
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** How one attempt failed, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: 'status'; status: number }
  | { kind: 'timeout' }
  /** `connected: false` = the request never left (refused, DNS, connect timeout). */
  | { kind: 'network'; connected: boolean };

/** Transient failures: worth trying again (for idempotent requests, automatically). */
export function isTransient(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      return failure.status >= 500 || failure.status === 429;
    case 'timeout':
    case 'network':
      return true;
  }
}

/** The server cannot have acted on the request. */
export function surelyNotApplied(failure: AttemptFailure): boolean {
  switch (failure.kind) {
    case 'status':
      // 429 and 503 mean "not processed"; other 4xx are rejections (also not applied, but
      // not transient either).
      return failure.status === 429 || failure.status === 503 || (failure.status >= 400 && failure.status < 500);
    case 'timeout':
      return false;
    case 'network':
      return !failure.connected;
  }
}

export function shouldRetry(failure: AttemptFailure, idempotent: boolean): boolean {
  if (!isTransient(failure)) return false;
  return idempotent || surelyNotApplied(failure);
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(max, base·2^(retry-1))].
 * A server's Retry-After raises the wait (never above maxDelayMs).
 * `retry` is 1 for the wait before the second attempt.
 */
export function backoffDelayMs(
  retry: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs));
}

/** `Retry-After` as milliseconds (seconds or an HTTP date); undefined when absent/unusable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** A mutating request failed in a way that leaves open whether the server applied it. */
export function outcomeUnknown(failure: AttemptFailure, method: string): boolean {
  return method.toUpperCase() !== 'GET' && !surelyNotApplied(failure);
}
