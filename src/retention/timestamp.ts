// Strict reading of the NAS API's timestamps ("2025-04-01T09:34:27+00:00").
// Date.parse is too lenient for a decision that deletes data: it turns "2025-02-30" into
// March 2 and reads a string without an offset in the process's own zone. Here a timestamp
// must carry Z or an explicit offset and name a real calendar date and time.

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * Milliseconds since the epoch for an ISO-8601 timestamp with Z or ±HH:MM / ±HHMM,
 * or undefined when the text is not one (or names an impossible date or time).
 * Fractions of a second beyond milliseconds are truncated.
 */
export function parseTimestamp(text: string): number | undefined {
  return parseCommonShape(text) ?? parseAnyShape(text);
}

const DIGIT_0 = 48;

/** Two ASCII digits at `at` as a number, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - DIGIT_0;
  const b = text.charCodeAt(at + 1) - DIGIT_0;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The shape the API answers ("2025-04-01T09:34:27+00:00", also with Z and a fraction) read
 * without a regex: retention parses every snapshot of a volume. Anything else (no seconds, a
 * space, lower-case t/z, ±HHMM) goes to parseAnyShape; both agree where both apply.
 */
function parseCommonShape(text: string): number | undefined {
  if (text.length < 20 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  if (century < 1 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  const year = century * 100 + yy;
  if (day > daysInMonth(year, month)) return undefined;
  let at = 19;
  let millisecond = 0;
  if (text[at] === '.') {
    let digits = 0;
    for (at += 1; at < text.length; at++, digits++) {
      const digit = text.charCodeAt(at) - DIGIT_0;
      if (digit < 0 || digit > 9) break;
      if (digits < 3) millisecond += digit * [100, 10, 1][digits]!;
    }
    if (digits < 1 || digits > 9) return undefined;
  }
  let offsetMinutes = 0;
  if (text[at] === 'Z' && at + 1 === text.length) {
    offsetMinutes = 0;
  } else {
    const sign = text[at];
    const offsetHours = twoDigits(text, at + 1);
    const offsetMins = twoDigits(text, at + 4);
    if ((sign !== '+' && sign !== '-') || text[at + 3] !== ':' || at + 6 !== text.length || offsetHours < 0 || offsetHours > 23 || offsetMins < 0 || offsetMins > 59) {
      return undefined;
    }
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
}

function parseAnyShape(text: string): number | undefined {
  const m = ISO_WITH_OFFSET.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millisecond = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (!zulu) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Date.UTC reads years 0–99 as 1900–1999; those (and only those) take the slow path.
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - offsetMinutes * 60_000;
  const wall = new Date(0);
  wall.setUTCFullYear(year, month - 1, day);
  wall.setUTCHours(hour, minute, second, millisecond);
  return wall.getTime() - offsetMinutes * 60_000;
}
