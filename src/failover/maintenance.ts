// While a failover run is active, its group's volumes are in maintenance: scheduled replication
// window start/stop skip with this reason (the job runner records it like a pause).
import type { PrismaClient } from '../db/prisma.ts';

const ACTIVE_STATES = ['awaiting_approval', 'running', 'waiting_for_user'];

/** Why scheduled mirror start/stop must not touch these volumes now, or null. */
export async function maintenanceReason(prisma: PrismaClient, volumeIds: readonly string[]): Promise<string | null> {
  if (volumeIds.length === 0) return null;
  const runs = await prisma.failoverRun.findMany({ where: { state: { in: ACTIVE_STATES } }, select: { id: true, groupName: true, kind: true, plan: true } });
  for (const run of runs) {
    const pairs = ((run.plan as { pairs?: { volume: { id: string }; replica: { id: string } }[] }).pairs ?? []);
    const hit = pairs.find((p) => volumeIds.includes(p.volume.id) || volumeIds.includes(p.replica.id));
    if (hit) return `in maintenance: failover run ${run.id} (${run.kind}) of group ${run.groupName} is active`;
  }
  return null;
}
