// mirror-start: open the replication window (a no-op when replication is already ACTIVE).
import type { JobContext, JobOutcome } from './context.ts';
import { setReplication } from './mirror.ts';

export const runMirrorStart = (ctx: JobContext): Promise<JobOutcome> => setReplication(ctx, 'start');
