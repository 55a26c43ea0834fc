// Schedule patterns are checked with cron-parser, the parser BullMQ runs them with, so a pattern
// that passes here is one the scheduler accepts and interprets the same way.
import { CronExpressionParser } from 'cron-parser';

// cron-parser's predefined expressions (it does not export the list).
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly', '@minutely', '@secondly', '@weekdays', '@weekends'];

const FIELD_HELP = '5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first';

/** Returns why `pattern` is not a usable schedule, or undefined when it is fine. */
export function cronPatternProblem(pattern: string): string | undefined {
  const trimmed = pattern.trim();
  if (trimmed === '') return `expected a cron pattern of ${FIELD_HELP}, got an empty text`;
  // cron-parser quietly pads short patterns ("0 3" = every day at 03:00?) — refuse them instead.
  if (trimmed.startsWith('@') && !MACROS.includes(trimmed)) {
    return `unknown cron macro "${pattern}" (known: ${MACROS.join(', ')})`;
  }
  const isMacro = MACROS.includes(trimmed);
  const fields = trimmed.split(/\s+/);
  if (!isMacro && fields.length !== 5 && fields.length !== 6) {
    return `expected ${FIELD_HELP}, got ${fields.length} field${fields.length === 1 ? '' : 's'} in "${pattern}"`;
  }
  // "H" picks a random value per parse: every replica (and every restart) would choose a different time.
  // (Month and weekday names are removed first: "THU" is not a hash.)
  if (fields.some((field) => field.replace(/[a-z]{3}/gi, '').includes('H'))) {
    return `"H" (hashed values) is not supported in "${pattern}": use explicit values`;
  }
  try {
    CronExpressionParser.parse(trimmed, { tz: 'UTC' }).next();
  } catch (err) {
    return `invalid cron pattern "${pattern}": ${err instanceof Error ? err.message : String(err)}`;
  }
  return undefined;
}
