// Durations in policy files: a run of <number><unit> with units y (years), m (months),
// d (days), h (hours), e.g. "2d", "1y6m", "36h". Years, months and days are calendar
// units: they are applied in a time zone by the caller (see retention), not as fixed ms.

export interface CalendarDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
}

const PART = /(\d+)([ymdh])/g;
const WHOLE = /^(\d+[ymdh])+$/;

/** Parses "1y6m" etc.; returns an error message instead of throwing. */
export function parseDuration(text: string): CalendarDuration | { error: string } {
  const trimmed = text.trim();
  if (!WHOLE.test(trimmed)) {
    return { error: `expected a duration such as 36h, 2d or 1y6m (units y, m, d, h), got "${text}"` };
  }
  const d: CalendarDuration = { years: 0, months: 0, days: 0, hours: 0 };
  const seen = new Set<string>();
  for (const [, n, unit] of trimmed.matchAll(PART)) {
    if (seen.has(unit!)) return { error: `unit "${unit}" appears twice in "${text}"` };
    seen.add(unit!);
    const value = Number(n);
    if (unit === 'y') d.years = value;
    else if (unit === 'm') d.months = value;
    else if (unit === 'd') d.days = value;
    else d.hours = value;
  }
  if (d.years + d.months + d.days + d.hours === 0) return { error: `duration "${text}" is zero` };
  return d;
}

export function formatDuration(d: CalendarDuration): string {
  return (
    [
      [d.years, 'y'],
      [d.months, 'm'],
      [d.days, 'd'],
      [d.hours, 'h'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, u]) => `${n}${u}`)
    .join('');
}

/** Approximate length in ms, only for durations made of hours and days (e.g. an RPO). */
export function fixedDurationMs(d: CalendarDuration): number {
  return ((d.years * 365 + d.months * 30 + d.days) * 24 + d.hours) * 3600_000;
}
