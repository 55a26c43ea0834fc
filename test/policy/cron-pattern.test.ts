import { describe, expect, it } from 'vitest';
import { cronPatternProblem } from '../../src/policy/cron-pattern.ts';
import { canonicalTimeZone } from '../../src/policy/time-zone.ts';

describe('cronPatternProblem', () => {
  it.each(['0 */4 * * *', '*/10 * * * * *', '0 0 1 * mon-fri', '0 0 * * THU', '0 0 L * *', '0 0 * * 1#2', '  0 3 * * *  ', '@daily', '@hourly'])(
    'accepts %j',
    (pattern) => {
      expect(cronPatternProblem(pattern)).toBeUndefined();
    },
  );

  it.each([
    ['', 'expected a cron pattern of 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got an empty text'],
    // cron-parser itself would pad these with defaults and run them: refused here.
    ['0', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 1 field in "0"'],
    ['0 3 * *', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 4 fields in "0 3 * *"'],
    ['0 0 3 * * * 2030', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got 7 fields in "0 0 3 * * * 2030"'],
    ['60 * * * *', 'invalid cron pattern "60 * * * *": Constraint error, got value 60 expected range 0-59'],
    ['0 0 30 2 *', 'invalid cron pattern "0 0 30 2 *": Invalid explicit day of month definition'],
    ['a b c d e', 'invalid cron pattern "a b c d e": Invalid characters, got value: a'],
    ['H 3 * * *', '"H" (hashed values) is not supported in "H 3 * * *": use explicit values'],
    ['@often', 'unknown cron macro "@often" (known: @yearly, @annually, @monthly, @weekly, @daily, @hourly, @minutely, @secondly, @weekdays, @weekends)'],
  ])('refuses %j', (pattern, message) => {
    expect(cronPatternProblem(pattern)).toBe(message);
  });
});

describe('canonicalTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['Asia/Seoul', 'Asia/Seoul'],
    ['asia/seoul', 'Asia/Seoul'],
    ['Etc/GMT-9', 'Etc/GMT-9'],
  ])('accepts %j as %j', (name, canonical) => {
    expect(canonicalTimeZone(name)).toBe(canonical);
  });

  it.each(['Asia/Seol', 'KST', '+09:00', '', ' UTC', 'Mars/Olympus'])('refuses %j', (name) => {
    expect(canonicalTimeZone(name)).toBeUndefined();
  });
});
