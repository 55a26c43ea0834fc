// mirror-stop: close the replication window — a final sync, then HALT (a no-op when already HALT).
import type { JobContext, JobOutcome } from './context.ts';
import { setReplication } from './mirror.ts';

export const runMirrorStop = (ctx: JobContext): Promise<JobOutcome> => setReplication(ctx, 'stop');
