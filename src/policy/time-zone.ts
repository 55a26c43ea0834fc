// Time zones are IANA names ("Asia/Seoul", "UTC"). Validation uses the runtime's Intl data,
// which is also what cron-parser (through luxon) uses to evaluate schedules.

/** The canonical spelling of an IANA time zone ("asia/seoul" → "Asia/Seoul"), or undefined if unknown. */
export function canonicalTimeZone(name: string): string | undefined {
  if (name.trim() === '' || name !== name.trim()) return undefined;
  // Offsets such as "+09:00" are accepted by newer Intl versions but are not IANA zones and ignore DST.
  if (!/^[A-Za-z]/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}
