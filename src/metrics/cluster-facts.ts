// The cluster's state as PostgreSQL and Redis hold it — the same from every daemon of one
// cluster: job schedulers and their next runs, the last run of each (kind, policy, volume), the
// latest usage and replication samples, open alerts and queue depth. Read for /metrics and the
// status page, cached for a few seconds so scrapes and page loads do not pile up queries.
import type { Queue } from 'bullmq';
import type { PrismaClient } from '../db/prisma.ts';
import { isJobKind, type JobData, type JobKind } from '../schedule/job-kinds.ts';
import type { FailoverView } from './failover-view.ts';

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;
export const ALERT_SEVERITIES = ['warning', 'critical'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface SchedulerFact {
  id: string;
  kind: JobKind;
  policy: string;
  volumeId: string;
  volumeName: string;
  region: string;
  pattern: string | null;
  timeZone: string | null;
  /** When BullMQ will next create a job for it; null when it does not say. */
  nextRunAt: Date | null;
}

export interface RunFact {
  kind: JobKind;
  policy: string;
  volumeId: string;
  volumeName: string;
  /** The newest run, whatever its status. */
  lastStatus: RunStatus;
  lastStartedAt: Date;
  lastSuccessAt: Date | null;
}

export interface UsageFact {
  policy: string;
  volumeId: string;
  volumeName: string;
  sampledAt: Date;
  sizeGb: number;
  usedGb: number;
  usedRatio: number;
}

export interface MirrorFact {
  policy: string;
  volumeId: string;
  volumeName: string;
  region: string;
  mirrorId: string;
  sampledAt: Date;
  status: string;
  lastTransferStatus: string | null;
  lastSuccessTransferEndTime: Date | null;
}

export interface ClusterFacts {
  readAt: Date;
  schedulers: SchedulerFact[];
  runs: RunFact[];
  usage: UsageFact[];
  mirrors: MirrorFact[];
  alertsOpen: Record<(typeof ALERT_SEVERITIES)[number], number>;
  queueJobs: Record<(typeof QUEUE_STATES)[number], number>;
  /** Absent when no failover view is registered. */
  failoverRuns?: Record<string, number>;
}

export interface ClusterFactsSource {
  prisma: PrismaClient;
  queue: Pick<Queue<JobData>, 'getJobSchedulers' | 'getJobCounts'>;
  failover?: FailoverView;
  now?: () => Date;
}

/** Prisma's enum spells kinds with underscores; everything else uses dashes. */
function kindFromDb(kind: string): JobKind | undefined {
  const dashed = kind.replace('_', '-');
  return isJobKind(dashed) ? dashed : undefined;
}

export async function readClusterFacts(source: ClusterFactsSource): Promise<ClusterFacts> {
  const { prisma, queue } = source;
  const readAt = (source.now ?? (() => new Date()))();
  const [schedulerJson, runGroups, runNames, usageLatest, mirrorLatest, alertGroups, counts, failoverRuns] = await Promise.all([
    queue.getJobSchedulers(0, -1),
    prisma.jobRun.groupBy({ by: ['kind', 'policy', 'volumeId', 'status'], _max: { startedAt: true, finishedAt: true } }),
    prisma.jobRun.groupBy({ by: ['volumeId', 'volumeName'], where: { volumeName: { not: null } }, _max: { startedAt: true } }),
    latestUsage(prisma),
    latestMirrorStats(prisma),
    prisma.alert.groupBy({ by: ['severity'], where: { status: 'open' }, _count: { _all: true } }),
    queue.getJobCounts(...QUEUE_STATES),
    source.failover?.runCounts(),
  ]);

  const schedulers: SchedulerFact[] = [];
  for (const s of schedulerJson) {
    const data = s.template?.data;
    if (!data || !isJobKind(data.kind)) continue;
    schedulers.push({
      id: s.key,
      kind: data.kind,
      policy: data.policy,
      volumeId: data.volumeId,
      volumeName: data.volumeName,
      region: data.region,
      pattern: s.pattern ?? null,
      timeZone: s.tz ?? null,
      nextRunAt: typeof s.next === 'number' ? new Date(s.next) : null,
    });
  }

  // Names: the current schedulers' first (they follow renames), then the newest run's.
  const names = new Map<string, string>();
  const newestName = new Map<string, number>();
  for (const r of runNames) {
    const at = r._max.startedAt?.getTime() ?? 0;
    if (r.volumeName && at >= (newestName.get(r.volumeId) ?? -1)) {
      names.set(r.volumeId, r.volumeName);
      newestName.set(r.volumeId, at);
    }
  }
  for (const s of schedulers) names.set(s.volumeId, s.volumeName);
  const nameOf = (volumeId: string) => names.get(volumeId) ?? volumeId;

  const runs = new Map<string, RunFact>();
  for (const g of runGroups) {
    const kind = kindFromDb(g.kind);
    const startedAt = g._max.startedAt;
    if (!kind || !startedAt) continue;
    const key = `${kind}\u0000${g.policy}\u0000${g.volumeId}`;
    const fact = runs.get(key) ?? {
      kind,
      policy: g.policy,
      volumeId: g.volumeId,
      volumeName: nameOf(g.volumeId),
      lastStatus: g.status,
      lastStartedAt: startedAt,
      lastSuccessAt: null,
    };
    if (startedAt > fact.lastStartedAt) {
      fact.lastStatus = g.status;
      fact.lastStartedAt = startedAt;
    }
    if (g.status === 'succeeded') fact.lastSuccessAt = g._max.finishedAt ?? startedAt;
    runs.set(key, fact);
  }

  const alertsOpen = { warning: 0, critical: 0 };
  for (const a of alertGroups) alertsOpen[a.severity] = a._count._all;
  const queueJobs = Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as ClusterFacts['queueJobs'];

  return {
    readAt,
    schedulers,
    runs: [...runs.values()],
    usage: usageLatest.map((u) => ({
      policy: u.policy,
      volumeId: u.volumeId,
      volumeName: nameOf(u.volumeId),
      sampledAt: u.sampledAt,
      sizeGb: u.sizeGb,
      usedGb: u.usedGb,
      usedRatio: u.sizeGb > 0 ? u.usedGb / u.sizeGb : 0,
    })),
    mirrors: mirrorLatest.map((m) => ({
      policy: m.policy,
      volumeId: m.volumeId,
      volumeName: nameOf(m.volumeId),
      region: m.region,
      mirrorId: m.mirrorId,
      sampledAt: m.sampledAt,
      status: m.status,
      lastTransferStatus: m.lastTransferStatus,
      lastSuccessTransferEndTime: m.lastSuccessTransferEndTime,
    })),
    alertsOpen,
    queueJobs,
    ...(failoverRuns ? { failoverRuns } : {}),
  };
}

/** The newest usage sample of each volume. */
async function latestUsage(prisma: PrismaClient) {
  const newest = await prisma.usageSample.groupBy({ by: ['volumeId'], _max: { sampledAt: true } });
  const keys = newest.filter((n) => n._max.sampledAt).map((n) => ({ volumeId: n.volumeId, sampledAt: n._max.sampledAt! }));
  if (keys.length === 0) return [];
  const rows = await prisma.usageSample.findMany({ where: { OR: keys }, orderBy: { id: 'desc' } });
  return firstPer(rows, (r) => r.volumeId);
}

/** The newest replication sample of each (volume, mirror). */
async function latestMirrorStats(prisma: PrismaClient) {
  const newest = await prisma.mirrorStatSample.groupBy({ by: ['volumeId', 'mirrorId'], _max: { sampledAt: true } });
  const keys = newest
    .filter((n) => n._max.sampledAt)
    .map((n) => ({ volumeId: n.volumeId, mirrorId: n.mirrorId, sampledAt: n._max.sampledAt! }));
  if (keys.length === 0) return [];
  const rows = await prisma.mirrorStatSample.findMany({ where: { OR: keys }, orderBy: { id: 'desc' } });
  return firstPer(rows, (r) => `${r.volumeId}\u0000${r.mirrorId}`);
}

function firstPer<T>(rows: T[], key: (row: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) if (!seen.has(key(row))) seen.set(key(row), row);
  return [...seen.values()];
}

/** One read at a time, reused for `ttlMs`: every scrape and page load in that window shares it. */
export class CachedClusterFacts {
  private cached?: { at: number; facts: ClusterFacts };
  private inFlight?: Promise<ClusterFacts>;

  constructor(
    private readonly source: ClusterFactsSource,
    private readonly ttlMs = 5000,
  ) {}

  async get(): Promise<ClusterFacts> {
    if (this.cached && Date.now() - this.cached.at < this.ttlMs) return this.cached.facts;
    this.inFlight ??= readClusterFacts(this.source)
      .then((facts) => {
        this.cached = { at: Date.now(), facts };
        return facts;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }
}
