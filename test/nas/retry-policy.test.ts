import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  isTransient,
  outcomeUnknown,
  parseRetryAfter,
  resolveRetryPolicy,
  shouldRetry,
  type AttemptFailure,
} from '../../src/nas/retry-policy.ts';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs (exponential, full jitter)', () => {
  it('stays within [0, min(max, base·2^(n-1))]', () => {
    expect(backoffDelayMs(1, policy, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, policy, () => 0.999)).toBe(199);
    expect(backoffDelayMs(3, policy, () => 0.999)).toBe(399);
    expect(backoffDelayMs(10, policy, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });

  it('waits at least Retry-After, never more than maxDelayMs', () => {
    expect(backoffDelayMs(1, policy, () => 0, 500)).toBe(500);
    expect(backoffDelayMs(1, policy, () => 0, 60_000)).toBe(1000);
  });
});

describe('shouldRetry', () => {
  const cases: [AttemptFailure, boolean, boolean][] = [
    // failure, idempotent request retried?, non-idempotent request retried?
    [{ kind: 'status', status: 500 }, true, false],
    [{ kind: 'status', status: 502 }, true, false],
    [{ kind: 'status', status: 503 }, true, true],
    [{ kind: 'status', status: 504 }, true, false],
    [{ kind: 'status', status: 429 }, true, true],
    [{ kind: 'status', status: 400 }, false, false],
    [{ kind: 'status', status: 401 }, false, false],
    [{ kind: 'status', status: 404 }, false, false],
    [{ kind: 'timeout' }, true, false],
    [{ kind: 'network', connected: false }, true, true],
    [{ kind: 'network', connected: true }, true, false],
  ];
  it.each(cases)('%j → idempotent %s, non-idempotent %s', (failure, idempotent, nonIdempotent) => {
    expect(shouldRetry(failure, true)).toBe(idempotent);
    expect(shouldRetry(failure, false)).toBe(nonIdempotent);
    expect(isTransient(failure)).toBe(idempotent);
  });

  it('marks outcomes unknown only for mutating requests that may have reached the server', () => {
    expect(outcomeUnknown({ kind: 'timeout' }, 'POST')).toBe(true);
    expect(outcomeUnknown({ kind: 'timeout' }, 'GET')).toBe(false);
    expect(outcomeUnknown({ kind: 'status', status: 503 }, 'POST')).toBe(false);
    expect(outcomeUnknown({ kind: 'status', status: 500 }, 'DELETE')).toBe(true);
    expect(outcomeUnknown({ kind: 'status', status: 400 }, 'POST')).toBe(false);
    expect(outcomeUnknown({ kind: 'network', connected: false }, 'POST')).toBe(false);
  });
});

describe('resolveRetryPolicy', () => {
  it('fills defaults and ignores undefined fields', () => {
    expect(resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: undefined })).toMatchObject({ maxAttempts: 2, baseDelayMs: 250 });
  });
  it('rejects nonsense', () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() => resolveRetryPolicy({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter(null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
});
