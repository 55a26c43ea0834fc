// GET /metrics on the daemon's HTTP server (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { DaemonMetrics } from './registry.ts';

export function metricsRoute(metrics: DaemonMetrics) {
  return (app: FastifyInstance): void => {
    app.get('/metrics', async (_req, reply) => {
      const { contentType, body } = await metrics.render();
      return reply.type(contentType).send(body);
    });
  };
}
