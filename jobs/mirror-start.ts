// mirror-start: open the replication window. Checks the current status first, so a retried
// or duplicated job is a no-op rather than a second state change.
import type { JobContext, JobOutcome } from './context.ts';
import { resolveMirror } from './mirror.ts';

export async function runMirrorStart(ctx: JobContext): Promise<JobOutcome> {
  if (!ctx.policy.replication) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const mirror = await resolveMirror(ctx);
  const before = await ctx.nas.getMirrorStat(ctx.volume.id, mirror.id);
  if (before.status === 'ACTIVE') return { status: 'skipped', details: { mirrorId: mirror.id, reason: 'replication already ACTIVE' } };
  await ctx.nas.startMirror(ctx.volume.id, mirror.id);
  ctx.log.info({ mirrorId: mirror.id }, 'replication started');
  return { status: 'succeeded', details: { mirrorId: mirror.id, before: before.status, action: 'start' } };
}
