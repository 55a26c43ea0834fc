// The shipped Grafana dashboard and Prometheus rules only use metrics (and labels) that a live
// daemon exports: every PromQL expression in them is checked against a real /metrics scrape.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { registerFailoverView } from '../../src/metrics/failover-view.ts';
import { createTestStack, policyYaml, type TestStack } from '../support/stack.ts';
import { metricFamilies, parsePrometheusText, type Sample } from '../support/prometheus-text.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let stack: TestStack;
let families: Map<string, string>;
let samples: Sample[];

/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);

beforeAll(async () => {
  stack = await createTestStack();
  await stack.writePolicy(
    'all.yaml',
    policyYaml(
      'deploy-snap',
      `timezone: UTC
volumes:
  names: [prod-db]
snapshot:
  schedule: "* * * * * *"
  prefix: "nasorch-deploy-"
  retention:
    keepLast: 2
usage:
  schedule: "* * * * * *"`,
    ) +
      '---\n' +
      policyYaml(
        'deploy-repl',
        `timezone: UTC
volumes:
  names: [prod-web]
replication:
  statSchedule: "* * * * * *"
  rpo: 1h`,
      ),
  );
  // The failover metric is exported once failover registers its view: shown here with a stand-in.
  registerFailoverView(() => ({ runCounts: async () => ({ running: 0, succeeded: 0 }), recentRuns: async () => [] }));
  const daemon = await stack.startDaemon({ clusterFactsTtlMs: 0 });
  const { prisma } = stack.db;
  await vi.waitFor(
    async () => {
      expect(await prisma.jobRun.count({ where: { kind: 'snapshot', status: 'succeeded' } })).toBeGreaterThanOrEqual(1);
      expect(await prisma.usageSample.count()).toBeGreaterThanOrEqual(1);
      expect(await prisma.mirrorStatSample.count()).toBeGreaterThanOrEqual(1);
    },
    { timeout: 20_000, interval: 200 },
  );
  const text = await (await fetch(`${daemon.httpUrl}/metrics`)).text();
  families = metricFamilies(text);
  samples = parsePrometheusText(text);
});
afterAll(async () => {
  registerFailoverView(undefined);
  await stack.close();
});

/** Which exported family a PromQL series name belongs to (histogram parts to their family). */
function familyOf(name: string): string | undefined {
  if (families.has(name)) return name;
  const stem = name.replace(/_(bucket|count|sum)$/, '');
  return families.get(stem) === 'histogram' ? stem : undefined;
}

interface Problem {
  where: string;
  problem: string;
}

/** Checks one PromQL expression against the scrape; returns what does not match. */
function checkExpression(where: string, expr: string): Problem[] {
  const problems: Problem[] = [];
  const referenced: string[] = [];
  for (const m of expr.matchAll(/\b((?:nasorch|process|nodejs)_[a-z0-9_]+|up)\b(\{[^}]*\})?/g)) {
    const name = m[1]!;
    referenced.push(name);
    const matchers = [...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)/g)].map((l) => l[1]!);
    if (name === 'up') {
      for (const label of matchers) if (!TARGET_LABELS.has(label)) problems.push({ where, problem: `up has no label ${label}` });
      continue;
    }
    if (!familyOf(name)) {
      problems.push({ where, problem: `metric ${name} is not exported` });
      continue;
    }
    const labels = new Set(samples.filter((s) => s.name === name).flatMap((s) => Object.keys(s.labels)));
    for (const label of matchers) {
      if (!labels.has(label) && !TARGET_LABELS.has(label)) problems.push({ where, problem: `${name} has no label ${label}` });
    }
  }
  if (referenced.length === 0) problems.push({ where, problem: 'uses no nasorch metric' });
  const available = new Set(samples.filter((s) => referenced.includes(s.name)).flatMap((s) => Object.keys(s.labels)));
  for (const m of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const label of m[1]!.split(',').map((l) => l.trim()).filter(Boolean)) {
      if (!available.has(label) && !TARGET_LABELS.has(label)) problems.push({ where, problem: `no metric in the expression has label ${label}` });
    }
  }
  return problems;
}

describe('deploy files', () => {
  it('Prometheus rules: well-formed alerting rules on exported metrics only (overdue, RPO, full, down)', async () => {
    const doc = parseYaml(await readFile(path.join(root, 'deploy/prometheus/nasorch-rules.yaml'), 'utf8')) as {
      groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: { severity: string }; annotations: { summary: string } }[] }[];
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining(['NasorchSnapshotOverdue', 'NasorchReplicationLagOverRPO', 'NasorchVolumeNearlyFull', 'NasorchDaemonDown']),
    );
    const problems: Problem[] = [];
    for (const rule of rules) {
      expect(['warning', 'critical']).toContain(rule.labels.severity);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
      problems.push(...checkExpression(rule.alert, rule.expr));
    }
    expect(problems).toEqual([]);
    // The overdue rule compares against the schedule's own interval, the lag rule against the RPO.
    expect(rules.find((r) => r.alert === 'NasorchSnapshotOverdue')!.expr).toContain('nasorch_schedule_interval_seconds');
    expect(rules.find((r) => r.alert === 'NasorchReplicationLagOverRPO')!.expr).toContain('nasorch_replication_rpo_seconds');
    expect(rules.find((r) => r.alert === 'NasorchDaemonDown')!.expr).toMatch(/\bup\{/);
  });

  it('Grafana dashboard: valid JSON whose every query uses exported metrics and labels', async () => {
    const dashboard = JSON.parse(await readFile(path.join(root, 'deploy/grafana/nasorch-dashboard.json'), 'utf8')) as {
      uid: string;
      title: string;
      templating: { list: { name: string }[] };
      panels: { id: number; title: string; type: string; targets?: { expr: string; datasource: { uid: string } }[] }[];
    };
    expect(dashboard.uid).toBe('nasorch');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'job']));
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const problems: Problem[] = [];
    const used = new Set<string>();
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) {
        expect(target.datasource.uid).toBe('${datasource}');
        problems.push(...checkExpression(panel.title, target.expr));
        for (const m of target.expr.matchAll(/\bnasorch_[a-z0-9_]+/g)) used.add(familyOf(m[0]) ?? m[0]);
      }
    }
    expect(problems).toEqual([]);
    // The dashboard shows every nasorch metric the issue asks for.
    for (const name of [
      'nasorch_job_runs_total',
      'nasorch_job_duration_seconds',
      'nasorch_nas_requests_total',
      'nasorch_nas_request_duration_seconds',
      'nasorch_reconcile_duration_seconds',
      'nasorch_last_success_timestamp_seconds',
      'nasorch_replication_lag_seconds',
      'nasorch_volume_used_ratio',
      'nasorch_alerts_open',
      'nasorch_queue_jobs',
      'nasorch_schedulers',
      'nasorch_failover_runs',
    ]) {
      expect(used, name).toContain(name);
    }
  });
});
