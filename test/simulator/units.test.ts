// Pure parts: the simulated clock, the native schedule, time formats, fault route matching.
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../src/simulator/clock.ts';
import { routeMatches } from '../../src/simulator/faults.ts';
import { nextScheduledRun, scheduledSnapshotName } from '../../src/simulator/snapshot-schedule.ts';
import { keystoneExpires, keystoneIssuedAt, nasTime } from '../../src/simulator/time-format.ts';

describe('SimClock', () => {
  it('runs due tasks in time order while advancing, each seeing its own instant', () => {
    const clock = new SimClock('manual', new Date('2026-01-01T00:00:00Z'));
    const seen: string[] = [];
    clock.after(3_000, 'c', () => seen.push(`c@${clock.nowMs() - Date.parse('2026-01-01T00:00:00Z')}`));
    clock.after(1_000, 'a', () => {
      seen.push(`a@${clock.nowMs() - Date.parse('2026-01-01T00:00:00Z')}`);
      // Queued during the run, due before c: still runs in order.
      clock.after(1_000, 'b', () => seen.push(`b@${clock.nowMs() - Date.parse('2026-01-01T00:00:00Z')}`));
    });
    clock.advance(2_500);
    expect(seen).toEqual(['a@1000', 'b@2000']);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:02.500Z');
    clock.advance(500);
    expect(seen).toEqual(['a@1000', 'b@2000', 'c@3000']);
  });

  it('cancelled tasks do not run; same-instant tasks run in scheduling order', () => {
    const clock = new SimClock('manual', new Date(0));
    const seen: string[] = [];
    clock.at(10, 'x', () => seen.push('x')).cancel();
    clock.at(10, 'y', () => seen.push('y'));
    clock.at(10, 'z', () => seen.push('z'));
    clock.advance(10);
    expect(seen).toEqual(['y', 'z']);
  });

  it('rejects a negative advance', () => {
    expect(() => new SimClock('manual', new Date(0)).advance(-1)).toThrow(RangeError);
  });
});

describe('native snapshot schedule', () => {
  const daily = { time: '03:00', timeOffset: '+09:00', weekdays: [] };
  it('runs at the local time of the offset', () => {
    expect(new Date(nextScheduledRun(daily, Date.parse('2026-11-27T02:00:00Z'))).toISOString()).toBe('2026-11-27T18:00:00.000Z');
    // Strictly after: a run exactly now is the next day's.
    expect(new Date(nextScheduledRun(daily, Date.parse('2026-11-27T18:00:00Z'))).toISOString()).toBe('2026-11-28T18:00:00.000Z');
  });

  it('uses the weekday in the schedule zone', () => {
    // Monday 03:00 KST is Sunday 18:00 UTC.
    const monday = { ...daily, weekdays: [1] };
    expect(new Date(nextScheduledRun(monday, Date.parse('2026-11-27T02:00:00Z'))).toISOString()).toBe('2026-11-29T18:00:00.000Z');
  });

  it('handles negative offsets', () => {
    const ny = { time: '23:30', timeOffset: '-05:00', weekdays: [] };
    expect(new Date(nextScheduledRun(ny, Date.parse('2026-11-27T02:00:00Z'))).toISOString()).toBe('2026-11-27T04:30:00.000Z');
  });

  it('names runs by their local date', () => {
    expect(scheduledSnapshotName(daily, Date.parse('2026-11-27T18:00:00Z'))).toBe('daily.2026-11-28_0300');
  });
});

describe('time formats', () => {
  const at = new Date('2026-11-27T02:25:31.123Z');
  it('NAS', () => expect(nasTime(at)).toBe('2026-11-27T02:25:31+00:00'));
  it('Keystone expires', () => expect(keystoneExpires(at)).toBe('2026-11-27T02:25:31Z'));
  it('Keystone issued_at: no zone, microseconds', () => expect(keystoneIssuedAt(at)).toBe('2026-11-27T02:25:31.123000'));
});

describe('fault route matching', () => {
  const target = { method: 'POST', route: '/v1/volumes/:volumeId/snapshots', path: '/v1/volumes/abc/snapshots', region: 'KR1' };
  it.each([
    ['*', true],
    ['POST /v1/volumes/:volumeId/snapshots', true],
    ['post /v1/volumes/:volumeId/snapshots', true],
    ['* /v1/volumes/:volumeId/snapshots', true],
    ['POST /v1/volumes/abc/snapshots', true],
    ['POST /v1/volumes*', true],
    ['/v1/volumes/:volumeId/snapshots', true],
    ['GET /v1/volumes/:volumeId/snapshots', false],
    ['POST /v1/volumes', false],
  ])('%s → %s', (rule, expected) => {
    expect(routeMatches(rule, target)).toBe(expected);
  });
});
