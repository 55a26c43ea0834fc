// Cluster-wide gauges, filled at scrape time from the cached cluster facts (PostgreSQL, Redis)
// and the policies in force: every daemon of a cluster exports the same values, so a dashboard
// may take any one of them (max by / without(instance)).
import { pauseState } from '../schedule/schedule-pauses.ts';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../log/logger.ts';
import type { Policy } from '../policy/policy.ts';
import { scheduleIntervalSeconds } from '../schedule/interval.ts';
import { policySchedules } from '../schedule/policy-schedules.ts';
import type { CachedClusterFacts, ClusterFacts } from './cluster-facts.ts';

export interface ClusterCollectorOptions {
  facts: Pick<CachedClusterFacts, 'get'>;
  policies: () => readonly Policy[];
  /** Whether failover runs are counted (a failover view is registered). */
  failover: boolean;
  log: Logger;
}

export function registerClusterMetrics(registry: Registry, options: ClusterCollectorOptions): void {
  const registers = [registry];
  // prom-client collects all metrics at once: every gauge's collect joins the same round,
  // which reads the (cached) facts and applies them.
  let round: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (round ??= readAndApply().finally(() => {
      round = undefined;
    }));
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Gauge<L>({ name, help, labelNames, registers, collect: refresh });

  const readOk = gauge('nasorch_cluster_read_ok', 'Whether the last read of the cluster facts from PostgreSQL and Redis worked (1) or not (0)', []);
  const lastSuccess = gauge(
    'nasorch_last_success_timestamp_seconds',
    'When the last successful run of this kind for this policy and volume finished (Unix seconds)',
    ['kind', 'policy', 'volume', 'volume_id'],
  );
  const lastRunStatus = gauge(
    'nasorch_last_run_status',
    'The newest run of this kind for this policy and volume: 1 for its status, 0 for the others',
    ['kind', 'policy', 'volume', 'volume_id', 'status'],
  );
  const interval = gauge(
    'nasorch_schedule_interval_seconds',
    "The longest gap between two runs of the policy's schedule for this kind (for overdue rules)",
    ['kind', 'policy'],
  );
  const lag = gauge(
    'nasorch_replication_lag_seconds',
    'Seconds since the last successful transfer of the mirror ended, per the newest stored sample (+Inf: none yet)',
    ['volume', 'volume_id', 'mirror', 'policy'],
  );
  const rpo = gauge('nasorch_replication_rpo_seconds', "The RPO the volume's policy sets for replication", ['volume', 'volume_id', 'policy']);
  const usedRatio = gauge('nasorch_volume_used_ratio', 'Used / size of the volume, per the newest usage sample (0-1)', ['volume', 'volume_id']);
  const alertsOpen = gauge('nasorch_alerts_open', 'Open alerts by severity', ['severity']);
  const queueJobs = gauge('nasorch_queue_jobs', 'Jobs in the BullMQ queue by state', ['state']);
  const schedulers = gauge('nasorch_schedulers', 'BullMQ job schedulers (one per policy, volume and scheduled kind)', []);
  const paused = gauge('nasorch_schedule_paused', 'Scheduled runs of this policy and volume are paused (spec.suspend or nasorch pause): 1', ['policy', 'volume', 'volume_id']);
  const deliveries = gauge('nasorch_alert_deliveries', 'Alert notifications not delivered yet, per sink: pending (retrying included), retrying, failed (gave up)', ['sink', 'state']);
  const failoverRuns = options.failover ? gauge('nasorch_failover_runs', 'Failover runs by state', ['state']) : undefined;

  const apply = (facts: ClusterFacts, policies: readonly Policy[]) => {
    for (const g of [lastSuccess, lastRunStatus, interval, lag, rpo, usedRatio, alertsOpen, queueJobs, schedulers, paused, deliveries, failoverRuns]) g?.reset();
    for (const r of facts.runs) {
      const labels = { kind: r.kind, policy: r.policy, volume: r.volumeName, volume_id: r.volumeId };
      if (r.lastSuccessAt) lastSuccess.set(labels, r.lastSuccessAt.getTime() / 1000);
      for (const status of ['running', 'succeeded', 'failed', 'skipped']) lastRunStatus.set({ ...labels, status }, r.lastStatus === status ? 1 : 0);
    }
    for (const policy of policies) {
      for (const [kind, pattern] of policySchedules(policy)) {
        interval.set({ kind, policy: policy.name }, scheduleIntervalSeconds(pattern, policy.timezone, facts.readAt));
      }
    }
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const s of facts.schedulers) {
      const ms = s.kind === 'mirror-stat' ? byName.get(s.policy)?.replication?.rpo?.ms : undefined;
      if (ms !== undefined) rpo.set({ volume: s.volumeName, volume_id: s.volumeId, policy: s.policy }, ms / 1000);
    }
    for (const m of facts.mirrors) {
      const seconds = m.lastSuccessTransferEndTime ? Math.max(0, (facts.readAt.getTime() - m.lastSuccessTransferEndTime.getTime()) / 1000) : Number.POSITIVE_INFINITY;
      lag.set({ volume: m.volumeName, volume_id: m.volumeId, mirror: m.mirrorId, policy: m.policy }, seconds);
    }
    for (const u of facts.usage) usedRatio.set({ volume: u.volumeName, volume_id: u.volumeId }, u.usedRatio);
    for (const [severity, n] of Object.entries(facts.alertsOpen)) alertsOpen.set({ severity }, n);
    for (const [state, n] of Object.entries(facts.queueJobs)) queueJobs.set({ state }, n);
    schedulers.set(facts.schedulers.length);
    const pausedSeen = new Set<string>();
    for (const s of facts.schedulers) {
      const policy = byName.get(s.policy);
      const key = `${s.policy}\u0000${s.volumeId}`;
      if (!policy || pausedSeen.has(key) || !pauseState(policy, s.volumeId, facts.pauses, facts.readAt).paused) continue;
      pausedSeen.add(key);
      paused.set({ policy: s.policy, volume: s.volumeName, volume_id: s.volumeId }, 1);
    }
    for (const d of facts.deliveries) {
      deliveries.set({ sink: d.sink, state: 'pending' }, d.pending);
      deliveries.set({ sink: d.sink, state: 'retrying' }, d.retrying);
      deliveries.set({ sink: d.sink, state: 'failed' }, d.failed);
    }
    if (failoverRuns && facts.failoverRuns) for (const [state, n] of Object.entries(facts.failoverRuns)) failoverRuns.set({ state }, n);
  };

  async function readAndApply(): Promise<void> {
    try {
      apply(await options.facts.get(), options.policies());
      readOk.set(1);
    } catch (err) {
      // Without PostgreSQL/Redis the process metrics are still worth scraping.
      options.log.warn({ err: { message: (err as Error).message } }, 'metrics: cannot read the cluster facts');
      readOk.set(0);
    }
  }
}
