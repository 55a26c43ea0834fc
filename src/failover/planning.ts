// Observation + nasorch's own records → a plan. Shared by `failover plan`, `start`/`approve`
// (which re-plan and compare hashes) and the precheck step at execution time.
import type { PrismaClient } from '../db/prisma.ts';
import type { FailoverGroup } from './group.ts';
import type { RecordedNas } from './nas-calls.ts';
import { observeGroup, type GroupObservation, type ObserveOptions } from './observe.ts';
import { pairRecords, savePairRecord } from './pair-record.ts';
import { planRunbook, type FailoverKind, type Plan, type PlanOptions } from './plan.ts';
import type { RunOptions } from './steps/context.ts';

/** Recorded failed probes of a region: the newest consecutive failures, their count and span. */
export async function regionEvidence(prisma: PrismaClient, region: string): Promise<{ probes: number; spanMs: number } | null> {
  const rows = await prisma.failoverRegionProbe.findMany({ where: { region }, orderBy: { at: 'desc' }, take: 50 });
  const failures = [];
  for (const row of rows) {
    if (row.ok) break;
    failures.push(row);
  }
  if (failures.length === 0) return null;
  return { probes: failures.length, spanMs: failures[0]!.at.getTime() - failures[failures.length - 1]!.at.getTime() };
}

export async function loadPairContext(prisma: PrismaClient, group: FailoverGroup): Promise<ObserveOptions> {
  const records = await pairRecords(prisma);
  const unreachableRegions = new Set<string>();
  const regions = new Set([group.region, ...[...records.values()].filter((r) => r.groupName === group.name).map((r) => r.writerRegion)]);
  for (const region of regions) {
    const evidence = await regionEvidence(prisma, region);
    if (evidence && evidence.probes >= group.emergency.probes && evidence.spanMs >= group.emergency.windowMs) unreachableRegions.add(region);
  }
  const knownPairs = [...records.values()]
    .filter((r) => r.groupName === group.name)
    .map((r) => ({
      key: r.pairKey,
      mirrorId: r.mirrorId,
      original: { id: r.originalVolumeId, name: r.originalName, region: r.originalRegion },
      replica: { id: r.replicaVolumeId, name: r.replicaName, region: r.replicaRegion },
    }));
  return { records, unreachableRegions, knownPairs };
}

export interface PlanGroupInput {
  prisma: PrismaClient;
  nas: RecordedNas;
  group: FailoverGroup;
  kind: FailoverKind;
  options?: RunOptions;
  /** The run doing the planning (its own activity is not "another active run"). */
  excludeRunId?: string;
}

export async function planGroup(input: PlanGroupInput): Promise<{ plan: Plan; observation: GroupObservation }> {
  const { prisma, nas, group, kind } = input;
  const context = await loadPairContext(prisma, group);
  const observation = await observeGroup(nas, group, context);
  await rememberPairs(prisma, group, observation, context);
  const active = await prisma.failoverRun.findFirst({ where: { activeGroup: group.name, ...(input.excludeRunId ? { id: { not: input.excludeRunId } } : {}) }, select: { id: true } });
  const lastGoodSuccess: Record<string, string | null> = {};
  if (kind === 'emergency') {
    for (const pair of observation.pairs) {
      const sample = await prisma.mirrorStatSample.findFirst({
        where: { mirrorId: pair.mirrorId, lastSuccessTransferEndTime: { not: null } },
        orderBy: { sampledAt: 'desc' },
      });
      lastGoodSuccess[pair.key] = sample?.lastSuccessTransferEndTime?.toISOString() ?? null;
    }
  }
  const writerRegion = group.region;
  const options: PlanOptions = {
    ...(input.options?.ackInvertOnHalt ? { ackInvertOnHalt: true } : {}),
    ...(input.options?.declare ? { declare: true } : {}),
    evidence: kind === 'emergency' ? await regionEvidence(prisma, writerRegion) : null,
    activeRunId: active?.id ?? null,
    lastGoodSuccess,
    serverTime: observation.serverTime,
    problems: observation.problems,
  };
  return { plan: planRunbook({ group, kind, pairs: observation.pairs, options }), observation };
}

/** Pairs seen for the first time are remembered, so an emergency can find them when their region is down. */
export async function rememberPairs(prisma: PrismaClient, group: FailoverGroup, observation: GroupObservation, context: ObserveOptions): Promise<void> {
  for (const pair of observation.pairs) {
    if (context.records?.has(pair.key) || !pair.views[0]) continue;
    const writer = pair.views[0].direction === 'REVERSE' ? pair.replica : pair.original;
    await savePairRecord(prisma, {
      pairKey: pair.key,
      groupName: group.name,
      originalVolumeId: pair.original.id,
      originalName: pair.original.name,
      originalRegion: pair.original.region,
      replicaVolumeId: pair.replica.id,
      replicaName: pair.replica.name,
      replicaRegion: pair.replica.region,
      mirrorId: pair.mirrorId,
      writerVolumeId: writer.id,
      writerRegion: writer.region,
      state: pair.decision.state,
      oldSourceFenced: true,
      oldSourceVolumeId: null,
      oldSourceRegion: null,
      fencedAcl: [],
      runId: null,
    }).catch(() => {});
  }
}
