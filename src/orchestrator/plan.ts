// `nasorch plan`: what the daemon would do, computed without changing anything. Pure: the
// command gathers volumes and snapshots from the API and hands them in.
import type { SchedulePause } from '../db/prisma.ts';
import type { Snapshot } from '../nas/schemas.ts';
import { pauseState } from '../schedule/schedule-pauses.ts';
import type { Policy } from '../policy/policy.ts';
import { applyRetention } from '../retention/apply-retention.ts';
import type { JobKind } from '../schedule/job-kinds.ts';
import { policySchedules } from '../schedule/policy-schedules.ts';
import { nextRun } from '../schedule/slots.ts';
import type { SelectedVolume } from './volume-selection.ts';

export interface PlannedSnapshot {
  id: string;
  name: string;
  createdAt: string;
}

export interface VolumePlan {
  id: string;
  name: string;
  next: Partial<Record<JobKind, string>>;
  retention: { keep: (PlannedSnapshot & { reasons: string[] })[]; delete: PlannedSnapshot[] } | null;
  /** Why scheduled slots are skipped now (spec.suspend or `nasorch pause`); null when they run. */
  paused: { reason: string; until: string | null } | null;
}

export interface PolicyPlan {
  name: string;
  region: string;
  volumes: VolumePlan[];
}

export function planPolicy(
  policy: Policy,
  volumes: readonly SelectedVolume[],
  snapshotsOf: (volumeId: string) => readonly Snapshot[],
  at: Date,
  pauses: readonly SchedulePause[] = [],
): PolicyPlan {
  const next = nextRuns(policy, at);
  return {
    name: policy.name,
    region: policy.region,
    volumes: volumes.map((volume) => planVolume(policy, volume, snapshotsOf(volume.id), next, pausedOf(policy, volume.id, pauses, at))),
  };
}

/** The next run of each of the policy's kinds after `at` (the same for all its volumes). */
export function nextRuns(policy: Policy, at: Date): VolumePlan['next'] {
  return Object.fromEntries(policySchedules(policy).map(([kind, pattern]) => [kind, nextRun(pattern, policy.timezone, at).toISOString()]));
}

/** Whether the volume's schedules are paused at `at` (spec.suspend or `nasorch pause`), and why. */
export function pausedOf(policy: Policy, volumeId: string, pauses: readonly SchedulePause[], at: Date): VolumePlan['paused'] {
  const pause = pauseState(policy, volumeId, pauses, at);
  return pause.paused ? { reason: pause.reason, until: pause.until?.toISOString() ?? null } : null;
}

/** One volume's plan: the policy's next runs, and the retention decision over its snapshots. */
export function planVolume(
  policy: Policy,
  volume: SelectedVolume,
  snapshots: readonly Snapshot[],
  next: VolumePlan['next'],
  paused: VolumePlan['paused'] = null,
): VolumePlan {
  let retention: VolumePlan['retention'] = null;
  if (policy.snapshot) {
    const decision = applyRetention(snapshots, {
      prefix: policy.snapshot.prefix,
      timeZone: policy.timezone,
      rules: policy.snapshot.retention,
    });
    const brief = (s: Snapshot): PlannedSnapshot => ({ id: s.id, name: s.name, createdAt: s.createdAt });
    retention = {
      keep: decision.keep.map((k) => ({ ...brief(k.snapshot), reasons: k.reasons })),
      delete: decision.delete.map((d) => brief(d.snapshot)),
    };
  }
  return { id: volume.id, name: volume.name, next, retention, paused };
}
