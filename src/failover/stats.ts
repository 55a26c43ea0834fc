// For the status page and /metrics (the metrics-page engineer registers them): run counts by
// group, kind and state, and the newest runs.
import type { PrismaClient } from '../db/prisma.ts';
import type { FailoverView } from '../metrics/failover-view.ts';

export async function failoverRunCounts(prisma: PrismaClient): Promise<{ group: string; kind: string; state: string; count: number }[]> {
  const rows = await prisma.failoverRun.groupBy({ by: ['groupName', 'kind', 'state'], _count: { _all: true } });
  return rows.map((r) => ({ group: r.groupName, kind: r.kind, state: r.state, count: r._count._all }));
}

export async function recentFailoverRuns(prisma: PrismaClient, n: number) {
  const runs = await prisma.failoverRun.findMany({ orderBy: { createdAt: 'desc' }, take: n, include: { steps: { orderBy: { ordinal: 'asc' } } } });
  return runs.map((r) => ({
    id: r.id,
    group: r.groupName,
    kind: r.kind,
    state: r.state,
    currentStep: r.steps.find((s) => s.ordinal === r.currentStep)?.name ?? null,
    error: r.error,
    rpoSeconds: r.rpoSeconds,
    rtoSeconds: r.rtoSeconds,
    createdAt: r.createdAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

const RUN_STATES = ['awaiting_approval', 'running', 'waiting_for_user', 'succeeded', 'failed', 'aborted'] as const;

/** The view /metrics and the status page show of failover runs (src/metrics/failover-view.ts). */
export function failoverView(prisma: PrismaClient): FailoverView {
  return {
    async runCounts() {
      const counts: Record<string, number> = Object.fromEntries(RUN_STATES.map((s) => [s, 0]));
      for (const row of await failoverRunCounts(prisma)) counts[row.state] = (counts[row.state] ?? 0) + row.count;
      return counts;
    },
    async recentRuns(limit) {
      return (await recentFailoverRuns(prisma, limit)).map((r) => ({
        ...r,
        createdAt: new Date(r.createdAt),
        finishedAt: r.finishedAt ? new Date(r.finishedAt) : null,
      }));
    },
  };
}
