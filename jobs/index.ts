// One handler per job kind.
import type { JobKind } from '../src/schedule/job-kinds.ts';
import type { JobHandler } from './context.ts';
import { runMirrorStart } from './mirror-start.ts';
import { runMirrorStop } from './mirror-stop.ts';
import { runMirrorStat } from './mirror-stat.ts';
import { runPrune } from './prune.ts';
import { runSnapshot } from './snapshot.ts';
import { runUsage } from './usage.ts';

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  snapshot: runSnapshot,
  prune: runPrune,
  usage: runUsage,
  'mirror-start': runMirrorStart,
  'mirror-stop': runMirrorStop,
  'mirror-stat': runMirrorStat,
};

export type { JobContext, JobHandler, JobOutcome } from './context.ts';
export { PermanentJobError } from './context.ts';
