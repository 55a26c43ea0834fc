import { describe, expect, it } from 'vitest';
import {
  applyRetention,
  deletionsOldestFirst,
  KEEP_REASON,
  RetentionInputError,
  withinReason,
} from '../../src/retention/apply-retention.ts';
import type { RetentionRules } from '../../src/retention/types.ts';
import { d, PREFIX, planFor, snap, summarize } from './fixtures/snapshots.ts';

// Ten snapshots over two and a half months (UTC), deliberately out of order.
const SERIES = [
  '2025-01-06T09:30:00+00:00', // Mon, 2025-W2
  '2025-01-01T09:00:00+00:00', // Wed, 2025-W1
  '2025-03-01T09:45:00+00:00', // newest
  '2025-01-02T09:00:00+00:00',
  '2025-01-06T10:15:00+00:00',
  '2025-01-13T09:00:00+00:00', // 2025-W3
  '2025-02-01T09:00:00+00:00',
  '2025-01-01T18:00:00+00:00',
  '2025-03-01T09:00:00+00:00',
  '2025-01-06T09:00:00+00:00',
];
const NEWEST_FIRST = [...SERIES].sort().reverse();

describe('each rule alone', () => {
  it.each<[string, RetentionRules, string[]]>([
    ['keepLast 3', { keepLast: 3 }, ['2025-03-01T09:45', '2025-03-01T09:00', '2025-02-01T09:00']],
    ['keepLast beyond the list keeps all', { keepLast: 50 }, NEWEST_FIRST.map((t) => t.slice(0, 16))],
    [
      'keepHourly 5: one per wall-clock hour, newest in the hour',
      { keepHourly: 5 },
      ['2025-03-01T09:45', '2025-02-01T09:00', '2025-01-13T09:00', '2025-01-06T10:15', '2025-01-06T09:30'],
    ],
    [
      'keepDaily 5',
      { keepDaily: 5 },
      ['2025-03-01T09:45', '2025-02-01T09:00', '2025-01-13T09:00', '2025-01-06T10:15', '2025-01-02T09:00'],
    ],
    ['keepDaily 1', { keepDaily: 1 }, ['2025-03-01T09:45']],
    [
      'keepWeekly 5 (ISO weeks)',
      { keepWeekly: 5 },
      ['2025-03-01T09:45', '2025-02-01T09:00', '2025-01-13T09:00', '2025-01-06T10:15', '2025-01-02T09:00'],
    ],
    ['keepWeekly 3', { keepWeekly: 3 }, ['2025-03-01T09:45', '2025-02-01T09:00', '2025-01-13T09:00']],
    ['keepMonthly 2', { keepMonthly: 2 }, ['2025-03-01T09:45', '2025-02-01T09:00']],
    // Only three months exist: no extra "oldest" keep as restic would add.
    ['keepMonthly 5', { keepMonthly: 5 }, ['2025-03-01T09:45', '2025-02-01T09:00', '2025-01-13T09:00']],
    ['keepYearly 3 within one year', { keepYearly: 3 }, ['2025-03-01T09:45']],
    ['keepWithin 1m', { keepWithin: d({ months: 1 }) }, ['2025-03-01T09:45', '2025-03-01T09:00']],
    [
      'keepWithin 1m1h reaches Feb 1 08:45',
      { keepWithin: d({ months: 1, hours: 1 }) },
      ['2025-03-01T09:45', '2025-03-01T09:00', '2025-02-01T09:00'],
    ],
    ['keepWithin 1h', { keepWithin: d({ hours: 1 }) }, ['2025-03-01T09:45', '2025-03-01T09:00']],
  ])('%s', (_, rules, expected) => {
    const plan = planFor(SERIES, rules);
    expect(plan.keep.map((k) => k.slice(0, 16))).toEqual(expected);
    expect(plan.delete.length + plan.keep.length).toBe(SERIES.length);
    // delete is the rest, newest first
    expect(plan.delete).toEqual(NEWEST_FIRST.filter((t) => !expected.includes(t.slice(0, 16))));
  });
});

