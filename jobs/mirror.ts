// Which mirror a policy's replication section means for a volume.
import type { VolumeMirror } from '../src/nas/schemas.ts';
import { PermanentJobError, type JobContext, type JobOutcome } from './context.ts';

/** `auto`: the volume's mirror where it is SOURCE; otherwise the mirror with the given id. */
export async function resolveMirror(ctx: JobContext): Promise<VolumeMirror> {
  const choice = ctx.policy.replication?.mirror ?? 'auto';
  const volume = await ctx.nas.getVolume(ctx.volume.id);
  const mirror =
    choice === 'auto' ? volume.mirrors.find((m) => m.role === 'SOURCE') : volume.mirrors.find((m) => m.id === choice.id);
  if (!mirror) {
    const wanted = choice === 'auto' ? 'mirror where it is SOURCE' : `mirror ${choice.id}`;
    throw new PermanentJobError(`volume ${volume.name} (${volume.id}) has no ${wanted} (policy ${ctx.policy.name}, spec.replication.mirror)`);
  }
  return mirror;
}

/**
 * Moves replication to the wanted state unless it is already there, so a retried or duplicated
 * window job is a no-op rather than a second state change.
 */
export async function setReplication(ctx: JobContext, action: 'start' | 'stop'): Promise<JobOutcome> {
  if (!ctx.policy.replication) return { status: 'skipped', details: { reason: 'policy has no replication section' } };
  const mirror = await resolveMirror(ctx);
  const before = await ctx.nas.getMirrorStat(ctx.volume.id, mirror.id);
  const already = action === 'start' ? 'ACTIVE' : 'HALT';
  if (before.status === already) return { status: 'skipped', details: { mirrorId: mirror.id, reason: `replication already ${already}` } };
  if (action === 'start') await ctx.nas.startMirror(ctx.volume.id, mirror.id);
  else await ctx.nas.stopMirror(ctx.volume.id, mirror.id);
  ctx.log.info({ mirrorId: mirror.id, before: before.status }, `replication ${action === 'start' ? 'started' : 'stopped'}`);
  return { status: 'succeeded', details: { mirrorId: mirror.id, before: before.status, action } };
}
