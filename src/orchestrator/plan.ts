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
  const schedules = policySchedules(policy);
  return {
    name: policy.name,
    region: policy.region,
    volumes: volumes.map((volume) => {
      const next = Object.fromEntries(schedules.map(([kind, pattern]) => [kind, nextRun(pattern, policy.timezone, at).toISOString()]));
      let retention: VolumePlan['retention'] = null;
      if (policy.snapshot) {
        const decision = applyRetention(snapshotsOf(volume.id), {
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
      const pause = pauseState(policy, volume.id, pauses, at);
      const paused = pause.paused ? { reason: pause.reason, until: pause.until?.toISOString() ?? null } : null;
      return { id: volume.id, name: volume.name, next, retention, paused };
    }),
  };
}
