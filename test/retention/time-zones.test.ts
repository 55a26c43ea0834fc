// Periods (hour, day, ISO week, month, year) and keepWithin are counted on the wall clock of
// the policy's time zone: across DST changes, ISO week 53, year ends, and zones far from UTC.
import { describe, expect, it } from 'vitest';
import { d, keptTimes, planFor } from './fixtures/snapshots.ts';

describe('America/New_York', () => {
  it('fall-back: the repeated 01:xx hour is one hourly period (the later pass is kept)', () => {
    const times = [
      '2025-11-02T04:30:00+00:00', // 00:30 EDT
      '2025-11-02T05:30:00+00:00', // 01:30 EDT (first pass)
      '2025-11-02T06:30:00+00:00', // 01:30 EST (second pass)
      '2025-11-02T07:30:00+00:00', // 02:30 EST
      '2025-11-02T08:30:00+00:00', // 03:30 EST
    ];
    expect(planFor(times, { keepHourly: 10 }, 'America/New_York')).toMatchObject({
      keep: [
        '2025-11-02T08:30:00+00:00 hourly snapshot',
        '2025-11-02T07:30:00+00:00 hourly snapshot',
        '2025-11-02T06:30:00+00:00 hourly snapshot',
        '2025-11-02T04:30:00+00:00 hourly snapshot',
      ],
      delete: ['2025-11-02T05:30:00+00:00'],
    });
    // In UTC the five are five different hours.
    expect(keptTimes(times, { keepHourly: 10 }, 'UTC')).toHaveLength(5);
    // All on one local day.
    expect(keptTimes(times, { keepDaily: 10 }, 'America/New_York')).toEqual(['2025-11-02T08:30:00+00:00']);
  });

  it('fall-back: two snapshots in the repeated hour, keepHourly 2 reaches back to 00:xx', () => {
    const times = ['2025-11-02T01:10:00-05:00', '2025-11-02T01:50:00-04:00', '2025-11-02T00:40:00-04:00'];
    // 01:10 EST and 01:50 EDT share the wall hour 01; the second slot goes to 00:40.
    expect(keptTimes(times, { keepHourly: 2 }, 'America/New_York')).toEqual([
      '2025-11-02T01:10:00-05:00',
      '2025-11-02T00:40:00-04:00',
    ]);
  });

  it('spring-forward: 01:xx is followed by 03:xx, with no 02 period', () => {
    const times = [
      '2025-03-09T06:00:00+00:00', // 01:00 EST
      '2025-03-09T06:30:00+00:00', // 01:30 EST
      '2025-03-09T07:00:00+00:00', // 03:00 EDT
      '2025-03-09T07:30:00+00:00', // 03:30 EDT
      '2025-03-09T08:00:00+00:00', // 04:00 EDT
    ];
    expect(planFor(times, { keepHourly: 3 }, 'America/New_York')).toMatchObject({
      keep: [
        '2025-03-09T08:00:00+00:00 hourly snapshot',
        '2025-03-09T07:30:00+00:00 hourly snapshot',
        '2025-03-09T06:30:00+00:00 hourly snapshot',
      ],
      delete: ['2025-03-09T07:00:00+00:00', '2025-03-09T06:00:00+00:00'],
    });
  });

  it('keepWithin 1d is one calendar day (23 h across spring-forward), 24h is 24 hours', () => {
    const times = [
      '2025-03-10T05:30:00+00:00', // Mar 10 01:30 EDT (newest)
      '2025-03-09T06:31:00+00:00', // Mar 9 01:31 EST
      '2025-03-09T06:30:00+00:00', // Mar 9 01:30 EST: exactly 1 day before → not within
      '2025-03-09T05:31:00+00:00', // Mar 9 00:31 EST: 23h59m before
    ];
    expect(keptTimes(times, { keepWithin: d({ days: 1 }) }, 'America/New_York')).toEqual([
      '2025-03-10T05:30:00+00:00',
      '2025-03-09T06:31:00+00:00',
    ]);
    expect(keptTimes(times, { keepWithin: d({ hours: 24 }) }, 'America/New_York')).toEqual([
      '2025-03-10T05:30:00+00:00',
      '2025-03-09T06:31:00+00:00',
      '2025-03-09T06:30:00+00:00',
      '2025-03-09T05:31:00+00:00',
    ]);
  });

  it('daily periods follow the local midnight, not UTC', () => {
    const times = [
      '2025-06-02T03:00:00+00:00', // Jun 1 23:00 EDT
      '2025-06-01T05:00:00+00:00', // Jun 1 01:00 EDT
      '2025-06-01T03:00:00+00:00', // May 31 23:00 EDT
    ];
    expect(keptTimes(times, { keepDaily: 5 }, 'America/New_York')).toEqual([
      '2025-06-02T03:00:00+00:00',
      '2025-06-01T03:00:00+00:00',
    ]);
    expect(keptTimes(times, { keepDaily: 5 }, 'UTC')).toEqual(['2025-06-02T03:00:00+00:00', '2025-06-01T05:00:00+00:00']);
  });
});

