// The cluster's state as PostgreSQL and Redis hold it — the same from every daemon of one
// cluster: job schedulers and their next runs, the last run of each (kind, policy, volume), the
// latest usage and replication samples, open alerts and queue depth. Read for /metrics and the
// status page, cached for a few seconds so scrapes and page loads do not pile up queries.
import type { Queue } from 'bullmq';
import { Prisma, type PrismaClient } from '../db/prisma.ts';
import { dbJobKind, isJobKind, type JobData, type JobKind } from '../schedule/job-kinds.ts';
import { deliveryCounts, type SinkDeliveryCounts } from '../notify/outbox.ts';
import type { SchedulePause } from '../db/prisma.ts';
import { listPauses } from '../schedule/schedule-pauses.ts';
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
  /** Pauses in force (`nasorch pause`; spec.suspend is read from the policies). */
  pauses: SchedulePause[];
  /** Undelivered alert notifications per sink (pending, retrying, failed for good). */
  deliveries: SinkDeliveryCounts[];
}

export interface ClusterFactsSource {
  prisma: PrismaClient;
  queue: Pick<Queue<JobData>, 'getJobSchedulers' | 'getJobCounts'>;
  failover?: FailoverView;
  /** PostgreSQL schema of the tables (the raw queries name it). Default public. */
  schema?: string;
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
  const [schedulerJson, alertGroups, counts, failoverRuns, pauses, deliveries] = await Promise.all([
    queue.getJobSchedulers(0, -1),
    prisma.alert.groupBy({ by: ['severity'], where: { status: 'open' }, _count: { _all: true } }),
    queue.getJobCounts(...QUEUE_STATES),
    source.failover?.runCounts(),
    listPauses(prisma, readAt),
    deliveryCounts(prisma),
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

  // Only what is scheduled now is looked up (one index probe per key, whatever the history's size):
  // a volume or policy that is gone drops out of the metrics instead of looking overdue forever.
  const names = new Map(schedulers.map((s) => [s.volumeId, s.volumeName]));
  const runKeys = new Map<string, { policy: string; volumeId: string; kind: JobKind }>();
  for (const s of schedulers) {
    runKeys.set(`${s.policy}\u0000${s.volumeId}\u0000${s.kind}`, s);
    // prune has no scheduler of its own: it follows each snapshot.
    if (s.kind === 'snapshot') runKeys.set(`${s.policy}\u0000${s.volumeId}\u0000prune`, { ...s, kind: 'prune' });
  }
  const usageVolumes = unique(schedulers.filter((s) => s.kind === 'usage').map((s) => s.volumeId));
  const mirrorKeys = schedulers.filter((s) => s.kind === 'mirror-stat');
  const schema = Prisma.raw(quoteIdent(source.schema ?? 'public'));
  const [runRows, usageRows, mirrorRows] = await Promise.all([
    lastRuns(prisma, schema, [...runKeys.values()]),
    usageVolumes.length === 0
      ? []
      : prisma.$queryRaw<{ policy: string; volume_id: string; sampled_at: Date; size_gb: number; used_gb: number }[]>`
          SELECT u.policy, u.volume_id, u.sampled_at, u.size_gb, u.used_gb
          FROM unnest(${usageVolumes}::text[]) AS k(volume_id)
          CROSS JOIN LATERAL (
            SELECT * FROM ${schema}.usage_samples s WHERE s.volume_id = k.volume_id ORDER BY s.sampled_at DESC LIMIT 1
          ) u`,
    mirrorKeys.length === 0
      ? []
      : prisma.$queryRaw<
          {
            policy: string;
            volume_id: string;
            region: string;
            mirror_id: string;
            sampled_at: Date;
            status: string;
            last_transfer_status: string | null;
            last_success_transfer_end_time: Date | null;
          }[]
        >`
          SELECT m.policy, m.volume_id, m.region, m.mirror_id, m.sampled_at, m.status, m.last_transfer_status, m.last_success_transfer_end_time
          FROM unnest(${mirrorKeys.map((k) => k.policy)}::text[], ${mirrorKeys.map((k) => k.volumeId)}::text[]) AS k(policy, volume_id)
          CROSS JOIN LATERAL (
            SELECT * FROM ${schema}.mirror_stat_samples s
            WHERE s.volume_id = k.volume_id AND s.policy = k.policy ORDER BY s.sampled_at DESC LIMIT 1
          ) m`,
  ]);
  const nameOf = (volumeId: string) => names.get(volumeId) ?? volumeId;

  const alertsOpen = { warning: 0, critical: 0 };
  for (const a of alertGroups) alertsOpen[a.severity] = a._count._all;
  const queueJobs = Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as ClusterFacts['queueJobs'];

  return {
    readAt,
    schedulers,
    runs: runRows.flatMap((r): RunFact[] => {
      const kind = kindFromDb(r.kind);
      return kind
        ? [{ kind, policy: r.policy, volumeId: r.volume_id, volumeName: nameOf(r.volume_id), lastStatus: r.status, lastStartedAt: r.started_at, lastSuccessAt: r.success_at }]
        : [];
    }),
    usage: usageRows.map((u) => ({
      policy: u.policy,
      volumeId: u.volume_id,
      volumeName: nameOf(u.volume_id),
      sampledAt: u.sampled_at,
      sizeGb: u.size_gb,
      usedGb: u.used_gb,
      usedRatio: u.size_gb > 0 ? u.used_gb / u.size_gb : 0,
    })),
    mirrors: mirrorRows.map((m) => ({
      policy: m.policy,
      volumeId: m.volume_id,
      volumeName: nameOf(m.volume_id),
      region: m.region,
      mirrorId: m.mirror_id,
      sampledAt: m.sampled_at,
      status: m.status,
      lastTransferStatus: m.last_transfer_status,
      lastSuccessTransferEndTime: m.last_success_transfer_end_time,
    })),
    alertsOpen,
    queueJobs,
    ...(failoverRuns ? { failoverRuns } : {}),
    pauses,
    deliveries,
  };
}

/** The newest run and the newest success of each (policy, volume, kind); keys never run are left out. */
async function lastRuns(prisma: PrismaClient, schema: Prisma.Sql, keys: { policy: string; volumeId: string; kind: JobKind }[]) {
  if (keys.length === 0) return [];
  return prisma.$queryRaw<{ policy: string; volume_id: string; kind: string; status: RunStatus; started_at: Date; success_at: Date | null }[]>`
    SELECT k.policy, k.volume_id, k.kind, last.status::text AS status, last.started_at, ok.success_at
    FROM unnest(${keys.map((k) => k.policy)}::text[], ${keys.map((k) => k.volumeId)}::text[], ${keys.map((k) => dbJobKind(k.kind))}::text[]) AS k(policy, volume_id, kind)
    CROSS JOIN LATERAL (
      SELECT r.status, r.started_at FROM ${schema}.job_runs r
      WHERE r.policy = k.policy AND r.volume_id = k.volume_id AND r.kind = CAST(k.kind AS ${schema}."JobKind")
      ORDER BY r.started_at DESC LIMIT 1
    ) last
    LEFT JOIN LATERAL (
      SELECT coalesce(r.finished_at, r.started_at) AS success_at FROM ${schema}.job_runs r
      WHERE r.policy = k.policy AND r.volume_id = k.volume_id AND r.kind = CAST(k.kind AS ${schema}."JobKind") AND r.status = 'succeeded'
      ORDER BY r.started_at DESC LIMIT 1
    ) ok ON true`;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

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
