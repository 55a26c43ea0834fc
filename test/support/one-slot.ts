// A cron pattern (6 fields, UTC) that fires exactly once in the test's lifetime: at `at`,
// rounded up to the next whole second. Next time it matches is a year later.
export function onceAt(at: Date): { pattern: string; slot: Date } {
  const slot = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  const pattern = `${slot.getUTCSeconds()} ${slot.getUTCMinutes()} ${slot.getUTCHours()} ${slot.getUTCDate()} ${slot.getUTCMonth() + 1} *`;
  return { pattern, slot };
}