describe('Europe/Berlin', () => {
  it('fall-back: 02:15 CEST and 02:45 CET are the same wall hour', () => {
    const times = [
      '2025-10-26T01:45:00+00:00', // 02:45 CET
      '2025-10-26T00:15:00+00:00', // 02:15 CEST
      '2025-10-25T23:30:00+00:00', // 01:30 CEST
    ];
    expect(keptTimes(times, { keepHourly: 5 }, 'Europe/Berlin')).toEqual([
      '2025-10-26T01:45:00+00:00',
      '2025-10-25T23:30:00+00:00',
    ]);
  });

  it('spring-forward: keepHourly across 02:00 → 03:00', () => {
    const times = [
      '2025-03-30T01:10:00+00:00', // 03:10 CEST
      '2025-03-30T00:50:00+00:00', // 01:50 CET
      '2025-03-30T00:10:00+00:00', // 01:10 CET
    ];
    expect(keptTimes(times, { keepHourly: 5 }, 'Europe/Berlin')).toEqual([
      '2025-03-30T01:10:00+00:00',
      '2025-03-30T00:50:00+00:00',
    ]);
  });

  it('days and months change at local midnight (UTC+2 in summer)', () => {
    const times = [
      '2025-06-30T22:30:00+00:00', // Jul 1 00:30 CEST
      '2025-06-30T21:30:00+00:00', // Jun 30 23:30 CEST
    ];
    expect(keptTimes(times, { keepMonthly: 5 }, 'Europe/Berlin')).toHaveLength(2);
    expect(keptTimes(times, { keepDaily: 5 }, 'Europe/Berlin')).toHaveLength(2);
    expect(keptTimes(times, { keepMonthly: 5 }, 'UTC')).toEqual(['2025-06-30T22:30:00+00:00']);
  });
});

describe('ISO weeks and year ends', () => {
  it('2020-W53 (Dec 28 2020 – Jan 3 2021) is one week', () => {
    const noonEachDay = [
      '2020-12-27', // Sun, 2020-W52
      '2020-12-28',
      '2020-12-29',
      '2020-12-30',
      '2020-12-31',
      '2021-01-01',
      '2021-01-02',
      '2021-01-03', // Sun, still 2020-W53
      '2021-01-04', // Mon, 2021-W01
    ].map((day) => `${day}T12:00:00+00:00`);
    expect(planFor(noonEachDay, { keepWeekly: 10 }).keep).toEqual([
      '2021-01-04T12:00:00+00:00 weekly snapshot',
      '2021-01-03T12:00:00+00:00 weekly snapshot',
      '2020-12-27T12:00:00+00:00 weekly snapshot',
    ]);
    expect(planFor(noonEachDay, { keepYearly: 10 }).keep).toEqual([
      '2021-01-04T12:00:00+00:00 yearly snapshot',
      '2020-12-31T12:00:00+00:00 yearly snapshot',
    ]);
  });

  it('2026-W53 (Dec 28 2026 – Jan 3 2027) is one week', () => {
    const times = [
      '2026-12-27T12:00:00+00:00', // 2026-W52
      '2026-12-28T12:00:00+00:00',
      '2026-12-31T12:00:00+00:00',
      '2027-01-01T12:00:00+00:00',
      '2027-01-03T12:00:00+00:00',
      '2027-01-04T12:00:00+00:00', // 2027-W01
    ];
    expect(keptTimes(times, { keepWeekly: 10 })).toEqual([
      '2027-01-04T12:00:00+00:00',
      '2027-01-03T12:00:00+00:00',
      '2026-12-27T12:00:00+00:00',
    ]);
  });

  it('Dec 31 and Jan 1 in one ISO week: weekly keeps one, yearly keeps two, monthly two', () => {
    const times = ['2026-12-31T12:00:00+00:00', '2027-01-01T12:00:00+00:00'];
    expect(keptTimes(times, { keepWeekly: 5 })).toEqual(['2027-01-01T12:00:00+00:00']);
    expect(keptTimes(times, { keepYearly: 5 })).toEqual(['2027-01-01T12:00:00+00:00', '2026-12-31T12:00:00+00:00']);
    expect(keptTimes(times, { keepMonthly: 5 })).toHaveLength(2);
  });

  it('a week-year is not the calendar year: Dec 30 2024 is already 2025-W01', () => {
    const times = ['2025-01-02T12:00:00+00:00', '2024-12-30T12:00:00+00:00', '2024-12-29T12:00:00+00:00'];
    expect(keptTimes(times, { keepWeekly: 5 })).toEqual(['2025-01-02T12:00:00+00:00', '2024-12-29T12:00:00+00:00']);
  });
});

