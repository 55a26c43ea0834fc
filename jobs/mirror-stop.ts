// mirror-stop: close the replication window (a final sync, then HALT). Checks the current
// status first, so a retried or duplicated job is a no-op rather than a second state change.
import type { JobContext, JobOutcome } from './context.ts';
import { resolveMirror } from './mirror.ts';

export async function runMirrorStop(ctx: JobContext): Promise<JobOutcome> {
  if (!ctx.policy.replication) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const mirror = await resolveMirror(ctx);
  const before = await ctx.nas.getMirrorStat(ctx.volume.id, mirror.id);
  if (before.status === 'HALT') return { status: 'skipped', details: { mirrorId: mirror.id, reason: 'replication already HALT' } };
  await ctx.nas.stopMirror(ctx.volume.id, mirror.id);
  ctx.log.info({ mirrorId: mirror.id }, 'replication stopped');
  return { status: 'succeeded', details: { mirrorId: mirror.id, before: before.status, action: 'stop' } };
}
