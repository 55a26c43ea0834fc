// /metrics of a live daemon on the simulator: per-process counters from real jobs and NAS
// requests, cluster-wide gauges read from PostgreSQL/Redis with volume names, the same from
// two daemons of one cluster, and failover runs only once a failover view is registered.
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { QUEUE_NAME, type Daemon } from '../../src/daemon/daemon.ts';
import { registerFailoverView } from '../../src/metrics/failover-view.ts';
import { NasConnection } from '../../src/nas/connection.ts';
import { pauseSchedule, resumeSchedule } from '../../src/schedule/schedule-pauses.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { find, metricFamilies, parsePrometheusText, type Sample } from '../support/prometheus-text.ts';

let stack: TestStack;
let prodDb: string;
let prodWeb: string;
let mirrorId: string;

async function scrape(daemon: Daemon): Promise<{ text: string; samples: Sample[]; contentType: string | null }> {
  const res = await fetch(`${daemon.httpUrl}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, samples: parsePrometheusText(text), contentType: res.headers.get('content-type') };
}

const one = (samples: Sample[], name: string, labels: Record<string, string> = {}): number => {
  const found = find(samples, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0]!.value;
};

beforeAll(async () => {
  stack = await createTestStack();
  const nas = new NasConnection(stack.identity).client('KR1');
  const volumes = await nas.listAllVolumes();
  prodDb = volumes.find((v) => v.name === 'prod-db')!.id;
  const web = volumes.find((v) => v.name === 'prod-web')!;
  prodWeb = web.id;
  mirrorId = web.mirrors.find((m) => m.role === 'SOURCE')!.id;
  await stack.writePolicy(
    'metrics.yaml',
    policyYaml(
      'metrics-snap',
      `timezone: Asia/Seoul
volumes:
  names: [prod-db]
snapshot:
  schedule: "* * * * * *"
  prefix: "nasorch-metrics-"
  retention:
    keepLast: 2
usage:
  schedule: "*/2 * * * * *"
  warnPercent: 1
  criticalPercent: 100`,
    ) +
      '---\n' +
      policyYaml(
        'metrics-repl',
        `timezone: UTC
volumes:
  names: [prod-web]
replication:
  mirror: auto
  statSchedule: "* * * * * *"
  rpo: 1h`,
      ),
  );
});
afterAll(() => stack.close());
afterEach(() => registerFailoverView(undefined));

describe('/metrics', () => {
  it('exports process and cluster metrics with volume names, the same from two daemons', async () => {
    const [a, b] = [await stack.startDaemon({ clusterFactsTtlMs: 0 }), await stack.startDaemon({ clusterFactsTtlMs: 0 })];
    const { prisma } = stack.db;
    await vi.waitFor(
      async () => {
        expect(await prisma.jobRun.count({ where: { kind: 'snapshot', status: 'succeeded' } })).toBeGreaterThanOrEqual(2);
        expect(await prisma.usageSample.count()).toBeGreaterThanOrEqual(1);
        expect(await prisma.mirrorStatSample.count()).toBeGreaterThanOrEqual(1);
        expect(await prisma.alert.count({ where: { status: 'open', severity: 'warning' } })).toBeGreaterThanOrEqual(1);
      },
      { timeout: 20_000, interval: 200 },
    );

    // Freeze the cluster (a paused queue hands out no jobs) so both daemons see one state.
    const queue = new Queue(QUEUE_NAME, { connection: { url: stack.service.redisUrl }, prefix: stack.redis.prefix });
    await queue.pause();
    await vi.waitFor(async () => expect(await queue.getActiveCount()).toBe(0), { timeout: 10_000, interval: 100 });
    const [sa, sb] = await Promise.all([scrape(a), scrape(b)]);
    const s = sa.samples;
    expect(sa.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    // Per process (the two daemons share the jobs between them).
    const runs = (x: Sample[]) => find(x, 'nasorch_job_runs_total', { kind: 'snapshot', policy: 'metrics-snap', status: 'succeeded' }).reduce((n, v) => n + v.value, 0);
    expect(runs(sa.samples) + runs(sb.samples)).toBeGreaterThanOrEqual(2);
    const durations = (x: Sample[]) => find(x, 'nasorch_job_duration_seconds_count', { kind: 'snapshot' }).reduce((n, v) => n + v.value, 0);
    expect(durations(sa.samples) + durations(sb.samples)).toBe(runs(sa.samples) + runs(sb.samples));
    const creates = (x: Sample[]) => find(x, 'nasorch_nas_requests_total', { region: 'KR1', operation: 'createSnapshot' }).reduce((n, v) => n + v.value, 0);
    expect(creates(sa.samples) + creates(sb.samples)).toBeGreaterThanOrEqual(2);
    expect(find(s, 'nasorch_nas_requests_total', { region: 'KR1', operation: 'listVolumes', code: '200' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(find(s, 'nasorch_nas_request_duration_seconds_count', { region: 'KR1', operation: 'listVolumes' })[0]?.value).toBeGreaterThanOrEqual(1);
    expect(one(s, 'nasorch_reconcile_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(find(s, 'process_cpu_seconds_total')).toHaveLength(1);
    expect(find(s, 'nodejs_heap_size_used_bytes')).toHaveLength(1);

    // Cluster facts, labelled with volume names.
    const now = Date.now() / 1000;
    const lastSnapshot = one(s, 'nasorch_last_success_timestamp_seconds', { kind: 'snapshot', policy: 'metrics-snap', volume: 'prod-db', volume_id: prodDb });
    expect(now - lastSnapshot).toBeLessThan(30);
    expect(one(s, 'nasorch_last_run_status', { kind: 'snapshot', policy: 'metrics-snap', volume: 'prod-db', status: 'succeeded' })).toBe(1);
    expect(one(s, 'nasorch_schedule_interval_seconds', { kind: 'snapshot', policy: 'metrics-snap' })).toBe(1);
    expect(one(s, 'nasorch_schedule_interval_seconds', { kind: 'usage', policy: 'metrics-snap' })).toBe(2);
    expect(one(s, 'nasorch_schedule_interval_seconds', { kind: 'mirror-stat', policy: 'metrics-repl' })).toBe(1);
    const lag = one(s, 'nasorch_replication_lag_seconds', { volume: 'prod-web', volume_id: prodWeb, mirror: mirrorId, policy: 'metrics-repl' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(Infinity);
    expect(one(s, 'nasorch_replication_rpo_seconds', { volume: 'prod-web', volume_id: prodWeb })).toBe(3600);
    const used = one(s, 'nasorch_volume_used_ratio', { volume: 'prod-db', volume_id: prodDb });
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(1);
    expect(one(s, 'nasorch_alerts_open', { severity: 'warning' })).toBeGreaterThanOrEqual(1);
    expect(one(s, 'nasorch_alerts_open', { severity: 'critical' })).toBe(0);
    expect(one(s, 'nasorch_schedulers')).toBe(3); // prod-db snapshot + usage, prod-web mirror-stat
    expect(find(s, 'nasorch_queue_jobs').map((x) => x.labels.state).sort()).toEqual(
      ['active', 'completed', 'delayed', 'failed', 'prioritized', 'waiting', 'waiting-children'],
    );
    expect(one(s, 'nasorch_cluster_read_ok')).toBe(1);
    expect(metricFamilies(sa.text).has('nasorch_failover_runs')).toBe(true);

    // Every replica exports the same cluster facts (lag is measured at scrape time: within a second or two).
    const clusterOf = (x: Sample[]) =>
      x
        .filter((v) => CLUSTER_METRICS.includes(v.name))
        .map((v) => ({ ...v, value: v.name === 'nasorch_replication_lag_seconds' ? Math.floor(v.value / 5) : v.value }))
        .sort((p, q) => JSON.stringify(p).localeCompare(JSON.stringify(q)));
    expect(clusterOf(sb.samples)).toEqual(clusterOf(sa.samples));
    await queue.close(); // left paused: the tests below need no jobs running
    await Promise.all([a.stop(), b.stop()]);
  });

  it('counts failover runs by state once a failover view is registered', async () => {
    registerFailoverView(() => ({
      runCounts: async () => ({ awaiting_approval: 0, running: 1, succeeded: 2, failed: 0, aborted: 0, waiting_for_user: 0 }),
      recentRuns: async () => [],
    }));
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    const { samples } = await scrape(daemon);
    expect(one(samples, 'nasorch_failover_runs', { state: 'running' })).toBe(1);
    expect(one(samples, 'nasorch_failover_runs', { state: 'succeeded' })).toBe(2);
    await daemon.stop();
  });

  it('keeps serving process metrics when PostgreSQL cannot be read, and says so', async () => {
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    // A cluster-facts read that fails: the run table is renamed away for the duration of one scrape.
    await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE "${stack.db.schema}".job_runs RENAME TO job_runs_away`);
    try {
      const { samples } = await scrape(daemon);
      expect(one(samples, 'nasorch_cluster_read_ok')).toBe(0);
      expect(find(samples, 'process_cpu_seconds_total')).toHaveLength(1);
      expect(find(samples, 'nasorch_last_success_timestamp_seconds')).toHaveLength(0);
    } finally {
      await stack.db.prisma.$executeRawUnsafe(`ALTER TABLE "${stack.db.schema}".job_runs_away RENAME TO job_runs`);
    }
    expect(stack.logs.some((l) => String(l.msg).startsWith('metrics: cannot read the cluster facts'))).toBe(true);
    await daemon.stop();
  });
});

