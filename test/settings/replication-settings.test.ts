import { describe, expect, it } from 'vitest';
import { replicationSettings } from '../../src/settings/settings.ts';

describe('replicationSettings', () => {
  it('defaults: 3 re-checks 10 s apart, stuck after 2 h', () => {
    expect(replicationSettings({})).toEqual({ settleChecks: 3, settleIntervalMs: 10_000, stuckMs: 7_200_000 });
  });

  it('reads the environment', () => {
    expect(replicationSettings({ NASORCH_MIRROR_SETTLE_CHECKS: '5', NASORCH_MIRROR_SETTLE_INTERVAL_MS: '250', NASORCH_MIRROR_STUCK_MS: '60000' })).toEqual({
      settleChecks: 5,
      settleIntervalMs: 250,
      stuckMs: 60_000,
    });
  });

  it.each([
    [{ NASORCH_MIRROR_SETTLE_CHECKS: '2.5' }, 'setting NASORCH_MIRROR_SETTLE_CHECKS must be a whole number, got "2.5"'],
    [{ NASORCH_MIRROR_SETTLE_CHECKS: '0' }, 'setting NASORCH_MIRROR_SETTLE_CHECKS must be a positive number, got "0"'],
    [{ NASORCH_MIRROR_STUCK_MS: 'soon' }, 'setting NASORCH_MIRROR_STUCK_MS must be a positive number, got "soon"'],
  ])('%j is a one-line error naming the setting', (env, message) => {
    expect(() => replicationSettings(env)).toThrow(message);
  });
});
