// Calendar arithmetic in an IANA time zone, on top of the built-in Intl API (no date library).
//
// An instant is a number of milliseconds since the epoch. A wall time is what a clock in the
// zone shows (year … millisecond). Going instant → wall time is exact (Intl.DateTimeFormat).
// Going wall time → instant is ambiguous around offset changes; we resolve it the way
// Temporal's `disambiguation: 'compatible'` does: a wall time that occurs twice (fall-back
// overlap) maps to the earlier instant, a wall time that never occurs (spring-forward gap)
// is moved forward by the length of the gap (02:30 on a 02:00→03:00 day becomes 03:30).

import type { CalendarDuration } from '../policy/duration.ts';

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export interface LocalDateTime extends LocalDate {
  /** 0–23 */
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The earliest instant a JavaScript Date can hold (-271821-04-20T00:00Z). */
const EARLIEST_INSTANT = -8.64e15;

// Building a DateTimeFormat is costly (it loads zone data); one per zone is enough.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when Intl knows the zone (IANA names such as "Asia/Seoul", also "UTC"; case-insensitive). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall time in `timeZone` at an instant. Throws RangeError for an unknown zone. */
export function localDateTime(epochMs: number, timeZone: string): LocalDateTime {
  const wholeSeconds = Math.floor(epochMs / 1000) * 1000;
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(wholeSeconds)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  return {
    // en-US writes years before 1 CE as "1 BC" = year 0, "2 BC" = year −1 (proleptic ISO years).
    year: fields.era === 'BC' ? 1 - yearOfEra : yearOfEra,
    month: Number(fields.month),
    day: Number(fields.day),
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
    millisecond: epochMs - wholeSeconds,
  };
}

/**
 * The wall time's fields read as if they were UTC, as epoch milliseconds. Out-of-range fields
 * overflow into the next unit like Go's time.Date does (Feb 31 → Mar 3 or Mar 2, month 0 → December
 * of the year before, day 0 → last day of the month before). Years 0–99 are taken literally.
 */
export function wallTimeAsUtc(wall: LocalDateTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/**
 * A fast reader of wall times for many instants in one zone (retention walks up to 100,000).
 * Intl formatting costs microseconds per call; instead the zone's offset is read at both ends
 * of the instant's UTC day and, when they agree, applied directly: with at most one offset
 * change within a day (see wallTimeToInstant), equal ends mean no change in between. Days with
 * a change fall back to Intl for every instant.
 */
export function wallClock(timeZone: string): (epochMs: number) => LocalDateTime {
  const offsets = new Map<number, number>();
  const offsetAtDayStart = (day: number): number => {
    let offset = offsets.get(day);
    if (offset === undefined) {
      offset = offsetAt(day * DAY_MS, timeZone);
      offsets.set(day, offset);
    }
    return offset;
  };
  // The calendar date of the last local day seen: instants come sorted, so most share it.
  let lastLocalDay = Number.NaN;
  let lastDate: LocalDate = { year: 0, month: 0, day: 0 };
  return (epochMs) => {
    const day = Math.floor(epochMs / DAY_MS);
    const offset = offsetAtDayStart(day);
    if (offset !== offsetAtDayStart(day + 1)) return localDateTime(epochMs, timeZone);
    const local = epochMs + offset;
    const localDay = Math.floor(local / DAY_MS);
    if (localDay !== lastLocalDay) {
      const date = new Date(localDay * DAY_MS);
      lastDate = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      lastLocalDay = localDay;
    }
    const msOfDay = local - localDay * DAY_MS;
    return {
      year: lastDate.year,
      month: lastDate.month,
      day: lastDate.day,
      hour: Math.floor(msOfDay / HOUR_MS),
      minute: Math.floor(msOfDay / 60_000) % 60,
      second: Math.floor(msOfDay / 1000) % 60,
      millisecond: msOfDay % 1000,
    };
  };
}

/** Offset of the zone from UTC at an instant, in milliseconds (east positive: Asia/Seoul → +9 h). */
export function offsetAt(epochMs: number, timeZone: string): number {
  return wallTimeAsUtc(localDateTime(epochMs, timeZone)) - epochMs;
}

/**
 * The instant at which clocks in `timeZone` show `wall`, with Temporal's "compatible"
 * disambiguation (earlier instant in an overlap, pushed forward by the gap in a gap).
 * Assumes at most one offset change within a day of the wall time, which holds for tzdata.
 */
export function wallTimeToInstant(wall: LocalDateTime, timeZone: string): number {
  const asUtc = wallTimeAsUtc(wall);
  const offsetBefore = offsetAt(asUtc - DAY_MS, timeZone);
  const offsetAfter = offsetAt(asUtc + DAY_MS, timeZone);
  const matches = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => asUtc - offset)
    .filter((instant) => wallTimeAsUtc(localDateTime(instant, timeZone)) === asUtc)
    .sort((a, b) => a - b);
  if (matches.length > 0) return matches[0]!;
  // A gap: read the wall time with the offset in force before the change, which lands
  // after the change, as far forward as the gap is long.
  return asUtc - offsetBefore;
}

/**
 * ISO-8601 week of a calendar date: weeks start on Monday and week 1 is the one holding the
 * year's first Thursday, so Dec 29–31 can be in week 1 of the next week-year and Jan 1–3 in
 * week 52 or 53 of the previous one.
 */
export function isoWeek(date: LocalDate): { weekYear: number; week: number } {
  const day = new Date(0);
  day.setUTCFullYear(date.year, date.month - 1, date.day);
  const isoWeekday = ((day.getUTCDay() + 6) % 7) + 1; // Monday 1 … Sunday 7
  const thursday = new Date(day.getTime() + (4 - isoWeekday) * DAY_MS);
  const weekYear = thursday.getUTCFullYear();
  const januaryFirst = new Date(0);
  januaryFirst.setUTCFullYear(weekYear, 0, 1);
  const week = Math.floor((thursday.getTime() - januaryFirst.getTime()) / (7 * DAY_MS)) + 1;
  return { weekYear, week };
}

/**
 * The instant `duration` before `epochMs`, as restic computes its keep-within cut-off
 * (`t.AddDate(-y, -m, -d).Add(-h hours)`), but in `timeZone`:
 * 1. take the wall time of `epochMs` in the zone and subtract years, months and days from its
 *    date, normalising an impossible date the way Go's AddDate does (Mar 31 − 1m = "Feb 31" =
 *    Mar 3, or Mar 2 in a leap year; Feb 29 − 1y = Mar 1) — the time of day is unchanged;
 * 2. turn that wall time back into an instant ("compatible" disambiguation, see above);
 * 3. subtract the hours as exact hours (so 24h and 1d differ across a DST change).
 * Without years, months and days, step 1–2 are skipped (the instant is used as is).
 * A result before the earliest representable Date is -Infinity.
 */
export function minusCalendarDuration(epochMs: number, duration: CalendarDuration, timeZone: string): number {
  let base = epochMs;
  if (duration.years !== 0 || duration.months !== 0 || duration.days !== 0) {
    const wall = localDateTime(epochMs, timeZone);
    const shifted = wallTimeAsUtc({
      ...wall,
      year: wall.year - duration.years,
      month: wall.month - duration.months,
      day: wall.day - duration.days,
    });
    // Years beyond what Date can hold: the cut-off is "before anything".
    if (!Number.isFinite(shifted) || shifted < EARLIEST_INSTANT + 2 * DAY_MS) return -Infinity;
    const normalised = new Date(shifted);
    base = wallTimeToInstant(
      {
        year: normalised.getUTCFullYear(),
        month: normalised.getUTCMonth() + 1,
        day: normalised.getUTCDate(),
        hour: normalised.getUTCHours(),
        minute: normalised.getUTCMinutes(),
        second: normalised.getUTCSeconds(),
        millisecond: normalised.getUTCMilliseconds(),
      },
      timeZone,
    );
  }
  const result = base - duration.hours * HOUR_MS;
  return Number.isFinite(result) && result >= EARLIEST_INSTANT ? result : -Infinity;
}
