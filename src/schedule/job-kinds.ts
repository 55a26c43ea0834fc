// The kinds of work nasorch schedules, and what a queued job carries.

export const JOB_KINDS = ['snapshot', 'prune', 'usage', 'mirror-start', 'mirror-stop', 'mirror-stat'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** Kinds that change a volume; at most one of them runs per volume at a time. */
export const MUTATING_KINDS: ReadonlySet<JobKind> = new Set(['snapshot', 'prune', 'mirror-start', 'mirror-stop']);

export type RunTrigger = 'schedule' | 'manual';

/** The payload of every queued job. Only identifiers: the handler reads the current policy. */
export interface JobData {
  kind: JobKind;
  policy: string;
  volumeId: string;
  volumeName: string;
  region: string;
}

/** Prisma's enum spells kinds with underscores. */
export function dbJobKind(kind: JobKind): 'snapshot' | 'prune' | 'usage' | 'mirror_start' | 'mirror_stop' | 'mirror_stat' {
  return kind.replace('-', '_') as ReturnType<typeof dbJobKind>;
}

export function isJobKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value);
}

/** The database's spelling back to the one the CLI and JSON use ("mirror_start" → "mirror-start"). */
export function jobKindFromDb(kind: string): JobKind | string {
  const spelled = kind.replaceAll('_', '-');
  return isJobKind(spelled) ? spelled : kind;
}