const CLUSTER_METRICS = [
  'nasorch_last_success_timestamp_seconds',
  'nasorch_last_run_status',
  'nasorch_schedule_interval_seconds',
  'nasorch_replication_lag_seconds',
  'nasorch_replication_rpo_seconds',
  'nasorch_volume_used_ratio',
  'nasorch_alerts_open',
  'nasorch_queue_jobs',
  'nasorch_schedulers',
];

describe('/metrics: pauses and notifications', () => {
  it('shows a paused schedule and undelivered notifications per sink', async () => {
    const { prisma } = stack.db;
    await pauseSchedule(prisma, { policy: 'metrics-repl', volumeId: prodWeb, reason: 'maintenance window' });
    // What the notifier leaves behind when a sink keeps failing: one given up, one still retrying.
    await prisma.alertDelivery.createMany({
      data: [
        { dedupKey: 'm-1', sink: 'oncall', alertKey: 'k-1', kind: 'open', body: {}, status: 'failed', attempts: 10, lastError: 'HTTP 500' },
        { dedupKey: 'm-2', sink: 'oncall', alertKey: 'k-2', kind: 'open', body: {}, status: 'pending', attempts: 2, lastError: 'timeout' },
      ],
    });
    const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
    try {
      await vi.waitFor(async () => {
        const { samples } = await scrape(daemon);
        expect(one(samples, 'nasorch_schedule_paused', { policy: 'metrics-repl', volume: 'prod-web', volume_id: prodWeb })).toBe(1);
        expect(find(samples, 'nasorch_schedule_paused', { policy: 'metrics-snap' })).toHaveLength(0);
        expect(one(samples, 'nasorch_alert_deliveries', { sink: 'oncall', state: 'failed' })).toBe(1);
        expect(one(samples, 'nasorch_alert_deliveries', { sink: 'oncall', state: 'pending' })).toBe(1);
        expect(one(samples, 'nasorch_alert_deliveries', { sink: 'oncall', state: 'retrying' })).toBe(1);
      }, { timeout: 20_000, interval: 250 });
      const page = await (await fetch(`${daemon.httpUrl}/`)).text();
      expect(page).toMatch(/>paused<\/span>[\s\S]*is paused \(nasorch pause\): maintenance window/);
    } finally {
      await daemon.stop();
      await resumeSchedule(prisma, 'metrics-repl', prodWeb);
      await prisma.alertDelivery.deleteMany({ where: { dedupKey: { in: ['m-1', 'm-2'] } } });
    }
  }, 60_000);
});
