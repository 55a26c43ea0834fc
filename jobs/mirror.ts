// Which mirror a policy's replication section means for a volume.
import type { VolumeMirror } from '../src/nas/schemas.ts';
import { PermanentJobError, type JobContext } from './context.ts';

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