describe('combinations and reasons', () => {
  it('reports every rule that keeps a snapshot, in a fixed order', () => {
    expect(planFor(SERIES, { keepLast: 2, keepDaily: 3, keepMonthly: 3 }).keep).toEqual([
      '2025-03-01T09:45:00+00:00 last snapshot|daily snapshot|monthly snapshot',
      '2025-03-01T09:00:00+00:00 last snapshot',
      '2025-02-01T09:00:00+00:00 daily snapshot|monthly snapshot',
      '2025-01-13T09:00:00+00:00 daily snapshot|monthly snapshot',
    ]);
  });

  it('puts within first, then last, hourly, daily, weekly, monthly, yearly', () => {
    const rules = {
      keepWithin: d({ days: 2 }),
      keepLast: 1,
      keepHourly: 1,
      keepDaily: 1,
      keepWeekly: 1,
      keepMonthly: 1,
      keepYearly: 1,
    };
    expect(planFor(SERIES, rules).keep).toEqual([
      '2025-03-01T09:45:00+00:00 within 2d|last snapshot|hourly snapshot|daily snapshot|weekly snapshot|monthly snapshot|yearly snapshot',
      '2025-03-01T09:00:00+00:00 within 2d',
    ]);
  });

  it('counts a snapshot against every rule that keeps it (rules do not share slots)', () => {
    // The newest fills keepLast's and keepDaily's only slot; Feb 1 is not kept as a "second daily".
    expect(planFor(SERIES, { keepLast: 1, keepDaily: 1 }).keep).toEqual([
      '2025-03-01T09:45:00+00:00 last snapshot|daily snapshot',
    ]);
  });

  it('each rule stops on its own when its count is used up', () => {
    // keepWeekly has used up its 2 slots after Feb 1; keepDaily goes on through January days.
    expect(planFor(SERIES, { keepWeekly: 2, keepDaily: 4 }).keep).toEqual([
      '2025-03-01T09:45:00+00:00 daily snapshot|weekly snapshot',
      '2025-02-01T09:00:00+00:00 daily snapshot|weekly snapshot',
      '2025-01-13T09:00:00+00:00 daily snapshot',
      '2025-01-06T10:15:00+00:00 daily snapshot',
    ]);
  });

  it('a rule with value 0 does nothing', () => {
    expect(planFor(SERIES, { keepLast: 0, keepDaily: 0, keepWeekly: 2, keepWithin: d({}) }).keep).toEqual([
      '2025-03-01T09:45:00+00:00 weekly snapshot',
      '2025-02-01T09:00:00+00:00 weekly snapshot',
    ]);
  });

  it('exposes the reason strings', () => {
    expect(KEEP_REASON).toEqual({
      last: 'last snapshot',
      hourly: 'hourly snapshot',
      daily: 'daily snapshot',
      weekly: 'weekly snapshot',
      monthly: 'monthly snapshot',
      yearly: 'yearly snapshot',
      newest: 'newest snapshot',
    });
    expect(withinReason(d({ years: 1, months: 6 }))).toBe('within 1y6m');
    expect(withinReason(d({ days: 13, hours: 23 }))).toBe('within 13d23h');
  });
});

