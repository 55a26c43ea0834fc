// What the metrics and the status page show of failover runs. The failover code registers a
// view when it exists; until then (or in a build without it) both surfaces leave failover out.
import type { PrismaClient } from '../db/prisma.ts';

export interface FailoverRunSummary {
  id: string;
  group: string;
  kind: string;
  state: string;
  /** The step running or last run, when known. */
  currentStep?: string | null;
  createdAt: Date;
  finishedAt?: Date | null;
  error?: string | null;
}

export interface FailoverView {
  /** Number of runs by state (every state the code knows, zeros included). */
  runCounts(): Promise<Record<string, number>>;
  /** Newest first. */
  recentRuns(limit: number): Promise<FailoverRunSummary[]>;
}

export type FailoverViewFactory = (deps: { prisma: PrismaClient }) => FailoverView;

let registered: FailoverViewFactory | undefined;

/** Called once by the failover module (e.g. from its index) so the daemon's surfaces include it. */
export function registerFailoverView(factory: FailoverViewFactory | undefined): void {
  registered = factory;
}

export function failoverViewFor(deps: { prisma: PrismaClient }): FailoverView | undefined {
  return registered?.(deps);
}
