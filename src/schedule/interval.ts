// How far apart a cron schedule's runs are, for "overdue" checks: the longest gap between
// consecutive runs over the next few occurrences (a weekday-only schedule's gap is the weekend).
import { CronExpressionParser } from 'cron-parser';

export function longestIntervalSeconds(pattern: string, timeZone: string, from: Date, occurrences = 16): number {
  const expression = CronExpressionParser.parse(pattern, { tz: timeZone, currentDate: from });
  let previous = expression.next().toDate().getTime();
  let longest = 0;
  for (let i = 1; i < occurrences; i++) {
    const next = expression.next().toDate().getTime();
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest / 1000;
}

const CACHE_MS = 6 * 3600_000;
const cache = new Map<string, { at: number; seconds: number }>();

/**
 * The same, remembered per (pattern, zone) for a few hours: cron-parser takes up to ~100 ms for
 * a daily pattern, and scrapes and page loads ask for every schedule each time.
 */
export function scheduleIntervalSeconds(pattern: string, timeZone: string, now: Date): number {
  const key = `${pattern}\u0000${timeZone}`;
  const hit = cache.get(key);
  if (hit && Math.abs(now.getTime() - hit.at) < CACHE_MS) return hit.seconds;
  const seconds = longestIntervalSeconds(pattern, timeZone, now);
  cache.set(key, { at: now.getTime(), seconds });
  return seconds;
}