describe('keepWithin', () => {
  it('keeps only snapshots strictly newer than newest − d', () => {
    const times = [
      '2025-03-01T09:45:00+00:00',
      '2025-02-01T09:45:00.001+00:00',
      '2025-02-01T09:45:00+00:00', // exactly newest − 1m: not within
      '2025-02-01T09:44:59+00:00',
    ];
    expect(planFor(times, { keepWithin: d({ months: 1 }) })).toMatchObject({
      keep: ['2025-03-01T09:45:00+00:00 within 1m', '2025-02-01T09:45:00.001+00:00 within 1m'],
      delete: ['2025-02-01T09:45:00+00:00', '2025-02-01T09:44:59+00:00'],
    });
  });

  it('measures from the newest candidate, not from now', () => {
    const times = ['2020-01-10T00:00:00+00:00', '2020-01-09T00:00:01+00:00', '2020-01-08T00:00:00+00:00'];
    expect(planFor(times, { keepWithin: d({ days: 1 }) }).keep).toEqual([
      '2020-01-10T00:00:00+00:00 within 1d',
      '2020-01-09T00:00:01+00:00 within 1d',
    ]);
  });

  it.each([
    // Mar 31 − 1m = "Feb 31" = Mar 3 (Go normalisation; clamping would give Feb 28 and keep Mar 2).
    ['2025-03-31T12:00:00+00:00', '2025-03-03T12:00:01+00:00', '2025-03-03T12:00:00+00:00', { months: 1 }],
    ['2025-03-31T12:00:00+00:00', '2025-03-03T12:00:01+00:00', '2025-03-02T12:00:00+00:00', { months: 1 }],
    // Leap year: "Feb 31 2024" = Mar 2.
    ['2024-03-31T12:00:00+00:00', '2024-03-02T12:00:01+00:00', '2024-03-02T12:00:00+00:00', { months: 1 }],
    // Feb 29 − 1y = "Feb 29 2023" = Mar 1 2023.
    ['2024-02-29T12:00:00+00:00', '2023-03-01T12:00:01+00:00', '2023-03-01T12:00:00+00:00', { years: 1 }],
    // Jan 31 − 1m = Dec 31.
    ['2025-01-31T12:00:00+00:00', '2024-12-31T12:00:01+00:00', '2024-12-31T12:00:00+00:00', { months: 1 }],
    // 1y2m3d3h from restic's newest: cut-off 2014-11-15T09:02:03.
    ['2016-01-18T12:02:03+00:00', '2014-11-15T09:02:04+00:00', '2014-11-15T09:02:03+00:00', { years: 1, months: 2, days: 3, hours: 3 }],
  ])('calendar arithmetic: newest %s keeps %s, drops %s (%j)', (newest, kept, dropped, duration) => {
    const plan = planFor([newest, kept, dropped], { keepWithin: d(duration) });
    expect(plan.keep.map((k) => k.split(' ')[0])).toEqual([newest, kept]);
    expect(plan.delete).toEqual([dropped]);
  });

  it('a huge duration keeps everything', () => {
    expect(planFor(SERIES, { keepWithin: d({ years: 300_000 }) }).delete).toEqual([]);
  });
});

describe('the newest candidate is always kept', () => {
  it('with reason "newest snapshot" when no rule keeps it', () => {
    // In Pacific/Apia Dec 30 2011 did not exist. From Dec 31 12:00 (+14), "1 day earlier" lands
    // in that gap and moves forward by it (24 h) — onto the newest snapshot itself, so keepWithin
    // keeps nothing strictly newer. The newest is kept anyway.
    const plan = planFor(
      ['2011-12-30T22:00:00+00:00', '2011-12-30T21:00:00+00:00'],
      { keepWithin: d({ days: 1 }) },
      'Pacific/Apia',
    );
    expect(plan.keep).toEqual(['2011-12-30T22:00:00+00:00 newest snapshot']);
    expect(plan.delete).toEqual(['2011-12-30T21:00:00+00:00']);
  });

  it('and a lone snapshot is kept', () => {
    expect(planFor(['2025-04-01T00:00:00+00:00'], { keepWithin: d({ hours: 1 }) }).keep).toEqual([
      '2025-04-01T00:00:00+00:00 within 1h',
    ]);
  });

  it('an empty list gives an empty plan', () => {
    expect(planFor([], { keepLast: 1 })).toEqual({ keep: [], delete: [], ignored: [] });
  });
});

