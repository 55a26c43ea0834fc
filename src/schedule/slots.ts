// Pure schedule arithmetic: scheduler ids, slot-derived snapshot names, next run times and
// replication windows. Patterns are evaluated with cron-parser, the parser BullMQ runs them with.
import { CronExpressionParser } from 'cron-parser';
import type { JobKind } from './job-kinds.ts';

/**
 * One BullMQ job scheduler per (policy, volume, kind). The id is derived from those three so
 * that reconciling twice, or from two daemons, names the same scheduler. No ':' (BullMQ rule).
 */
export function schedulerId(policy: string, volumeId: string, kind: JobKind): string {
  return `${policy}.${volumeId}.${kind}`;
}

/** `nasorch-prod-daily-20261127T030000Z`: prefix + the scheduled slot in UTC to the second. */
export function snapshotName(prefix: string, slot: Date): string {
  const iso = slot.toISOString(); // 2026-11-27T03:00:00.000Z
  return `${prefix}${iso.slice(0, 19).replace(/[-:]/g, '')}Z`;
}

const SLOT_STAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The slot a name made by `snapshotName(prefix, …)` stands for; undefined for any other name. */
export function slotOfSnapshotName(prefix: string, name: string): Date | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const m = SLOT_STAMP.exec(name.slice(prefix.length));
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const slot = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Reject stamps that do not round-trip (month 13, 25 o'clock…).
  return snapshotName(prefix, slot) === name ? slot : undefined;
}

export function nextRun(pattern: string, timeZone: string, after: Date): Date {
  return CronExpressionParser.parse(pattern, { tz: timeZone, currentDate: after }).next().toDate();
}

export function previousRun(pattern: string, timeZone: string, before: Date): Date {
  return CronExpressionParser.parse(pattern, { tz: timeZone, currentDate: before }).prev().toDate();
}

/**
 * Whether replication is meant to be stopped at `now`: the window's last stop came after its
 * last start. Outside a window HALT is expected; inside it, HALT is an incident.
 */
export function inStopPeriod(window: { start: string; stop: string }, timeZone: string, now: Date): boolean {
  const lastStart = previousRun(window.start, timeZone, now);
  const lastStop = previousRun(window.stop, timeZone, now);
  return lastStop.getTime() > lastStart.getTime();
}
