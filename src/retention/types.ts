// Shapes of the retention decision: what goes in (snapshots, rules) and what comes out (a plan).
import type { SnapshotType } from '../nas/schemas.ts';
import type { CalendarDuration } from '../policy/duration.ts';

/** The fields of a NAS `Snapshot` that retention looks at; callers may pass full snapshots. */
export interface RetentionSnapshot {
  id: string;
  name: string;
  type: SnapshotType;
  preserved: boolean;
  /** ISO-8601 with a UTC offset or Z, e.g. "2025-04-01T09:34:27+00:00". */
  createdAt: string;
}

/**
 * Keep rules, restic-style. A count of 0 (or absent) turns its rule off. Counts are whole
 * numbers ≥ 0; keepWithin is a calendar duration applied in the policy's time zone.
 */
export interface RetentionRules {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
  keepWithin?: CalendarDuration;
}

export const RETENTION_RULE_NAMES = [
  'keepLast',
  'keepHourly',
  'keepDaily',
  'keepWeekly',
  'keepMonthly',
  'keepYearly',
  'keepWithin',
] as const satisfies readonly (keyof RetentionRules)[];

export interface RetentionPolicy {
  /** Only snapshots whose name starts with this (case-sensitive) are nasorch's to prune. Never empty. */
  prefix: string;
  /** IANA zone (e.g. "Asia/Seoul") in which hours, days, weeks, months and years are counted. */
  timeZone: string;
  rules: RetentionRules;
}

export interface KeptSnapshot<S extends RetentionSnapshot = RetentionSnapshot> {
  snapshot: S;
  /** Why it is kept, in a fixed order; see KEEP_REASON in apply-retention.ts. Never empty. */
  reasons: string[];
}

export interface DeletedSnapshot<S extends RetentionSnapshot = RetentionSnapshot> {
  snapshot: S;
}

export interface IgnoredSnapshot<S extends RetentionSnapshot = RetentionSnapshot> {
  snapshot: S;
  /** Why retention does not manage it (not a candidate); such snapshots are never deleted. */
  why: string;
}

/**
 * The outcome for one volume. Every input snapshot appears exactly once across the three lists.
 * keep and delete are newest first; ignored is newest first with unreadable createdAt last.
 */
export interface RetentionPlan<S extends RetentionSnapshot = RetentionSnapshot> {
  keep: KeptSnapshot<S>[];
  delete: DeletedSnapshot<S>[];
  ignored: IgnoredSnapshot<S>[];
}
