// What job schedulers the config asks for, given the volumes each policy selected. Pure: the
// reconciler compares this with what BullMQ has and applies the difference.
import type { Policy } from '../policy/policy.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import { policySchedules } from '../schedule/policy-schedules.ts';
import { schedulerId } from '../schedule/slots.ts';
import type { SelectedVolume } from './volume-selection.ts';

export interface DesiredScheduler {
  id: string;
  pattern: string;
  timeZone: string;
  data: JobData;
}

export function desiredSchedulers(policies: readonly Policy[], selected: ReadonlyMap<string, readonly SelectedVolume[]>): DesiredScheduler[] {
  const out: DesiredScheduler[] = [];
  for (const policy of policies) {
    const kinds = policySchedules(policy);
    for (const volume of selected.get(policy.name) ?? []) {
      for (const [kind, pattern] of kinds) {
        out.push({
          id: schedulerId(policy.name, volume.id, kind),
          pattern,
          timeZone: policy.timezone,
          data: { kind, policy: policy.name, volumeId: volume.id, volumeName: volume.name, region: policy.region },
        });
      }
    }
  }
  return out;
}
