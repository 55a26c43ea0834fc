// The normalised policy the rest of nasorch works with: every default applied, durations parsed.
// The file format it comes from is described by policy-schema.ts.
import type { CalendarDuration } from './duration.ts';

/** Which volumes a policy applies to: a volume is selected when it matches ANY criterion. */
export interface VolumeSelector {
  /** Exact volume names. */
  names: string[];
  /** Substrings of volume names (case-sensitive). */
  nameContains: string[];
  /** Volume ids. */
  ids: string[];
}

/** Restic-style retention: a snapshot is kept when any rule keeps it. 0 = rule unused. */
export interface RetentionRules {
  keepLast: number;
  keepHourly: number;
  keepDaily: number;
  keepWeekly: number;
  keepMonthly: number;
  keepYearly: number;
  /** Keep every snapshot younger than this (calendar units, evaluated in the policy's time zone). */
  keepWithin?: CalendarDuration;
}

export interface SnapshotRules {
  /** Cron pattern (5 fields, or 6 with seconds), evaluated in the policy's time zone. */
  schedule: string;
  /** Every snapshot nasorch creates is named `<prefix><timestamp>`; only names with it are ever pruned. */
  prefix: string;
  /** Prune after each snapshot. */
  prune: boolean;
  retention: RetentionRules;
  /** If a prune would delete more than this, it deletes nothing and raises an alert. */
  maxDeletionsPerRun: number;
}

/** `auto` = for each volume, its only mirror (any role); jobs act on the pair's writer (jobs/acting-volume.ts). */
export type MirrorChoice = 'auto' | { id: string };

export interface ReplicationRules {
  mirror: MirrorChoice;
  /** Replication runs only between `start` and `stop` (cron patterns) when set. */
  window?: { start: string; stop: string };
  /** Alert when now − lastSuccessTransferEndTime exceeds this. */
  rpo?: { duration: CalendarDuration; ms: number };
  /** Cron pattern of the replication status poll. */
  statSchedule: string;
}

export interface UsageRules {
  /** Cron pattern of the usage poll. */
  schedule: string;
  warnPercent: number;
  criticalPercent: number;
}

/** Where a policy was written. */
export interface PolicySource {
  file: string;
  /** 0-based index of the YAML document in the file (documents are separated by `---`). */
  documentIndex: number;
  /** 1-based position of the policy's `metadata.name` value. */
  line: number;
  col: number;
}

export interface Policy {
  /** Unique across the policy directory; a DNS-label-like slug (it goes into job ids and snapshot names). */
  name: string;
  description?: string;
  /** Upper case, e.g. "KR1". */
  region: string;
  /** Canonical IANA name; schedules and retention periods are evaluated in it. */
  timezone: string;
  volumes: VolumeSelector;
  snapshot?: SnapshotRules;
  replication?: ReplicationRules;
  usage?: UsageRules;
  /** `spec.suspend: true`: every scheduled slot is skipped (recorded as a skipped run). */
  suspend?: true;
  source: PolicySource;
}
