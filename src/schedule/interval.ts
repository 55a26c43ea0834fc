// How far apart a cron schedule's runs are, for "overdue" checks: the longest gap between
// consecutive runs over the next few dozen occurrences (a weekday-only schedule's gap is the weekend).
import { CronExpressionParser } from 'cron-parser';

export function longestIntervalSeconds(pattern: string, timeZone: string, from: Date, occurrences = 64): number {
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
