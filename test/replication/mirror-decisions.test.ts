import { describe, expect, it } from 'vitest';
import { mayHaveApplied, mirrorStuck, observedOutcome, refusedAsUnknownVolume, windowStep } from '../../src/replication/mirror-decisions.ts';

describe('windowStep: calls only from a settled state', () => {
  it.each([
    ['stop', 'ACTIVE', 'send'],
    ['stop', 'HALT', 'already'],
    ['start', 'HALT', 'send'],
    ['start', 'ACTIVE', 'already'],
    ['stop', 'UPDATING', 'wait'],
    ['start', 'PENDING', 'wait'],
    ['start', 'RETRIEVE FAILED', 'wait'],
    ['stop', 'SOMETHING_NEW', 'wait'],
    ['stop', null, 'wait'],
    ['start', 'DELETING', 'refuse'],
  ] as const)('%s from %s → %s', (action, status, step) => {
    expect(windowStep(action, status)).toBe(step);
  });
});

describe('observedOutcome after an unanswered call', () => {
  it.each([
    ['stop', 'HALT', 'confirmed'],
    ['stop', 'UPDATING', 'pending'],
    ['stop', 'ACTIVE', 'not-confirmed'],
    ['stop', 'RETRIEVE FAILED', 'not-confirmed'],
    ['start', 'ACTIVE', 'confirmed'],
    ['start', 'UPDATING', 'confirmed'],
    ['start', 'HALT', 'not-confirmed'],
    ['start', 'WHATEVER', 'not-confirmed'],
  ] as const)('%s, then %s → %s', (action, status, outcome) => {
    expect(observedOutcome(action, status)).toBe(outcome);
  });
});

describe('call failures', () => {
  it.each([
    [{ httpStatus: 404 }, true],
    [{ httpStatus: 400 }, true],
    [{ httpStatus: 403 }, false],
    [{ httpStatus: 500 }, false],
    [{}, false],
  ])('/stat %j refused as unknown volume: %s', (failure, refused) => {
    expect(refusedAsUnknownVolume(failure)).toBe(refused);
  });

  it.each([
    [{ outcomeUnknown: true }, true],
    [{ earlierOutcomeUnknown: true, httpStatus: 400 }, true],
    [{ httpStatus: 400, attempts: 2 }, true],
    [{ httpStatus: 400, attempts: 1 }, false],
    [{ httpStatus: 500, attempts: 3, outcomeUnknown: false }, false],
  ])('%j may have been applied: %s', (failure, applied) => {
    expect(mayHaveApplied(failure)).toBe(applied);
  });
});

describe('mirrorStuck', () => {
  const now = new Date('2026-12-03T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
  it.each([
    ['UPDATING for 3h', 'UPDATING', hoursAgo(3), true],
    ['PENDING for 1h', 'PENDING', hoursAgo(1), false],
    ['ACTIVE', 'ACTIVE', hoursAgo(3), false],
    ['UPDATING, no history', 'UPDATING', null, false],
    ['RETRIEVE FAILED is not stuck (alerted on its own)', 'RETRIEVE FAILED', hoursAgo(3), false],
  ] as const)('%s → %s', (_label, status, since, stuck) => {
    expect(mirrorStuck({ status, transientSince: since, now, stuckMs: 2 * 3600_000 }).stuck).toBe(stuck);
  });
});