describe('zones far east and west of UTC, where the local day is not the UTC day', () => {
  it('Asia/Seoul (+09:00): 00:30 KST on Apr 1 is still Mar 31 in UTC', () => {
    const times = [
      '2025-03-31T15:30:00+00:00', // Apr 1 00:30 KST
      '2025-03-31T14:30:00+00:00', // Mar 31 23:30 KST
    ];
    expect(keptTimes(times, { keepMonthly: 5 }, 'Asia/Seoul')).toHaveLength(2);
    expect(keptTimes(times, { keepDaily: 5 }, 'Asia/Seoul')).toHaveLength(2);
    expect(keptTimes(times, { keepDaily: 5 }, 'UTC')).toEqual(['2025-03-31T15:30:00+00:00']);
  });

  it('Asia/Seoul: keepWithin 1m counts months on the Seoul calendar', () => {
    const times = [
      '2025-02-28T15:30:00+00:00', // Mar 1 00:30 KST (newest)
      '2025-01-31T15:31:00+00:00', // Feb 1 00:31 KST: within 1m in Seoul
      '2025-01-30T12:00:00+00:00', // Jan 30 21:00 KST: not within in Seoul, within in UTC (cut-off Jan 28)
    ];
    expect(keptTimes(times, { keepWithin: d({ months: 1 }) }, 'Asia/Seoul')).toEqual([
      '2025-02-28T15:30:00+00:00',
      '2025-01-31T15:31:00+00:00',
    ]);
    expect(keptTimes(times, { keepWithin: d({ months: 1 }) }, 'UTC')).toHaveLength(3);
  });

  it('Pacific/Kiritimati (+14): New Year arrives at 10:00 UTC on Dec 31', () => {
    const times = [
      '2025-12-31T10:30:00+00:00', // Jan 1 2026 00:30 +14
      '2025-12-31T09:30:00+00:00', // Dec 31 2025 23:30 +14
      '2025-12-30T12:00:00+00:00', // Dec 31 2025 02:00 +14
    ];
    expect(keptTimes(times, { keepYearly: 5 }, 'Pacific/Kiritimati')).toEqual([
      '2025-12-31T10:30:00+00:00',
      '2025-12-31T09:30:00+00:00',
    ]);
    expect(keptTimes(times, { keepYearly: 5 }, 'UTC')).toEqual(['2025-12-31T10:30:00+00:00']);
    expect(keptTimes(times, { keepDaily: 5 }, 'Pacific/Kiritimati')).toEqual([
      '2025-12-31T10:30:00+00:00',
      '2025-12-31T09:30:00+00:00',
    ]);
  });

  it('America/Los_Angeles (−07:00 in summer): the month ends at 07:00 UTC', () => {
    const times = [
      '2025-07-01T07:30:00+00:00', // Jul 1 00:30 PDT
      '2025-07-01T06:30:00+00:00', // Jun 30 23:30 PDT
    ];
    expect(keptTimes(times, { keepMonthly: 5 }, 'America/Los_Angeles')).toHaveLength(2);
    expect(keptTimes(times, { keepMonthly: 5 }, 'UTC')).toEqual(['2025-07-01T07:30:00+00:00']);
  });

  it('Pacific/Pago_Pago (−11): the year ends at 11:00 UTC on Jan 1; Dec 31 and Jan 1 share 2025-W01', () => {
    const times = [
      '2025-01-01T11:30:00+00:00', // Jan 1 2025 00:30 SST
      '2025-01-01T10:30:00+00:00', // Dec 31 2024 23:30 SST
    ];
    expect(keptTimes(times, { keepYearly: 5 }, 'Pacific/Pago_Pago')).toHaveLength(2);
    expect(keptTimes(times, { keepYearly: 5 }, 'UTC')).toHaveLength(1);
    expect(keptTimes(times, { keepWeekly: 5 }, 'Pacific/Pago_Pago')).toEqual(['2025-01-01T11:30:00+00:00']);
  });

  it('Pacific/Pago_Pago: ISO week boundary on the local Monday, not the UTC one', () => {
    const times = [
      '2025-01-06T11:30:00+00:00', // Mon Jan 6 00:30 SST (2025-W02)
      '2025-01-06T10:30:00+00:00', // Sun Jan 5 23:30 SST (2025-W01); in UTC also Monday
    ];
    expect(keptTimes(times, { keepWeekly: 5 }, 'Pacific/Pago_Pago')).toHaveLength(2);
    expect(keptTimes(times, { keepWeekly: 5 }, 'UTC')).toHaveLength(1);
  });
});
