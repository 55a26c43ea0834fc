// What the status page shows, gathered from the cluster facts (shared with /metrics), the
// policies in force, the alert and run books, and (for replication direction) the NAS API.
import { pauseState } from '../schedule/schedule-pauses.ts';
import type { PrismaClient } from '../db/prisma.ts';
import type { CachedClusterFacts, ClusterFacts, RunStatus } from '../metrics/cluster-facts.ts';
import type { FailoverRunSummary, FailoverView } from '../metrics/failover-view.ts';
import type { Policy } from '../policy/policy.ts';
import type { PairDescription } from '../replication/pair.ts';
import { scheduleIntervalSeconds } from '../schedule/interval.ts';
import type { JobKind } from '../schedule/job-kinds.ts';
import type { PairDirections } from './pair-directions.ts';

export interface KindCell {
  kind: JobKind;
  lastStatus: RunStatus | null;
  lastStartedAt: Date | null;
  lastSuccessAt: Date | null;
  nextRunAt: Date | null;
  /** No success for more than two of the schedule's longest gaps. */
  overdue: boolean;
}

export interface VolumeRow {
  id: string;
  name: string;
  kinds: KindCell[];
  /** Why scheduled runs are skipped now (spec.suspend or `nasorch pause`), if they are. */
  paused?: string;
}

export interface PolicyRow {
  name: string;
  description?: string;
  region: string;
  timezone: string;
  volumes: VolumeRow[];
}

export interface AlertRow {
  key: string;
  severity: string;
  message: string;
  policy: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  count: number;
}

export interface PairRow {
  policy: string;
  volumeId: string;
  volumeName: string;
  mirrorId: string;
  status: string;
  lastTransferStatus: string | null;
  /** null: no successful transfer yet. */
  lagSeconds: number | null;
  rpoSeconds: number | null;
  sampledAt: Date;
  pair: PairDescription | null;
  /** Why the direction is not known (NAS API not answering…). */
  directionProblem?: string;
}

export interface RunRow {
  id: string;
  kind: string;
  policy: string;
  volumeId: string;
  volumeName: string | null;
  status: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface StatusPageData {
  generatedAt: Date;
  policies: PolicyRow[];
  alerts: AlertRow[];
  pairs: PairRow[];
  recentRuns: RunRow[];
  /** Present when a failover view is registered. */
  failoverRuns?: FailoverRunSummary[];
}

export interface PageDataSource {
  facts: Pick<CachedClusterFacts, 'get'>;
  prisma: PrismaClient;
  policies: () => readonly Policy[];
  directions?: PairDirections;
  failover?: FailoverView;
}

const KIND_ORDER: JobKind[] = ['snapshot', 'prune', 'usage', 'mirror-stat', 'mirror-start', 'mirror-stop'];

export async function loadStatusPageData(source: PageDataSource): Promise<StatusPageData> {
  const [facts, alerts, runs, failoverRuns] = await Promise.all([
    source.facts.get(),
    source.prisma.alert.findMany({ where: { status: 'open' }, orderBy: [{ severity: 'desc' }, { lastSeenAt: 'desc' }], take: 100 }),
    source.prisma.jobRun.findMany({ orderBy: { startedAt: 'desc' }, take: 25 }),
    source.failover?.recentRuns(10),
  ]);
  const policies = source.policies();
  const pairs = await pairRows(facts, policies, source.directions);
  return {
    generatedAt: facts.readAt,
    policies: policyRows(facts, policies),
    alerts: alerts.map((a) => ({
      key: a.key,
      severity: a.severity,
      message: a.message,
      policy: a.policy,
      firstSeenAt: a.firstSeenAt,
      lastSeenAt: a.lastSeenAt,
      count: a.count,
    })),
    pairs,
    recentRuns: runs.map((r) => ({
      id: r.id,
      kind: r.kind.replace('_', '-'),
      policy: r.policy,
      volumeId: r.volumeId,
      volumeName: r.volumeName,
      status: r.status,
      trigger: r.trigger,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      error: r.error,
    })),
    ...(failoverRuns ? { failoverRuns } : {}),
  };
}

/** Policies in config order; their volumes are those with schedulers now (what will run). */
export function policyRows(facts: ClusterFacts, policies: readonly Policy[]): PolicyRow[] {
  const runsByKey = new Map(facts.runs.map((r) => [`${r.policy}\u0000${r.volumeId}\u0000${r.kind}`, r]));
  return policies.map((policy) => {
    const volumes = new Map<string, VolumeRow>();
    for (const s of facts.schedulers.filter((x) => x.policy === policy.name)) {
      const pause = pauseState(policy, s.volumeId, facts.pauses, facts.readAt);
      const row: VolumeRow = volumes.get(s.volumeId) ?? { id: s.volumeId, name: s.volumeName, kinds: [], ...(pause.paused ? { paused: pause.reason } : {}) };
      const run = runsByKey.get(`${policy.name}\u0000${s.volumeId}\u0000${s.kind}`);
      const overdueAfter = s.pattern ? 2 * scheduleIntervalSeconds(s.pattern, s.timeZone ?? policy.timezone, facts.readAt) * 1000 : Infinity;
      const since = run?.lastSuccessAt ?? null;
      const overdue = since !== null && facts.readAt.getTime() - since.getTime() > overdueAfter;
      row.kinds.push(cell(s.kind, run, s.nextRunAt, overdue));
      volumes.set(s.volumeId, row);
    }
    // Kinds that run without a scheduler of their own (prune follows each snapshot).
    for (const row of volumes.values()) {
      for (const r of facts.runs) {
        if (r.policy === policy.name && r.volumeId === row.id && !row.kinds.some((k) => k.kind === r.kind)) row.kinds.push(cell(r.kind, r, null, false));
      }
      row.kinds.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
    }
    return {
      name: policy.name,
      ...(policy.description ? { description: policy.description } : {}),
      region: policy.region,
      timezone: policy.timezone,
      volumes: [...volumes.values()].sort((a, b) => a.name.localeCompare(b.name)),
    };
  });
}

function cell(kind: JobKind, run: ClusterFacts['runs'][number] | undefined, nextRunAt: Date | null, overdue: boolean): KindCell {
  return {
    kind,
    lastStatus: run?.lastStatus ?? null,
    lastStartedAt: run?.lastStartedAt ?? null,
    lastSuccessAt: run?.lastSuccessAt ?? null,
    nextRunAt,
    overdue,
  };
}

async function pairRows(facts: ClusterFacts, policies: readonly Policy[], directions: PairDirections | undefined): Promise<PairRow[]> {
  const byName = new Map(policies.map((p) => [p.name, p]));
  return Promise.all(
    facts.mirrors.map(async (m): Promise<PairRow> => {
      const rpoMs = byName.get(m.policy)?.replication?.rpo?.ms;
      const looked = directions ? await directions.describe(m.region, m.volumeId, m.mirrorId) : { pair: null, problem: 'not looked up' };
      return {
        policy: m.policy,
        volumeId: m.volumeId,
        volumeName: m.volumeName,
        mirrorId: m.mirrorId,
        status: m.status,
        lastTransferStatus: m.lastTransferStatus,
        lagSeconds: m.lastSuccessTransferEndTime ? Math.max(0, Math.round((facts.readAt.getTime() - m.lastSuccessTransferEndTime.getTime()) / 1000)) : null,
        rpoSeconds: rpoMs === undefined ? null : rpoMs / 1000,
        sampledAt: m.sampledAt,
        pair: looked.pair,
        ...(looked.problem ? { directionProblem: looked.problem } : {}),
      };
    }),
  );
}
