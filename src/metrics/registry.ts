// The daemon's Prometheus registry: Node's default process metrics, what this process did
// (process-metrics.ts) and the cluster-wide facts (cluster-collector.ts). One registry per
// daemon instance, not prom-client's global one, so several daemons can share a process (tests).
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../log/logger.ts';
import type { Policy } from '../policy/policy.ts';
import { registerClusterMetrics } from './cluster-collector.ts';
import type { CachedClusterFacts } from './cluster-facts.ts';
import { ProcessMetrics } from './process-metrics.ts';

export interface DaemonMetrics {
  registry: Registry;
  process: ProcessMetrics;
  /** The exposition text and its content type, for GET /metrics. */
  render(): Promise<{ contentType: string; body: string }>;
}

export function createDaemonMetrics(options: {
  facts: Pick<CachedClusterFacts, 'get'>;
  policies: () => readonly Policy[];
  failover: boolean;
  log: Logger;
}): DaemonMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const processMetrics = new ProcessMetrics(registry);
  registerClusterMetrics(registry, options);
  return {
    registry,
    process: processMetrics,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