describe('snapshots nasorch does not own', () => {
  const ours = (t: string) => snap(t);
  const scheduled = snap('2025-03-02T00:00:00+00:00', { id: 's1', name: 'nasorch-sched', type: 'SCHEDULED' });
  const mirror = snap('2025-03-02T01:00:00+00:00', { id: 'm1', name: 'nasorch-mirror', type: 'MIRROR' });
  const preserved = snap('2025-03-02T02:00:00+00:00', { id: 'p1', name: 'nasorch-kept', preserved: true });
  const manual = snap('2025-03-02T03:00:00+00:00', { id: 'u1', name: 'before-upgrade' });
  const otherCase = snap('2025-03-02T04:00:00+00:00', { id: 'u2', name: 'NASORCH-upper' });
  const strangers = [scheduled, mirror, preserved, manual, otherCase];

  const input = [...strangers, ...SERIES.map(ours)];
  const plan = applyRetention(input, { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1, keepDaily: 2 } });

  it('are never kept or deleted, and listed as ignored with why (newest first)', () => {
    const decided = [...plan.keep, ...plan.delete].map((e) => e.snapshot);
    for (const s of strangers) expect(decided).not.toContain(s);
    expect(summarize(plan).ignored).toEqual([
      'NASORCH-upper: name does not start with "nasorch-"',
      'before-upgrade: name does not start with "nasorch-"',
      'nasorch-kept: preserved (the NAS keeps it undeletable)',
      'nasorch-mirror: type MIRROR (made by replication)',
      'nasorch-sched: type SCHEDULED (made by the NAS schedule)',
    ]);
  });

  it('are never counted: newer strangers neither take keepLast nor a daily slot', () => {
    expect(summarize(plan).keep).toEqual([
      '2025-03-01T09:45:00+00:00 last snapshot|daily snapshot',
      '2025-02-01T09:00:00+00:00 daily snapshot',
    ]);
  });

  it('every input appears exactly once, as the same object', () => {
    const all = [...plan.keep, ...plan.delete, ...plan.ignored].map((e) => e.snapshot);
    expect(all).toHaveLength(input.length);
    expect(new Set(all)).toEqual(new Set(input));
  });

  it('lists every reason a snapshot is not ours', () => {
    const odd = snap('2025-03-02T00:00:00+00:00', { name: 'other', type: 'SCHEDULED', preserved: true });
    const result = applyRetention([odd], { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1 } });
    expect(result.ignored[0]!.why).toBe(
      'type SCHEDULED (made by the NAS schedule); preserved (the NAS keeps it undeletable); name does not start with "nasorch-"',
    );
    expect(result.keep).toEqual([]);
  });

  it('ignores a snapshot whose createdAt cannot be read, listing it last', () => {
    const unreadable = snap('2025-04-01 09:34', { id: 'x1', name: 'nasorch-x' });
    const noOffset = snap('2025-04-01T09:34:27', { id: 'x2', name: 'nasorch-y' });
    const result = applyRetention([unreadable, noOffset, scheduled, ours('2025-01-01T00:00:00+00:00')], {
      prefix: PREFIX,
      timeZone: 'UTC',
      rules: { keepLast: 1 },
    });
    expect(summarize(result).ignored).toEqual([
      'nasorch-sched: type SCHEDULED (made by the NAS schedule)',
      'nasorch-x: createdAt "2025-04-01 09:34" is not an ISO-8601 time with offset',
      'nasorch-y: createdAt "2025-04-01T09:34:27" is not an ISO-8601 time with offset',
    ]);
    expect(summarize(result).keep).toEqual(['2025-01-01T00:00:00+00:00 last snapshot']);
  });

  it('considers only the first entry of an id listed twice', () => {
    const first = snap('2025-01-02T00:00:00+00:00', { id: 'dup' });
    const again = snap('2025-01-02T00:00:00+00:00', { id: 'dup' });
    const older = snap('2025-01-01T00:00:00+00:00');
    const result = applyRetention([first, older, again], { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1 } });
    expect(result.keep.map((k) => k.snapshot)).toEqual([first]);
    expect(result.delete.map((k) => k.snapshot)).toEqual([older]);
    expect(result.ignored).toEqual([{ snapshot: again, why: 'id listed more than once (only its first entry counts)' }]);
  });
});

