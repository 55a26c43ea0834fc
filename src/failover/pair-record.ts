// nasorch's own record of who takes writes for a pair after a failover run (failover_pairs). The
// failover code writes it; the snapshot/usage/RPO code reads it through these functions.
import type { PrismaClient } from '../db/prisma.ts';
import type { WriterOverride } from '../replication/writer-override.ts';
import type { PairRecordView } from './observe.ts';

export interface PairRecord extends PairRecordView {
  groupName: string;
  originalVolumeId: string;
  originalName: string;
  originalRegion: string;
  replicaVolumeId: string;
  replicaName: string;
  replicaRegion: string;
  mirrorId: string;
  writerRegion: string;
  oldSourceVolumeId: string | null;
  oldSourceRegion: string | null;
  fencedAcl: string[];
  runId: string | null;
  updatedAt: Date;
}

/** Every pair record, by pair key. */
export async function pairRecords(prisma: PrismaClient): Promise<Map<string, PairRecord>> {
  const rows = await prisma.failoverPair.findMany();
  return new Map(rows.map((r) => [r.pairKey, r]));
}

/** Pairs a run left failed over (HALT, the replica takes writes). */
export async function failedOverPairs(prisma: PrismaClient): Promise<PairRecord[]> {
  return prisma.failoverPair.findMany({ where: { state: 'FAILED_OVER' } });
}

/** The volume that takes writes for a pair per nasorch's record, or null when no run changed it. */
export async function writerOverride(prisma: PrismaClient, pairKey: string): Promise<{ volumeId: string; region: string } | null> {
  const row = await prisma.failoverPair.findUnique({ where: { pairKey } });
  return row && row.state === 'FAILED_OVER' ? { volumeId: row.writerVolumeId, region: row.writerRegion } : null;
}

/** The job runner's hook (src/replication/writer-override.ts): the replica writes after a failover run. */
export function recordedWriterOverride(prisma: PrismaClient): WriterOverride {
  return async (key) => {
    const row = await prisma.failoverPair.findUnique({ where: { pairKey: key } });
    return row && row.state === 'FAILED_OVER' ? { volumeId: row.writerVolumeId, reason: `failover run ${row.runId ?? '?'}` } : undefined;
  };
}

/** Pairs whose old source could not be fenced yet (emergency, its region down). */
export async function unfencedOldSources(prisma: PrismaClient): Promise<PairRecord[]> {
  return prisma.failoverPair.findMany({ where: { oldSourceFenced: false } });
}

export async function savePairRecord(
  prisma: PrismaClient,
  record: Omit<PairRecord, 'updatedAt' | 'pairKey'> & { pairKey: string },
): Promise<void> {
  const data = { ...record, updatedAt: new Date() };
  await prisma.failoverPair.upsert({ where: { pairKey: record.pairKey }, create: data, update: data });
}
