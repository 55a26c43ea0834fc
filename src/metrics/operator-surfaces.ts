// Wiring for the daemon's operator surfaces on its HTTP server: /metrics and the status page,
// both over one cached read of the cluster facts, plus failover when its view is registered.
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import type { PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../log/logger.ts';
import type { NasClient } from '../nas/client.ts';
import type { Policy } from '../policy/policy.ts';
import type { JobData } from '../schedule/job-kinds.ts';
import { PairDirections } from '../status-page/pair-directions.ts';
import { queueBoardRoute } from '../status-page/queue-board.ts';
import { statusPageRoute } from '../status-page/route.ts';
import { CachedClusterFacts } from './cluster-facts.ts';
import { failoverViewFor, type FailoverView } from './failover-view.ts';
import { createDaemonMetrics, type DaemonMetrics } from './registry.ts';
import { metricsRoute } from './route.ts';

export interface OperatorSurfaces {
  metrics: DaemonMetrics;
  routes: ((app: FastifyInstance) => void)[];
}

export function createOperatorSurfaces(options: {
  prisma: PrismaClient;
  queue: Queue<JobData>;
  nasFor: (region: string) => NasClient;
  policies: () => readonly Policy[];
  log: Logger;
  /** How long one read of PostgreSQL/Redis serves scrapes and page loads. Default 5 s. */
  factsTtlMs?: number;
  /** PostgreSQL schema of nasorch's tables. Default public. */
  schema?: string;
  /** Mounts Bull Board at /queues behind this token. */
  apiToken?: string;
  /** Failover runs to show; a registered view (tests) takes precedence. */
  failover?: FailoverView;
}): OperatorSurfaces {
  const failover = failoverViewFor({ prisma: options.prisma }) ?? options.failover;
  const facts = new CachedClusterFacts(
    { prisma: options.prisma, queue: options.queue, ...(options.schema ? { schema: options.schema } : {}), ...(failover ? { failover } : {}) },
    options.factsTtlMs,
  );
  const metrics = createDaemonMetrics({ facts, policies: options.policies, failover: failover !== undefined, log: options.log });
  const page = statusPageRoute(
    {
      facts,
      prisma: options.prisma,
      policies: options.policies,
      directions: new PairDirections(options.nasFor),
      ...(failover ? { failover } : {}),
    },
    { log: options.log },
  );
  const routes = [metricsRoute(metrics), page];
  if (options.apiToken) routes.push(queueBoardRoute(options.queue, options.apiToken));
  return { metrics, routes };
}
