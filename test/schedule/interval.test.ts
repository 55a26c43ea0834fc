// The longest gap of a cron schedule, which overdue checks (rules, status page) compare against.
import { describe, expect, it } from 'vitest';
import { longestIntervalSeconds } from '../../src/schedule/interval.ts';

const FROM = new Date('2026-12-02T10:17:00Z'); // a Wednesday

describe('longestIntervalSeconds', () => {
  it.each([
    ['every second', '* * * * * *', 'UTC', 1],
    ['every 10 seconds', '*/10 * * * * *', 'UTC', 10],
    ['every 4 hours', '0 */4 * * *', 'Asia/Seoul', 4 * 3600],
    ['daily', '0 3 * * *', 'Asia/Seoul', 86_400],
    ['weekdays only: the weekend gap', '0 3 * * 1-5', 'UTC', 3 * 86_400],
    ['twice a day, unevenly', '0 1,7 * * *', 'UTC', 18 * 3600],
    ['weekly', '30 2 * * 0', 'UTC', 7 * 86_400],
  ])('%s (%s in %s)', (_label, pattern, tz, seconds) => {
    expect(longestIntervalSeconds(pattern, tz, FROM)).toBe(seconds);
  });

  it('counts a daylight-saving night as it is (23 h + 25 h days around the change)', () => {
    // Berlin leaves summer time on 2026-10-25: 02:30 daily is 25 h apart across it.
    expect(longestIntervalSeconds('30 2 * * *', 'Europe/Berlin', new Date('2026-10-20T00:00:00Z'), 10)).toBe(25 * 3600);
  });
});