describe('ordering', () => {
  it('orders by instant, whatever offset createdAt is written with', () => {
    const times = [
      '2025-04-01T09:00:00+09:00', // 00:00Z — oldest
      '2025-04-01T01:00:00+00:00', // 01:00Z — newest
      '2025-03-31T19:30:00-05:00', // 00:30Z
    ];
    expect(planFor(times, { keepLast: 10 }).keep.map((k) => k.split(' ')[0])).toEqual([
      '2025-04-01T01:00:00+00:00',
      '2025-03-31T19:30:00-05:00',
      '2025-04-01T09:00:00+09:00',
    ]);
  });

  it('breaks ties by name, then id, both descending, whatever the input order', () => {
    const t = '2025-04-01T00:00:00+00:00';
    const a = snap(t, { id: '2', name: 'nasorch-a' });
    const b1 = snap(t, { id: '1', name: 'nasorch-b' });
    const b2 = snap(t, { id: '3', name: 'nasorch-b' });
    const policy = { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1 } };
    for (const input of [[a, b1, b2], [b2, a, b1], [b1, b2, a]]) {
      const result = applyRetention(input, policy);
      expect(result.keep.map((k) => k.snapshot)).toEqual([b2]);
      expect(result.delete.map((k) => k.snapshot)).toEqual([b1, a]);
    }
  });

  it('does not reorder the caller\'s array', () => {
    const input = SERIES.map((t) => snap(t));
    const copy = [...input];
    applyRetention(input, { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1 } });
    expect(input).toEqual(copy);
  });

  it('deletionsOldestFirst reverses delete', () => {
    const plan = applyRetention(SERIES.map((t) => snap(t)), { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 7 } });
    expect(plan.delete.map((e) => e.snapshot.createdAt)).toEqual([
      '2025-01-02T09:00:00+00:00',
      '2025-01-01T18:00:00+00:00',
      '2025-01-01T09:00:00+00:00',
    ]);
    expect(deletionsOldestFirst(plan).map((e) => e.snapshot.createdAt)).toEqual([
      '2025-01-01T09:00:00+00:00',
      '2025-01-01T18:00:00+00:00',
      '2025-01-02T09:00:00+00:00',
    ]);
    expect(plan.delete.map((e) => e.snapshot.createdAt)[0]).toBe('2025-01-02T09:00:00+00:00'); // not mutated
  });
});

describe('an unusable policy is refused with a message naming the field', () => {
  const some = SERIES.map((t) => snap(t));
  it.each<[string, { prefix?: string; timeZone?: string; rules?: unknown }, RegExp]>([
    ['empty prefix', { prefix: '' }, /prefix must not be empty/],
    ['unknown zone', { timeZone: 'Mars/Olympus' }, /timeZone "Mars\/Olympus" is not a known IANA time zone/],
    ['empty zone', { timeZone: '' }, /timeZone "" is not a known/],
    ['negative count', { rules: { keepDaily: -1 } }, /keepDaily must be a whole number ≥ 0, got -1/],
    ['fractional count', { rules: { keepLast: 1.5 } }, /keepLast must be a whole number ≥ 0, got 1.5/],
    ['count as text', { rules: { keepWeekly: '4' } }, /keepWeekly must be a whole number ≥ 0, got "4"/],
    ['unknown rule (typo)', { rules: { keepdaily: 7 } }, /unknown retention rule "keepdaily"/],
    ['keepWithin as text', { rules: { keepWithin: '2d' } }, /keepWithin must be a duration/],
    ['keepWithin negative', { rules: { keepWithin: { years: 0, months: 0, days: -2, hours: 0 } } }, /keepWithin must be a duration/],
    ['no rule at all', { rules: {} }, /rules keep nothing/],
    ['all rules zero', { rules: { keepLast: 0, keepWithin: { years: 0, months: 0, days: 0, hours: 0 } } }, /rules keep nothing/],
    ['rules missing', { rules: null }, /rules must be an object/],
  ])('%s', (_, override, message) => {
    const policy = { prefix: PREFIX, timeZone: 'UTC', rules: { keepLast: 1 }, ...override } as Parameters<typeof applyRetention>[1];
    expect(() => applyRetention(some, policy)).toThrow(RetentionInputError);
    expect(() => applyRetention(some, policy)).toThrow(message);
  });
});
