// The record of every snapshot nasorch created or deleted. Keyed by (action, volume, snapshot),
// so a retried job records once.
import type { Snapshot } from '../src/nas/schemas.ts';
import type { JobContext } from './context.ts';

export async function recordSnapshot(ctx: JobContext, action: 'created' | 'deleted', snapshot: Snapshot, reasons: string[]): Promise<void> {
  const { volume } = ctx;
  await ctx.prisma.snapshotRecord.upsert({
    where: { action_volumeId_snapshotId: { action, volumeId: volume.id, snapshotId: snapshot.id } },
    create: {
      action,
      policy: ctx.policy.name,
      volumeId: volume.id,
      region: volume.region,
      snapshotId: snapshot.id,
      snapshotName: snapshot.name,
      snapshotCreatedAt: new Date(snapshot.createdAt),
      reasons,
      runId: ctx.runId,
    },
    update: {},
  });
}
