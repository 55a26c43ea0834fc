import { describe, expect, it } from 'vitest';
import {
  wallClock,
  isoWeek,
  isValidTimeZone,
  localDateTime,
  minusCalendarDuration,
  offsetAt,
  wallTimeToInstant,
  type LocalDateTime,
} from '../../src/retention/calendar.ts';
import type { CalendarDuration } from '../../src/policy/duration.ts';
import { parseTimestamp } from '../../src/retention/timestamp.ts';

const HOUR = 3_600_000;
const ms = (iso: string) => Date.parse(iso);
const iso = (epochMs: number) => new Date(epochMs).toISOString();
const wall = (text: string): LocalDateTime => {
  const [date, time] = text.split(' ') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return { year, month, day, hour, minute, second: 0, millisecond: 0 };
};
const dur = (d: Partial<CalendarDuration>): CalendarDuration => ({ years: 0, months: 0, days: 0, hours: 0, ...d });

describe('parseTimestamp', () => {
  it.each([
    ['2025-04-01T09:34:27+00:00', '2025-04-01T09:34:27.000Z'],
    ['2025-04-01T09:34:27Z', '2025-04-01T09:34:27.000Z'],
    ['2025-04-01T18:34:27+09:00', '2025-04-01T09:34:27.000Z'],
    ['2025-04-01T18:34:27+0900', '2025-04-01T09:34:27.000Z'],
    ['2025-03-31T22:34:27-11:00', '2025-04-01T09:34:27.000Z'],
    ['2025-04-01T09:34:27.123456+00:00', '2025-04-01T09:34:27.123Z'],
    ['2014-08-13T10:20:30.1+00:00', '2014-08-13T10:20:30.100Z'],
    ['2025-04-01T09:34+00:00', '2025-04-01T09:34:00.000Z'],
    ['2024-02-29T00:00:00+00:00', '2024-02-29T00:00:00.000Z'],
  ])('reads %s', (text, expected) => {
    expect(iso(parseTimestamp(text)!)).toBe(expected);
  });

  it.each([
    ['no offset (would depend on the process zone)', '2025-04-01T09:34:27'],
    ['date only', '2025-04-01'],
    ['February 30', '2025-02-30T09:34:27+00:00'],
    ['February 29 of a common year', '2025-02-29T09:34:27+00:00'],
    ['month 13', '2025-13-01T09:34:27+00:00'],
    ['hour 24', '2025-04-01T24:00:00+00:00'],
    ['second 60', '2025-04-01T09:34:60+00:00'],
    ['words', 'yesterday'],
    ['empty', ''],
  ])('rejects %s', (_, text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});

describe('isValidTimeZone', () => {
  it.each(['Asia/Seoul', 'UTC', 'America/New_York', 'Pacific/Kiritimati', 'asia/seoul'])('accepts %s', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });
  it.each(['', ' ', 'Mars/Olympus', 'KST+9', 'Asia/Seou'])('rejects %j', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
});

describe('localDateTime: the wall clock in a zone, where the UTC day can differ', () => {
  it.each([
    ['2025-04-01T15:30:00.250Z', 'UTC', '2025-4-1 15:30:00.250'],
    ['2025-04-01T15:30:00.250Z', 'Asia/Seoul', '2025-4-2 0:30:00.250'],
    ['2025-04-01T15:30:00Z', 'Pacific/Kiritimati', '2025-4-2 5:30:00.0'],
    ['2025-04-01T05:00:00Z', 'America/Los_Angeles', '2025-3-31 22:00:00.0'],
    ['2025-01-01T05:00:00Z', 'Pacific/Pago_Pago', '2024-12-31 18:00:00.0'],
    ['2025-11-02T05:30:00Z', 'America/New_York', '2025-11-2 1:30:00.0'], // EDT
    ['2025-11-02T06:30:00Z', 'America/New_York', '2025-11-2 1:30:00.0'], // EST, same wall time
    ['1969-12-31T23:59:59.999Z', 'UTC', '1969-12-31 23:59:59.999'],
  ])('%s in %s is %s', (instant, tz, expected) => {
    const t = localDateTime(ms(instant), tz);
    expect(`${t.year}-${t.month}-${t.day} ${t.hour}:${String(t.minute).padStart(2, '0')}:${String(t.second).padStart(2, '0')}.${t.millisecond}`).toBe(expected);
  });

  it('gives offsets east positive', () => {
    expect(offsetAt(ms('2025-04-01T00:00:00Z'), 'Asia/Seoul')).toBe(9 * HOUR);
    expect(offsetAt(ms('2025-04-01T00:00:00Z'), 'Pacific/Kiritimati')).toBe(14 * HOUR);
    expect(offsetAt(ms('2025-04-01T00:00:00Z'), 'Pacific/Pago_Pago')).toBe(-11 * HOUR);
    expect(offsetAt(ms('2025-07-01T00:00:00Z'), 'America/Los_Angeles')).toBe(-7 * HOUR);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2020-12-27', 2020, 52], // Sunday
    ['2020-12-28', 2020, 53], // Monday of 2020-W53
    ['2020-12-31', 2020, 53],
    ['2021-01-01', 2020, 53],
    ['2021-01-03', 2020, 53], // Sunday, last day of 2020-W53
    ['2021-01-04', 2021, 1],
    ['2026-12-27', 2026, 52],
    ['2026-12-28', 2026, 53], // 2026-W53: Dec 28 2026 – Jan 3 2027
    ['2026-12-31', 2026, 53],
    ['2027-01-01', 2026, 53],
    ['2027-01-03', 2026, 53],
    ['2027-01-04', 2027, 1],
    ['2024-12-30', 2025, 1], // Monday already in the next week-year
    ['2024-12-31', 2025, 1],
    ['2025-01-01', 2025, 1],
    ['2022-01-01', 2021, 52], // Saturday still in the previous week-year
    ['2015-12-31', 2015, 53],
    ['2016-01-03', 2015, 53],
    ['2025-06-15', 2025, 24],
  ])('%s is %i-W%i', (date, weekYear, week) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    expect(isoWeek({ year, month, day })).toEqual({ weekYear, week });
  });
});

describe('wallTimeToInstant (Temporal "compatible" disambiguation)', () => {
  it.each([
    ['ordinary time', 'Asia/Seoul', '2025-04-01 09:00', '2025-04-01T00:00:00.000Z'],
    ['ordinary time west of UTC', 'Pacific/Pago_Pago', '2024-12-31 23:30', '2025-01-01T10:30:00.000Z'],
    ['New York gap moves forward', 'America/New_York', '2025-03-09 02:30', '2025-03-09T07:30:00.000Z'], // 03:30 EDT
    ['New York overlap takes the earlier', 'America/New_York', '2025-11-02 01:30', '2025-11-02T05:30:00.000Z'], // EDT
    ['New York before the overlap', 'America/New_York', '2025-11-02 00:30', '2025-11-02T04:30:00.000Z'],
    ['New York after the overlap', 'America/New_York', '2025-11-02 02:30', '2025-11-02T07:30:00.000Z'],
    ['Berlin gap moves forward', 'Europe/Berlin', '2025-03-30 02:30', '2025-03-30T01:30:00.000Z'], // 03:30 CEST
    ['Berlin overlap takes the earlier', 'Europe/Berlin', '2025-10-26 02:30', '2025-10-26T00:30:00.000Z'], // CEST
    ['a whole skipped day (Apia, Dec 30 2011)', 'Pacific/Apia', '2011-12-30 12:00', '2011-12-30T22:00:00.000Z'], // Dec 31 12:00 +14
  ])('%s: %s %s', (_, tz, local, expected) => {
    expect(iso(wallTimeToInstant(wall(local), tz))).toBe(expected);
  });

  it('round-trips every quarter hour across both New York changes (the repeated hour maps to its first pass)', () => {
    for (const [from, to] of [
      ['2025-03-08T12:00:00Z', '2025-03-10T12:00:00Z'],
      ['2025-11-01T12:00:00Z', '2025-11-03T12:00:00Z'],
    ] as const) {
      for (let t = ms(from); t <= ms(to); t += HOUR / 4) {
        const back = wallTimeToInstant(localDateTime(t, 'America/New_York'), 'America/New_York');
        const secondPassOfRepeatedHour = t >= ms('2025-11-02T06:00:00Z') && t < ms('2025-11-02T07:00:00Z');
        expect(iso(back)).toBe(iso(secondPassOfRepeatedHour ? t - HOUR : t));
      }
    }
  });
});

describe('minusCalendarDuration', () => {
  it.each([
    // Go AddDate normalisation, not clamping: "Feb 31" is Mar 3 (Mar 2 in a leap year).
    ['2025-03-31T12:00:00Z', { months: 1 }, 'UTC', '2025-03-03T12:00:00.000Z'],
    ['2024-03-31T12:00:00Z', { months: 1 }, 'UTC', '2024-03-02T12:00:00.000Z'],
    ['2025-05-31T12:00:00Z', { months: 1 }, 'UTC', '2025-05-01T12:00:00.000Z'], // "Apr 31"
    ['2025-01-31T12:00:00Z', { months: 1 }, 'UTC', '2024-12-31T12:00:00.000Z'],
    ['2025-03-15T12:00:00Z', { months: 14 }, 'UTC', '2024-01-15T12:00:00.000Z'],
    ['2024-02-29T12:00:00Z', { years: 1 }, 'UTC', '2023-03-01T12:00:00.000Z'],
    ['2025-03-01T12:00:00Z', { days: 1 }, 'UTC', '2025-02-28T12:00:00.000Z'],
    ['2024-03-01T12:00:00Z', { days: 1 }, 'UTC', '2024-02-29T12:00:00.000Z'],
    ['2025-01-01T00:00:00Z', { days: 1 }, 'UTC', '2024-12-31T00:00:00.000Z'],
    ['2025-04-01T12:00:00Z', { hours: 36 }, 'UTC', '2025-03-31T00:00:00.000Z'],
    ['2016-01-18T12:02:03Z', { years: 1, months: 2, days: 3, hours: 3 }, 'UTC', '2014-11-15T09:02:03.000Z'],
    // In the zone, not in UTC: Mar 1 00:30 KST − 1m = Feb 1 00:30 KST (UTC would give Jan 28).
    ['2025-02-28T15:30:00Z', { months: 1 }, 'Asia/Seoul', '2025-01-31T15:30:00.000Z'],
    ['2025-02-28T15:30:00Z', { months: 1 }, 'UTC', '2025-01-28T15:30:00.000Z'],
    // Across spring-forward: 1d is 23 real hours, 24h is 24.
    ['2025-03-10T05:30:00Z', { days: 1 }, 'America/New_York', '2025-03-09T06:30:00.000Z'],
    ['2025-03-10T05:30:00Z', { hours: 24 }, 'America/New_York', '2025-03-09T05:30:00.000Z'],
    // Landing in the gap (Mar 9 02:30 does not exist) → 03:30 EDT.
    ['2025-03-10T06:30:00Z', { days: 1 }, 'America/New_York', '2025-03-09T07:30:00.000Z'],
    // Landing in the overlap (Nov 2 01:30 happens twice) → the earlier, EDT.
    ['2025-11-03T06:30:00Z', { days: 1 }, 'America/New_York', '2025-11-02T05:30:00.000Z'],
    // Hours only: exact, even from the second pass of the repeated hour.
    ['2025-11-02T06:30:00Z', { hours: 1 }, 'America/New_York', '2025-11-02T05:30:00.000Z'],
    ['2025-10-26T01:30:00Z', { days: 1 }, 'Europe/Berlin', '2025-10-25T00:30:00.000Z'], // 02:30 CET − 1d = 02:30 CEST
  ])('%s − %j in %s = %s', (from, d, tz, expected) => {
    expect(iso(minusCalendarDuration(ms(from), dur(d), tz))).toBe(expected);
  });

  it('reaches far back and gives -Infinity beyond what a Date can hold', () => {
    const farBack = minusCalendarDuration(ms('2025-04-01T00:00:00Z'), dur({ years: 9999 }), 'Asia/Seoul');
    expect(new Date(farBack).getUTCFullYear()).toBe(2025 - 9999);
    expect(minusCalendarDuration(ms('2025-04-01T00:00:00Z'), dur({ years: 300_000 }), 'UTC')).toBe(-Infinity);
    expect(minusCalendarDuration(ms('2025-04-01T00:00:00Z'), dur({ hours: 3_000_000_000 }), 'UTC')).toBe(-Infinity);
  });
});

describe('parseTimestamp: the fast reading of the API shape agrees with the general one', () => {
  it.each([
    ['2025-04-01T09:34:27+00:00', Date.UTC(2025, 3, 1, 9, 34, 27)],
    ['2025-04-01T09:34:27Z', Date.UTC(2025, 3, 1, 9, 34, 27)],
    ['2025-04-01T09:34:27.5Z', Date.UTC(2025, 3, 1, 9, 34, 27, 500)],
    ['2025-04-01T09:34:27.123456789+09:00', Date.UTC(2025, 3, 1, 0, 34, 27, 123)],
    ['2025-04-01T09:34:27-05:30', Date.UTC(2025, 3, 1, 15, 4, 27)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2025-04-01t09:34:27z', Date.UTC(2025, 3, 1, 9, 34, 27)],
    ['2025-04-01T09:34:27+0900', Date.UTC(2025, 3, 1, 0, 34, 27)],
    ['2025-02-29T00:00:00Z', undefined],
    ['2025-04-01T24:00:00Z', undefined],
    ['2025-04-01T09:34:27', undefined],
    ['2025-04-01T09:34:27+00:00 ', Date.UTC(2025, 3, 1, 9, 34, 27)],
    ['2025-04-01T09:34:27.Z', undefined],
    ['2025-04-01T09:34:27+00:0', undefined],
    ['2025-04-01T09:34:27+24:00', undefined],
  ])('%s', (text, expected) => expect(parseTimestamp(text)).toBe(expected));
});

describe('wallClock agrees with Intl around offset changes', () => {
  it.each(['America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'Europe/London', 'Asia/Seoul', 'UTC'])('%s', (zone) => {
    const read = wallClock(zone);
    const from = Date.UTC(2024, 0, 1);
    // Every 7 minutes for two years: crosses each DST change at several offsets within the hour.
    for (let t = from; t < from + 2 * 366 * 86_400_000; t += 7 * 60_000 + 13_000) {
      const fast = read(t);
      const exact = localDateTime(t, zone);
      if (fast.hour !== exact.hour || fast.day !== exact.day || fast.minute !== exact.minute) {
        expect({ t: new Date(t).toISOString(), fast }).toEqual({ t: new Date(t).toISOString(), fast: exact });
      }
    }
  });
});
