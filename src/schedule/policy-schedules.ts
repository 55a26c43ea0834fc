// The cron schedules a policy runs, by job kind (prune has none: it follows each snapshot).
import type { Policy } from '../policy/policy.ts';
import type { JobKind } from './job-kinds.ts';

export function policySchedules(policy: Policy): [JobKind, string][] {
  const out: [JobKind, string][] = [];
  if (policy.snapshot) out.push(['snapshot', policy.snapshot.schedule]);
  if (policy.usage) out.push(['usage', policy.usage.schedule]);
  if (policy.replication) {
    out.push(['mirror-stat', policy.replication.statSchedule]);
    if (policy.replication.window) out.push(['mirror-start', policy.replication.window.start], ['mirror-stop', policy.replication.window.stop]);
  }
  return out;
}
