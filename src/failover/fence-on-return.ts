// After an emergency failover the old source is unreachable and cannot be fenced. The daemon tick
// probes the groups' regions (the probes are the emergency's evidence), keeps an alert open while
// an old source is not fenced, and — first thing when its region answers again — fences it (ACL
// sentinel, read back on the next tick) and takes its tail snapshot, recorded on the run.
import { AlertBook } from '../alerts/alert-book.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import { EventWriter, apiEvent } from './executor.ts';
import { runSnapshotName, type FailoverGroup } from './group.ts';
import { RecordedNas, type NasClients } from './nas-calls.ts';
import { FENCE_ACL } from './steps/volume-steps.ts';

interface TickDeps {
  prisma: PrismaClient;
  nas: NasClients;
  groups: readonly FailoverGroup[];
  log: Logger;
  probeTimeoutMs?: number;
}

export const unfencedAlertKey = (pairKey: string) => `failover-unfenced:${pairKey}`;

/** One probe per region the groups touch: a one-volume listing with a short timeout. */
export async function probeRegions(deps: TickDeps): Promise<void> {
  const records = await deps.prisma.failoverPair.findMany({ where: { groupName: { in: deps.groups.map((g) => g.name) } } });
  const regions = new Set([...deps.groups.map((g) => g.region), ...records.flatMap((r) => [r.originalRegion, r.replicaRegion])]);
  await Promise.all(
    [...regions].map(async (region) => {
      let ok = true;
      let detail: string | null = null;
      try {
        await deps.nas.client(region).listVolumes({ limit: 1 }, { signal: AbortSignal.timeout(deps.probeTimeoutMs ?? 5000) });
      } catch (err) {
        ok = false;
        detail = (err as Error).message.split('\n')[0]!.slice(0, 300);
      }
      await deps.prisma.failoverRegionProbe.create({ data: { region, ok, detail } });
    }),
  );
}

export async function fenceReturnedSources(deps: TickDeps): Promise<void> {
  const { prisma, log } = deps;
  const alerts = new AlertBook(prisma, log);
  const pending = await prisma.failoverPair.findMany({ where: { oldSourceFenced: false } });
  for (const record of pending) {
    const region = record.oldSourceRegion ?? record.originalRegion;
    const volumeId = record.oldSourceVolumeId ?? record.originalVolumeId;
    const latest = await prisma.failoverRegionProbe.findFirst({ where: { region }, orderBy: { at: 'desc' } });
    await alerts.raise({
      key: unfencedAlertKey(record.pairKey),
      severity: 'critical',
      volumeId,
      message: `old source ${record.originalName} (${volumeId}, ${region}) of group ${record.groupName} is not fenced yet after failover run ${record.runId ?? '?'}: nasorch fences it when ${region} answers again`,
    });
    if (!latest?.ok || !record.runId) continue;
    const events = new EventWriter(prisma, record.runId, log);
    const nas = new RecordedNas(deps.nas, (info) => events.add('api', { step: 'fence-on-return', ...apiEvent(info) }), 30_000);
    try {
      const volume = await nas.getVolume(region, volumeId);
      const acl = volume.acl ?? [];
      const fenced = JSON.stringify([...acl].sort()) === JSON.stringify([...FENCE_ACL].sort());
      if (!fenced) {
        events.add('fence-on-return', { volumeId, region, previousAcl: acl, action: 'fence' });
        await prisma.failoverPair.update({ where: { pairKey: record.pairKey }, data: { fencedAcl: record.fencedAcl.length > 0 ? record.fencedAcl : acl } });
        await nas.setAcl(region, volumeId, FENCE_ACL);
        continue; // read back on the next tick
      }
      const tail = runSnapshotName(record.runId, 'tail', volume.name);
      const snapshots = await nas.listSnapshots(region, volumeId);
      if (!snapshots.some((s) => s.name === tail)) {
        events.add('fence-on-return', { volumeId, region, action: 'snapshot-tail', name: tail });
        await nas.createSnapshot(region, volumeId, tail);
      }
      await prisma.failoverPair.update({ where: { pairKey: record.pairKey }, data: { oldSourceFenced: true, updatedAt: new Date() } });
      events.add('fence-on-return', { volumeId, region, action: 'fenced', tailSnapshot: tail });
      await alerts.resolve(unfencedAlertKey(record.pairKey));
      log.info({ pairKey: record.pairKey, volumeId }, 'old source fenced after its region returned');
    } catch (err) {
      events.add('fence-on-return', { volumeId, region, action: 'failed', error: (err as Error).message.split('\n')[0] });
    } finally {
      await events.flush();
    }
  }
}
