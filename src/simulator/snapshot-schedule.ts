// The native snapshot schedule (`snapshotPolicy.schedule`): once a day at `time` in the
// zone `timeOffset`, on the listed weekdays (0 = Sunday; empty = every day). Pure.
import type { SnapshotSchedule } from './model.ts';

const DAY_MS = 86_400_000;
export const TIME_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const OFFSET_PATTERN = /^([+-])(0\d|1[0-4]):([0-5]\d)$/;

function offsetMs(timeOffset: string): number {
  const m = OFFSET_PATTERN.exec(timeOffset);
  if (!m) throw new RangeError(`invalid time offset "${timeOffset}"`);
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

function minutesOfDay(time: string): number {
  const m = TIME_PATTERN.exec(time);
  if (!m) throw new RangeError(`invalid time "${time}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The first run strictly after `after` (ms since epoch). */
export function nextScheduledRun(schedule: SnapshotSchedule, after: number): number {
  const offset = offsetMs(schedule.timeOffset);
  const minutes = minutesOfDay(schedule.time);
  // Work on "local midnight" instants expressed as if they were UTC.
  const localNow = after + offset;
  const localMidnight = Math.floor(localNow / DAY_MS) * DAY_MS;
  for (let day = 0; day <= 8; day++) {
    const localDay = localMidnight + day * DAY_MS;
    const weekday = new Date(localDay).getUTCDay();
    if (schedule.weekdays.length > 0 && !schedule.weekdays.includes(weekday)) continue;
    const instant = localDay + minutes * 60_000 - offset;
    if (instant > after) return instant;
  }
  throw new Error('unreachable: a weekly schedule always runs within 8 days');
}

/** The snapshot name a scheduled run uses, in the schedule's own zone: "daily.2026-11-27_0300". */
export function scheduledSnapshotName(schedule: SnapshotSchedule, at: number): string {
  const local = new Date(at + offsetMs(schedule.timeOffset)).toISOString();
  return `daily.${local.slice(0, 10)}_${local.slice(11, 13)}${local.slice(14, 16)}`;
}
